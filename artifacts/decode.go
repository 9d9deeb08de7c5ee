package artifacts

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Decode reads one Metaflow artifact blob (a gzip-compressed pickle, as
// stored under <root>/<Flow>/data/<sha[:2]>/<sha>, docs/format.md) and
// returns its value tree. A stream that is not gzip is read as a bare
// pickle. It never executes or imports anything. A hostile or broken blob
// gives a Value of kind "error" and an error wrapping ErrUnsafe,
// ErrTruncated, ErrTooLarge or ErrInvalid, never a panic.
func Decode(r io.Reader, lim Limits) (*Value, error) {
	lim = lim.withDefaults()
	data, err := readPickle(r, lim.MaxBytes)
	if err != nil {
		return errorValue(err), err
	}
	return DecodePickle(data, lim)
}

// DecodePickle decodes an uncompressed pickle held in memory.
func DecodePickle(data []byte, lim Limits) (v *Value, err error) {
	lim = lim.withDefaults()
	if int64(len(data)) > lim.MaxBytes {
		err = errorf(ErrTooLarge, "%d bytes, the limit is %d", len(data), lim.MaxBytes)
		return errorValue(err), err
	}
	defer func() {
		// The machine and the converter check every length and type they
		// use; this is the last line that keeps a bug in them from
		// taking the process down on hostile input.
		if p := recover(); p != nil {
			err = errorf(ErrInvalid, "reader failure: %v", p)
			v = errorValue(err)
		}
	}()
	m := &machine{data: data, lim: lim}
	obj, err := m.run()
	if err != nil {
		return errorValue(err), err
	}
	c := &converter{lim: lim, onPath: map[any]bool{}}
	v = c.value(obj, 0)
	if v.Kind == KindError && c.refused {
		return v, fmt.Errorf("%w: %s", ErrUnsafe, v.Error)
	}
	return v, nil
}

func readPickle(r io.Reader, maxBytes int64) ([]byte, error) {
	// The compressed blob is read first: its gzip trailer tells the
	// uncompressed size (mod 4 GiB), so the pickle is read into one
	// buffer of the right size instead of a growing one.
	raw, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, errorf(ErrInvalid, "read: %v", err)
	}
	if !bytes.HasPrefix(raw, []byte{0x1f, 0x8b}) {
		if int64(len(raw)) > maxBytes {
			return nil, errorf(ErrTooLarge, "more than %d bytes", maxBytes)
		}
		return raw, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, errorf(ErrInvalid, "gzip header: %v", err)
	}
	defer zr.Close()
	hint := int64(0)
	if len(raw) >= 18 {
		hint = int64(binary.LittleEndian.Uint32(raw[len(raw)-4:]))
	}
	buf := bytes.NewBuffer(make([]byte, 0, min(hint, maxBytes)+1))
	_, err = buf.ReadFrom(io.LimitReader(zr, maxBytes+1))
	data := buf.Bytes()
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errorf(ErrTruncated, "compressed stream ends early")
		}
		return nil, errorf(ErrInvalid, "read: %v", err)
	}
	if int64(len(data)) > maxBytes {
		return nil, errorf(ErrTooLarge, "more than %d bytes uncompressed", maxBytes)
	}
	return data, nil
}

func errorValue(err error) *Value {
	return &Value{Kind: KindError, Error: err.Error(), Repr: "<unreadable: " + cut(err.Error(), 150) + ">"}
}
