package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"flowdeck/internal/mfsim"
)

// bulkKey is what the cached benchmark datastore depends on: the options
// given to mfsim.Bulk (zero fields take mfsim's defaults).
type bulkKey struct {
	Runs        int  `json:"runs"`
	TasksPerRun int  `json:"tasks_per_run"`
	Flows       int  `json:"flows"`
	Lean        bool `json:"lean"`
}

func (k bulkKey) options() mfsim.BulkOptions {
	return mfsim.BulkOptions{Runs: k.Runs, TasksPerRun: k.TasksPerRun, Flows: k.Flows, Lean: k.Lean}
}

// bulkDir is where a datastore of these options is cached. The default
// 1,000 x 100 datastore lives where datastore/bench_test.go keeps it
// ($FLOWDECK_BENCH_DIR or $TMPDIR/flowdeck-bench-1000x100), so the Go
// benchmarks and this program share one copy.
func (k bulkKey) dir() string {
	name := fmt.Sprintf("flowdeck-bench-%dx%d", k.Runs, k.TasksPerRun)
	if k.Flows != 10 || k.Lean {
		name += fmt.Sprintf("-f%d", k.Flows)
		if k.Lean {
			name += "-lean"
		}
	}
	if d := os.Getenv("FLOWDECK_BENCH_DIR"); d != "" && k == defaultBulk {
		return d
	}
	return filepath.Join(os.TempDir(), name)
}

var defaultBulk = bulkKey{Runs: 1000, TasksPerRun: 100, Flows: 10}

// bulkDatastore returns the .metaflow of a cached Bulk datastore, writing
// it first when no complete copy with the same options exists. The marker
// file "complete" is written last (as datastore/bench_test.go does); a
// copy whose options.json names other options is regenerated.
func bulkDatastore(ctx context.Context, k bulkKey, logf func(string, ...any)) (string, error) {
	dir := k.dir()
	root := filepath.Join(dir, ".metaflow")
	want, _ := json.Marshal(k)
	if _, err := os.Stat(filepath.Join(dir, "complete")); err == nil {
		got, err := os.ReadFile(filepath.Join(dir, "options.json"))
		switch {
		case err == nil && string(got) == string(want):
			return root, nil
		case errors.Is(err, os.ErrNotExist) && k == defaultBulk:
			// Written by datastore/bench_test.go, which uses the defaults.
			return root, nil
		}
		logf("cached datastore %s has other options (%s); writing it again", dir, got)
	}
	// ~19 MB and ~4,700 files per 100-task run on ext4.
	needBytes := uint64(k.Runs) * 20 << 20
	needInodes := uint64(k.Runs) * 5000
	var st syscall.Statfs_t
	parent := filepath.Dir(dir)
	if err := syscall.Statfs(parent, &st); err == nil {
		free := st.Bavail * uint64(st.Bsize)
		if free < needBytes+(2<<30) {
			return "", fmt.Errorf("%s has %.1f GB free; the %d-run datastore needs about %.1f GB (set FLOWDECK_BENCH_DIR or TMPDIR elsewhere, or BENCH_QUICK=1)",
				parent, float64(free)/(1<<30), k.Runs, float64(needBytes)/(1<<30))
		}
		if st.Files > 0 && st.Ffree < needInodes {
			return "", fmt.Errorf("%s has %d free inodes; the datastore needs about %d", parent, st.Ffree, needInodes)
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	logf("writing %d runs x %d tasks with mfsim.Bulk into %s (once; several minutes for 1,000 runs)", k.Runs, k.TasksPerRun, root)
	t0 := time.Now()
	last := time.Now()
	opts := k.options()
	opts.Progress = func(done, total int) {
		if time.Since(last) > 15*time.Second || done == total {
			last = time.Now()
			logf("  %d of %d runs written (%s)", done, total, time.Since(t0).Round(time.Second))
		}
	}
	if err := mfsim.Bulk(ctx, root, opts); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "options.json"), want, 0o644); err != nil {
		return "", err
	}
	logf("generated in %s", time.Since(t0).Round(time.Second))
	return root, os.WriteFile(filepath.Join(dir, "complete"), nil, 0o644)
}

// overlay is a writable view of a cached datastore: an overlayfs mount
// whose lower layer is the cache (never written) and whose upper layer
// takes the live run. It needs root (CAP_SYS_ADMIN).
type overlay struct {
	tmp    string
	merged string
}

func mountOverlay(lowerDir string) (*overlay, error) {
	tmp, err := os.MkdirTemp("", "flowdeck-bench-overlay-")
	if err != nil {
		return nil, err
	}
	o := &overlay{tmp: tmp, merged: filepath.Join(tmp, "merged")}
	for _, d := range []string{"upper", "work", "merged"} {
		if err := os.Mkdir(filepath.Join(tmp, d), 0o755); err != nil {
			os.RemoveAll(tmp)
			return nil, err
		}
	}
	opts := fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s", lowerDir, filepath.Join(tmp, "upper"), filepath.Join(tmp, "work"))
	if out, err := exec.Command("mount", "-t", "overlay", "overlay", "-o", opts, o.merged).CombinedOutput(); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("mount overlay: %v: %s", err, out)
	}
	return o, nil
}

func (o *overlay) close() error {
	var err error
	for i := 0; i < 10; i++ {
		var out []byte
		if out, err = exec.Command("umount", o.merged).CombinedOutput(); err == nil {
			break
		} else {
			err = fmt.Errorf("umount %s: %v: %s", o.merged, err, out)
		}
		time.Sleep(500 * time.Millisecond)
	}
	if err != nil {
		return err
	}
	return os.RemoveAll(o.tmp)
}
