package s3fs

import (
	"context"
	"path"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Object is one object of a ListTree.
type Object struct {
	Path    string // FS path, /bucket/key
	Size    int64
	ModTime time.Time
	ETag    string
}

// ListTree lists every object below dir, at any depth, with a
// ListObjectsV2 without delimiter: one request per 1,000 objects, however
// many folders they are in. A poller lists a live run this way instead of
// folder by folder. A prefix with nothing under it gives no objects and no
// error (a run's card prefix appears with its first card).
func (f *FS) ListTree(dir string) ([]Object, error) {
	bucket, key, err := f.resolve(dir)
	if err != nil {
		return nil, err
	}
	prefix := key + "/"
	if key == "" {
		prefix = ""
	}
	var out []Object
	var token *string
	for {
		in := &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix, ContinuationToken: token}
		page, err := call(f, bucket, "s3:ListBucket", where(bucket, prefix), func(ctx context.Context, o func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
			return f.c.s3.ListObjectsV2(ctx, in, o)
		})
		if err != nil {
			return nil, err
		}
		for _, o := range page.Contents {
			k := aws.ToString(o.Key)
			if k == prefix || strings.HasSuffix(k, "/") {
				continue // folder markers
			}
			out = append(out, Object{Path: path.Join("/", bucket, k), Size: aws.ToInt64(o.Size),
				ModTime: aws.ToTime(o.LastModified), ETag: aws.ToString(o.ETag)})
		}
		if !aws.ToBool(page.IsTruncated) || page.NextContinuationToken == nil {
			return out, nil
		}
		token = page.NextContinuationToken
	}
}
