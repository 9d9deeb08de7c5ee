package s3test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sync"
)

// Skip decides whether a path of a local tree (slash-separated, relative
// to its root) stays out of the bucket.
type Skip func(rel string, d fs.DirEntry) bool

// NotInBucket skips what a local datastore has and an S3 one does not:
// _meta folders and latest_run files (see docs/format.md, "Status without
// _meta").
func NotInBucket(rel string, d fs.DirEntry) bool {
	if d.IsDir() {
		return d.Name() == "_meta"
	}
	return d.Name() == "latest_run"
}

// UploadTree puts every regular file under dir into bucket at
// prefix/<relative path>, with a few PUTs in flight. It returns the keys
// written.
func (s *Server) UploadTree(ctx context.Context, bucket, prefix, dir string, skip Skip) ([]string, error) {
	type job struct{ key, file string }
	var jobs []job
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		if skip != nil && skip(rel, d) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			jobs = append(jobs, job{key: path.Join(prefix, rel), file: p})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("s3test: walk %s: %w", dir, err)
	}
	ch := make(chan job)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range 8 {
		wg.Go(func() {
			for j := range ch {
				b, err := os.ReadFile(j.file)
				if err == nil {
					err = s.Put(ctx, bucket, j.key, b)
				}
				if err != nil {
					select {
					case errs <- err:
					default:
					}
					cancel()
				}
			}
		})
	}
	keys := make([]string, 0, len(jobs))
feed:
	for _, j := range jobs {
		select {
		case ch <- j:
			keys = append(keys, j.key)
		case <-ctx.Done():
			break feed
		}
	}
	close(ch)
	wg.Wait()
	select {
	case err := <-errs:
		return nil, err
	default:
	}
	return keys, ctx.Err()
}
