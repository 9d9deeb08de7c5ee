package artifacts

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

func gz(tb testing.TB, b []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// hostilePickles are hand-made pickles that call something unsafe, nest
// too deep, state lengths they do not have, or never end.
var hostilePickles = map[string]struct {
	data string
	want error
}{
	"eval":             {"\x80\x04\x8c\x08builtins\x8c\x04eval\x93\x8c\x0c__import__()\x85R.", ErrUnsafe},
	"os.system global": {"cos\nsystem\n(S'touch /tmp/flowdeck-pickle-was-executed'\ntR.", ErrUnsafe},
	"subprocess":       {"\x80\x02csubprocess\nPopen\n]q\x00X\x04\x00\x00\x00trueq\x01a\x85R.", ErrUnsafe},
	"getattr chain":    {"\x80\x04\x8c\x08builtins\x8c\x07getattr\x93\x8c\x02os\x8c\x06system\x86R\x8c\x04true\x85R.", ErrUnsafe},
	"inst":             {"(S'true'\nios\nsystem\n.", ErrUnsafe},
	"truncated":        {"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00]\x94(K\x01K\x02", ErrTruncated},
	"huge binbytes8":   {"\x80\x04\x8e\xff\xff\xff\xff\xff\xff\xff\x7f.", ErrTruncated},
	"huge binunicode":  {"\x80\x04X\xff\xff\xff\xff.", ErrTruncated},
	"huge long4":       {"\x80\x04\x8b\xff\xff\xff\x7f.", ErrTruncated},
	"empty":            {"", ErrTruncated},
	"bad opcode":       {"\x80\x04\xff.", ErrInvalid},
	"stack underflow":  {"\x80\x04R.", ErrInvalid},
	"protocol 9":       {"\x80\x09N.", ErrInvalid},
	"memo miss":        {"\x80\x04h\x05.", ErrInvalid},
	"append to int":    {"\x80\x04K\x01K\x02a.", ErrInvalid},
	"out of band":      {"\x80\x05\x97.", ErrInvalid},
}

func TestHostilePickles(t *testing.T) {
	for name, tc := range hostilePickles {
		t.Run(name, func(t *testing.T) {
			v, err := Decode(bytes.NewReader(gz(t, []byte(tc.data))), Limits{})
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if v == nil || v.Kind != KindError || v.Error == "" {
				t.Fatalf("value = %+v, want kind error", v)
			}
		})
	}
	if _, err := os.Stat(executedMarker); err == nil {
		t.Fatalf("%s appeared", executedMarker)
	}
}

// TestDeepNesting: the fixture's 200 nested lists are shown to 64 levels,
// the 65th is cut and marked, and the value is not an error.
func TestDeepNesting(t *testing.T) {
	v, err := decodeFile(t, startObjects(t)["deep"])
	if err != nil {
		t.Fatal(err)
	}
	level := 0
	for len(v.Items) == 1 {
		v = v.Items[0]
		level++
	}
	if level != DefaultMaxDepth || !v.Truncated || *v.Len != 1 {
		t.Fatalf("cut at level %d (truncated %v), want %d", level, v.Truncated, DefaultMaxDepth)
	}
	// 100,000 levels made by hand: no recursion in the reader, no stack
	// overflow in the converter.
	p := "\x80\x04" + strings.Repeat("]", 100000) + strings.Repeat("a", 99999) + "."
	v, err = Decode(strings.NewReader(p), Limits{})
	if err != nil || v.Kind != KindList {
		t.Fatalf("100,000 levels: %v %+v", err, v)
	}
}

// TestLimits: items past the limit are cut with the real len; long str and
// bytes are cut; too many values is ErrTooLarge.
func TestLimits(t *testing.T) {
	objects := startObjects(t)
	big, err := decodeFile(t, objects["big_list"])
	if err != nil || *big.Len != 1000000 || len(big.Items) != DefaultMaxItems || !big.Truncated {
		t.Fatalf("big_list: %v len %v items %d", err, *big.Len, len(big.Items))
	}
	f, _ := os.Open(objects["long_text"])
	defer f.Close()
	v, err := Decode(f, Limits{MaxStr: 1000})
	if err != nil || *v.Len != 200000 || len(v.Value.(string)) != 1000 || !v.Truncated {
		t.Fatalf("long_text: %v %v", err, *v.Len)
	}
	// 5,000,000 Nones in one list: stops at MaxValues.
	p := "\x80\x04](" + strings.Repeat("N", 5000000) + "e."
	v, err = Decode(strings.NewReader(p), Limits{MaxValues: 1000000})
	if !errors.Is(err, ErrTooLarge) || v.Kind != KindError {
		t.Fatalf("value bomb: %v %+v", err, v)
	}
	// A list that holds itself (memo) shows as [[...]], not a loop.
	p = "\x80\x04]\x94h\x00a."
	v, err = Decode(strings.NewReader(p), Limits{})
	if err != nil || v.Repr != "[[...]]" {
		t.Fatalf("self-reference: %v %q", err, v.Repr)
	}
	// A list of 30 references to a list of 30 references ... 10 levels:
	// 30^10 paths, cut by the node limit.
	var b strings.Builder
	b.WriteString("\x80\x04K\x00\x94")
	for i := 0; i < 10; i++ {
		b.WriteString("(" + strings.Repeat("h"+string(rune(i)), 30) + "l\x94")
	}
	b.WriteString(".")
	start := time.Now()
	v, err = Decode(strings.NewReader(b.String()), Limits{})
	if err != nil || time.Since(start) > 5*time.Second {
		t.Fatalf("shared references: %v after %v", err, time.Since(start))
	}
}

// TestDecompressionBomb: 1 GiB of zeros, gzip'd to about 1 MB, stops at
// MaxBytes with ErrTooLarge, quickly and in bounded memory.
func TestDecompressionBomb(t *testing.T) {
	// One gzip member of 1 MiB of zeros, repeated: gzip readers read
	// concatenated members as one stream.
	member := gz(t, make([]byte, 1<<20))
	var buf bytes.Buffer
	for i := 0; i < 1024; i++ {
		buf.Write(member)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	v, err := Decode(bytes.NewReader(buf.Bytes()), Limits{})
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooLarge) || v.Kind != KindError {
		t.Fatalf("bomb: %v %+v", err, v)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("bomb took %v", d)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 4*DefaultMaxBytes {
		t.Fatalf("bomb allocated %d MB", grew>>20)
	}
}

// TestTruncatedBlobs: every prefix of real blobs is an error Value or a
// value, never a panic; a cut gzip stream is ErrTruncated.
func TestTruncatedBlobs(t *testing.T) {
	objects := startObjects(t)
	for _, name := range []string{"df", "dict_value", "when_tz", "np_array", "ident"} {
		raw, err := os.ReadFile(objects[name])
		if err != nil {
			t.Fatal(err)
		}
		zr, _ := gzip.NewReader(bytes.NewReader(raw))
		p, _ := io.ReadAll(zr)
		for n := 0; n < len(p)-1; n++ {
			v, err := DecodePickle(p[:n], Limits{})
			if err == nil || v.Kind != KindError {
				t.Fatalf("%s cut at %d: %v %v", name, n, err, v.Kind)
			}
		}
		if _, err := Decode(bytes.NewReader(raw[:len(raw)/2]), Limits{}); !errors.Is(err, ErrTruncated) {
			t.Fatalf("%s: half a gzip stream: %v", name, err)
		}
	}
}
