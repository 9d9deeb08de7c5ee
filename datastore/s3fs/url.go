package s3fs

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// URL is an S3 location: a bucket and a key prefix without leading or
// trailing slashes ("" for the whole bucket).
type URL struct {
	Bucket string
	Prefix string
}

// ErrBadURL is returned for a string that is not an s3:// URL.
var ErrBadURL = errors.New("s3fs: not an s3://bucket/prefix URL")

// ParseURL parses s3://bucket[/prefix]. Bucket names follow S3's rules
// (3 to 63 characters of a-z, 0-9, '.', '-'), so that a typo is caught
// here rather than as a confusing request error.
func ParseURL(s string) (URL, error) {
	rest, ok := strings.CutPrefix(s, "s3://")
	if !ok {
		return URL{}, fmt.Errorf("%w: %q", ErrBadURL, s)
	}
	bucket, prefix, _ := strings.Cut(rest, "/")
	if err := checkBucket(bucket); err != nil {
		return URL{}, fmt.Errorf("%w: %q: %v", ErrBadURL, s, err)
	}
	prefix = strings.Trim(prefix, "/")
	if prefix != "" {
		if c := path.Clean(prefix); c != prefix || strings.HasPrefix(c, "../") || c == ".." || c == "." {
			return URL{}, fmt.Errorf("%w: %q: the prefix must be a clean path", ErrBadURL, s)
		}
	}
	return URL{Bucket: bucket, Prefix: prefix}, nil
}

func checkBucket(b string) error {
	if len(b) < 3 || len(b) > 63 {
		return errors.New("a bucket name has 3 to 63 characters")
	}
	for _, r := range b {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-') {
			return fmt.Errorf("a bucket name has only a-z, 0-9, '.' and '-', not %q", r)
		}
	}
	return nil
}

// String is the s3:// form.
func (u URL) String() string {
	if u.Prefix == "" {
		return "s3://" + u.Bucket
	}
	return "s3://" + u.Bucket + "/" + u.Prefix
}

// Path is the FS path of the location: /bucket/prefix. Use it as a
// datastore.Location root.
func (u URL) Path() string { return path.Join("/", u.Bucket, u.Prefix) }

// Join is the location of a key below u.
func (u URL) Join(elem ...string) URL {
	return URL{Bucket: u.Bucket, Prefix: strings.Trim(path.Join(append([]string{u.Prefix}, elem...)...), "/")}
}

// contains reports whether the object key (or folder) key lies in u.
func (u URL) contains(bucket, key string) bool {
	if bucket != u.Bucket {
		return false
	}
	return u.Prefix == "" || key == u.Prefix || strings.HasPrefix(key, u.Prefix+"/")
}
