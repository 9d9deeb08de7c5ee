package s3fs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"flowdeck/datastore"
)

// headBytes is what Open reads at once: every metadata file, and the head
// of a card that holds its reload token.
const headBytes = 64 << 10

// Open reads the first headBytes of an object with one ranged GET, which
// also gives its size, LastModified and ETag.
func (f *FS) Open(name string) (datastore.File, error) {
	bucket, key, err := f.resolve(name)
	if err != nil {
		return nil, err
	}
	if key == "" || strings.HasSuffix(key, "/") {
		return nil, fmt.Errorf("%s: %w", name, datastore.ErrNotRegular)
	}
	fl := &file{fs: f, bucket: bucket, key: key, Info: Info{name: path.Base(key)}}
	ctx, cancel := context.WithTimeout(f.ctx, opTimeout)
	defer cancel()
	in := &s3.GetObjectInput{Bucket: &bucket, Key: &key, Range: aws.String("bytes=0-" + strconv.Itoa(headBytes-1))}
	out, err := f.c.s3.GetObject(ctx, in, f.c.regions.opt(bucket))
	if err != nil && isInvalidRange(err) {
		// S3 answers 416 to a range on an empty object.
		return f.openEmpty(fl)
	}
	if err != nil {
		if r := bucketRegion(err); r != "" && r != f.c.regions.get(bucket, f.c.region) {
			f.c.regions.set(bucket, r)
			out, err = f.c.s3.GetObject(ctx, in, f.c.regions.opt(bucket))
		}
		if err != nil {
			return nil, mapErr(ctx, "s3:GetObject", where(bucket, key), err)
		}
	}
	defer out.Body.Close()
	fl.etag = aws.ToString(out.ETag)
	fl.mod = aws.ToTime(out.LastModified)
	fl.size = aws.ToInt64(out.ContentLength)
	if total, ok := rangeTotal(aws.ToString(out.ContentRange)); ok {
		fl.size = total
	}
	// A server that ignores Range sends the whole object: keep its head.
	fl.head, err = io.ReadAll(io.LimitReader(out.Body, headBytes))
	if err != nil {
		return nil, mapErr(ctx, "s3:GetObject", where(bucket, key), err)
	}
	if int64(len(fl.head)) > fl.size {
		fl.head = fl.head[:fl.size]
	}
	return fl, nil
}

// openEmpty confirms an empty object with a HeadObject.
func (f *FS) openEmpty(fl *file) (datastore.File, error) {
	fi, err := f.Lstat("/" + fl.bucket + "/" + fl.key)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s: %w", where(fl.bucket, fl.key), datastore.ErrNotRegular)
	}
	fl.size, fl.mod = fi.Size(), fi.ModTime()
	return fl, nil
}

func isInvalidRange(err error) bool {
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorCode() == "InvalidRange" {
		return true
	}
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusRequestedRangeNotSatisfiable
}

// rangeTotal reads the total size from "bytes 0-65535/123456".
func rangeTotal(cr string) (int64, bool) {
	_, total, ok := strings.Cut(cr, "/")
	if !ok || total == "*" {
		return 0, false
	}
	n, err := strconv.ParseInt(total, 10, 64)
	return n, err == nil
}

// file is an open object. Bytes past head are fetched with ranged GETs
// pinned to etag.
type file struct {
	fs          *FS
	bucket, key string
	etag        string
	Info
	head []byte

	off    int64 // Read's position
	body   io.ReadCloser
	cancel context.CancelFunc
}

func (fl *file) Stat() (fs.FileInfo, error) { return &fl.Info, nil }

func (fl *file) Read(p []byte) (int, error) {
	if fl.off >= fl.size {
		return 0, io.EOF
	}
	if fl.off < int64(len(fl.head)) {
		n := copy(p, fl.head[fl.off:])
		fl.off += int64(n)
		return n, nil
	}
	if fl.body == nil {
		body, cancel, err := fl.get(fl.off, fl.size-1)
		if err != nil {
			return 0, err
		}
		fl.body, fl.cancel = body, cancel
	}
	n, err := fl.body.Read(p)
	fl.off += int64(n)
	if errors.Is(err, io.EOF) && fl.off < fl.size {
		err = fmt.Errorf("s3fs: %s: %w", where(fl.bucket, fl.key), io.ErrUnexpectedEOF)
	}
	return n, err
}

func (fl *file) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("s3fs: negative offset: %w", fs.ErrInvalid)
	}
	if off >= fl.size {
		return 0, io.EOF
	}
	want := min(int64(len(p)), fl.size-off)
	if off+want <= int64(len(fl.head)) {
		n := copy(p[:want], fl.head[off:])
		if n < len(p) {
			return n, io.EOF
		}
		return n, nil
	}
	body, cancel, err := fl.get(off, off+want-1)
	if err != nil {
		return 0, err
	}
	defer cancel()
	defer body.Close()
	n, err := io.ReadFull(body, p[:want])
	if err != nil {
		return n, mapErr(fl.fs.ctx, "s3:GetObject", where(fl.bucket, fl.key), err)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// get opens bytes first..last of the object as it was at Open.
func (fl *file) get(first, last int64) (io.ReadCloser, context.CancelFunc, error) {
	ctx, cancel := context.WithTimeout(fl.fs.ctx, opTimeout)
	in := &s3.GetObjectInput{Bucket: &fl.bucket, Key: &fl.key,
		Range: aws.String(fmt.Sprintf("bytes=%d-%d", first, last))}
	if fl.etag != "" {
		in.IfMatch = &fl.etag
	}
	out, err := fl.fs.c.s3.GetObject(ctx, in, fl.fs.c.regions.opt(fl.bucket))
	if err != nil {
		err = mapErr(ctx, "s3:GetObject", where(fl.bucket, fl.key), err)
		cancel()
		return nil, nil, err
	}
	return out.Body, cancel, nil
}

func (fl *file) Close() error {
	if fl.body != nil {
		fl.body.Close()
		fl.cancel()
		fl.body = nil
	}
	return nil
}

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
