package s3fs

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"flowdeck/datastore"
)

// FS is datastore.FS over S3 (see the package doc for paths).
type FS struct {
	ctx   context.Context
	c     *Client
	roots []URL
	known known // listings a poller just made (Prime)
}

var _ datastore.FS = (*FS)(nil)

// opTimeout bounds one List or Head, and one GET with its body read.
const opTimeout = 2 * time.Minute

// New returns an FS that reads under roots with c. Every request stops
// when ctx ends.
func New(ctx context.Context, c *Client, roots ...URL) *FS {
	return &FS{ctx: ctx, c: c, roots: roots}
}

// resolve maps an FS path to a bucket and key inside the roots.
func (f *FS) resolve(name string) (bucket, key string, err error) {
	p := path.Clean(filepath.ToSlash(name))
	rest, ok := strings.CutPrefix(p, "/")
	if !ok {
		return "", "", fmt.Errorf("%w: %s", ErrOutside, name)
	}
	bucket, key, _ = strings.Cut(rest, "/")
	for _, r := range f.roots {
		if r.contains(bucket, key) {
			return bucket, key, nil
		}
	}
	return "", "", fmt.Errorf("%w: %s", ErrOutside, name)
}

// where names a key or a listed prefix (with its trailing slash) for
// messages.
func where(bucket, key string) string { return "s3://" + bucket + "/" + key }

// ReadDir lists the folders (common prefixes) and objects directly under
// dir. A prefix with nothing under it does not exist.
func (f *FS) ReadDir(dir string) ([]fs.DirEntry, error) {
	if ents, err, ok := f.known.readDir(dir); ok {
		return ents, err
	}
	bucket, key, err := f.resolve(dir)
	if err != nil {
		return nil, err
	}
	prefix := key + "/"
	if key == "" {
		prefix = ""
	}
	var out []fs.DirEntry
	var token *string
	for {
		in := &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix, Delimiter: aws.String("/"), ContinuationToken: token}
		page, err := call(f, bucket, "s3:ListBucket", where(bucket, prefix), func(ctx context.Context, o func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
			return f.c.s3.ListObjectsV2(ctx, in, o)
		})
		if err != nil {
			return nil, err
		}
		for _, cp := range page.CommonPrefixes {
			if name := strings.TrimSuffix(strings.TrimPrefix(aws.ToString(cp.Prefix), prefix), "/"); validName(name) {
				out = append(out, &Info{name: name, dir: true})
			}
		}
		for _, o := range page.Contents {
			// A key equal to the prefix is a folder marker some tools
			// write; it is not an entry.
			if name := strings.TrimPrefix(aws.ToString(o.Key), prefix); validName(name) {
				out = append(out, &Info{name: name, size: aws.ToInt64(o.Size), mod: aws.ToTime(o.LastModified), etag: aws.ToString(o.ETag)})
			}
		}
		if !aws.ToBool(page.IsTruncated) || page.NextContinuationToken == nil {
			break
		}
		token = page.NextContinuationToken
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("s3fs: %s: %w", where(bucket, prefix), fs.ErrNotExist)
	}
	return out, nil
}

// validName drops names that cannot be one path element ("", ".", "..",
// or a key with "//" in it).
func validName(n string) bool { return n != "" && n != "." && n != ".." && !strings.Contains(n, "/") }

// Lstat is a HeadObject; when no object has the key, a one-key listing of
// key/ tells whether it is a folder.
func (f *FS) Lstat(name string) (fs.FileInfo, error) {
	if fi, err, ok := f.known.lstat(name); ok {
		return fi, err
	}
	bucket, key, err := f.resolve(name)
	if err != nil {
		return nil, err
	}
	base := path.Base("/" + key)
	if key != "" {
		h, err := call(f, bucket, "s3:GetObject", where(bucket, key), func(ctx context.Context, o func(*s3.Options)) (*s3.HeadObjectOutput, error) {
			return f.c.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: &key}, o)
		})
		if err == nil {
			return &Info{name: base, size: aws.ToInt64(h.ContentLength), mod: aws.ToTime(h.LastModified)}, nil
		}
		if !isNotExist(err) {
			return nil, err
		}
	}
	prefix := key + "/"
	if key == "" {
		prefix, base = "", bucket
	}
	in := &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix, MaxKeys: aws.Int32(1)}
	page, err := call(f, bucket, "s3:ListBucket", where(bucket, prefix), func(ctx context.Context, o func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
		return f.c.s3.ListObjectsV2(ctx, in, o)
	})
	if err != nil {
		return nil, err
	}
	if len(page.Contents) == 0 {
		return nil, fmt.Errorf("s3fs: %s: %w", where(bucket, key), fs.ErrNotExist)
	}
	return &Info{name: base, dir: true}, nil
}

// call runs one S3 operation with a timeout, in the bucket's region: when
// S3 answers that the bucket lives in another region, the region is
// remembered and the operation sent once more there.
func call[T any](f *FS, bucket, action, at string, do func(context.Context, func(*s3.Options)) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(f.ctx, opTimeout)
	defer cancel()
	out, err := do(ctx, f.c.regions.opt(bucket))
	if err != nil {
		if r := bucketRegion(err); r != "" && r != f.c.regions.get(bucket, f.c.region) {
			f.c.regions.set(bucket, r)
			out, err = do(ctx, f.c.regions.opt(bucket))
		}
	}
	return out, mapErr(ctx, action, at, err)
}

// regionCache holds the regions of buckets that are not in the client's.
type regionCache struct{ m sync.Map }

func (rc *regionCache) get(bucket, def string) string {
	if r, ok := rc.m.Load(bucket); ok {
		return r.(string)
	}
	return def
}

func (rc *regionCache) set(bucket, region string) { rc.m.Store(bucket, region) }

func (rc *regionCache) opt(bucket string) func(*s3.Options) {
	r, ok := rc.m.Load(bucket)
	return func(o *s3.Options) {
		if ok {
			o.Region = r.(string)
		}
	}
}

// Info is both the fs.FileInfo and the fs.DirEntry of an object or folder;
// s3cache answers with it too when it replies offline from its cache.
type Info struct {
	name string
	size int64
	mod  time.Time
	dir  bool
	// etag is the object's ETag when the listing gave one: it tells a
	// rewrite apart from the same object without reading it.
	etag string
}

// NewInfo describes an object of size bytes, or a folder when dir is set.
func NewInfo(name string, size int64, mod time.Time, dir bool) *Info {
	return &Info{name: name, size: size, mod: mod, dir: dir}
}

// ETag is the object's ETag, "" when unknown (a folder, a HEAD, the cache).
func (i *Info) ETag() string { return i.etag }

func (i *Info) Name() string       { return i.name }
func (i *Info) Size() int64        { return i.size }
func (i *Info) ModTime() time.Time { return i.mod }
func (i *Info) IsDir() bool        { return i.dir }
func (i *Info) Sys() any           { return nil }
func (i *Info) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (i *Info) Type() fs.FileMode          { return i.Mode().Type() }
func (i *Info) Info() (fs.FileInfo, error) { return i, nil }
