package datastore

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"flowdeck/internal/fixture"
)

// taskDirs lists <flow>/<run>/<step>/<task> folders of a datastore.
func taskDirs(t *testing.T, root string) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(root, "*", "*", "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range dirs {
		rel, _ := filepath.Rel(root, d)
		parts := splitSlash(rel)
		if parts[0] == cardDirName || parts[1] == "data" || parts[1] == "_meta" || parts[2] == "_meta" || parts[3] == "_meta" {
			continue
		}
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			out = append(out, d)
		}
	}
	return out
}

func splitSlash(p string) []string {
	var out []string
	for p != "." && p != "" {
		out = append([]string{filepath.Base(p)}, out...)
		p = filepath.Dir(p)
	}
	return out
}

// TestTaskStatusWithoutMeta: a task folder without _meta (an S3 datastore,
// docs/format.md §7) gets the same attempt statuses and start times as
// with it, from N.runtime and N.attempt.json, and its end times from the
// modification time of N.DONE.lock.
func TestTaskStatusWithoutMeta(t *testing.T) {
	for _, name := range []string{"retry", "failing", "default", "live_midrun", "older-2.11.0/retry"} {
		t.Run(name, func(t *testing.T) {
			root := fixture.Copy(t, name)
			dirs := taskDirs(t, root)
			if len(dirs) < 3 {
				t.Fatalf("%d task folders", len(dirs))
			}
			seen := map[Status]int{}
			for _, dir := range dirs {
				parts := splitSlash(must(filepath.Rel(root, dir)))
				flow, run, step, id := parts[0], parts[1], parts[2], parts[3]
				full, err := readTask(OSFS{}, dir, flow, run, step, id)
				if err != nil {
					t.Fatal(err)
				}
				// Strip _meta, and give each DONE.lock the end time
				// attempt_ok recorded (a checkout does not keep mtimes).
				if err := os.RemoveAll(filepath.Join(dir, "_meta")); err != nil {
					t.Fatal(err)
				}
				stamp := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
				for _, a := range full.task.Attempts {
					if a.Done {
						stamp = stamp.Add(time.Minute)
						if err := os.Chtimes(filepath.Join(dir, strconv.Itoa(a.N)+".DONE.lock"), stamp, stamp); err != nil {
							t.Fatal(err)
						}
					}
				}
				bare, err := readTask(OSFS{}, dir, flow, run, step, id)
				if err != nil {
					t.Fatal(err)
				}
				ft, bt := full.task, bare.task
				if ft.Status != bt.Status || ft.Attempt != bt.Attempt || !ft.Started.Equal(bt.Started) || len(ft.Attempts) != len(bt.Attempts) {
					t.Fatalf("%s: without _meta %s attempt %d started %v (%d attempts); with it %s attempt %d started %v (%d)",
						dir, bt.Status, bt.Attempt, bt.Started, len(bt.Attempts), ft.Status, ft.Attempt, ft.Started, len(ft.Attempts))
				}
				stamp = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
				for i, a := range bt.Attempts {
					fa := ft.Attempts[i]
					if a.Status != fa.Status || !a.Started.Equal(fa.Started) || a.OK != nil {
						t.Fatalf("%s attempt %d: %s started %v; with _meta %s started %v", dir, a.N, a.Status, a.Started, fa.Status, fa.Started)
					}
					if a.Done {
						stamp = stamp.Add(time.Minute)
						if !a.Finished.Equal(stamp) {
							t.Fatalf("%s attempt %d finished %v, want DONE.lock's mtime %v", dir, a.N, a.Finished, stamp)
						}
					} else if !a.Finished.IsZero() {
						t.Fatalf("%s attempt %d: running but finished %v", dir, a.N, a.Finished)
					}
				}
				if !bt.Finished.Equal(bt.Attempts[0].Finished) {
					t.Fatalf("%s: task finished %v, latest attempt %v", dir, bt.Finished, bt.Attempts[0].Finished)
				}
				seen[bt.Status]++
			}
			t.Logf("statuses without _meta: %v", seen)
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
