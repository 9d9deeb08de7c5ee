package s3test

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"flowdeck/internal/mfsim"
)

// Remote is a Server already running at endpoint (another process's), for
// Put and CreateBucket only: Stop, Restart and Close do nothing.
func Remote(endpoint string) *Server { return &Server{Endpoint: strings.TrimSuffix(endpoint, "/")} }

// LiveRun runs mfsim.Live into a temporary folder and puts every file it
// writes into bucket under prefix as soon as it is complete, the way
// Metaflow's S3 datastore writes: one whole-object PUT per file, a live
// card's runtime data PUT again on every refresh. Files a bucket does not
// hold (_meta, latest_run: NotInBucket) stay out. It returns when the run
// ends or ctx does; the first failed PUT ends it with that error.
func (s *Server) LiveRun(ctx context.Context, bucket, prefix string, o mfsim.LiveOptions) error {
	dir, err := os.MkdirTemp("", "flowdeck-s3live-")
	if err != nil {
		return fmt.Errorf("s3test: %w", err)
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	onWrite := o.Options.OnWrite
	o.Options.OnWrite = func(rel string) {
		rel = filepath.ToSlash(rel)
		if onWrite != nil {
			onWrite(rel)
		}
		if skipLive(rel) || ctx.Err() != nil {
			return
		}
		// Read now, before the simulator can write the file again: the
		// PUT carries this version, as Metaflow's would.
		body, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err == nil {
			err = s.Put(ctx, bucket, path.Join(prefix, rel), body)
		}
		if err != nil {
			cancel(fmt.Errorf("s3test: live upload of %s: %w", rel, err))
		}
	}
	err = mfsim.Live(ctx, dir, o)
	if cause := context.Cause(ctx); cause != nil && cause != context.Canceled {
		return cause
	}
	return err
}

// skipLive is NotInBucket for a slash path.
func skipLive(rel string) bool {
	for _, part := range strings.Split(rel, "/") {
		if part == "_meta" {
			return true
		}
	}
	return path.Base(rel) == "latest_run"
}
