package mfsim

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestBulkSmall(t *testing.T) {
	root := filepath.Join(t.TempDir(), ".metaflow")
	start := time.Now()
	o := BulkOptions{Flows: 2, Runs: 6, TasksPerRun: 10, FailEvery: 3, RetryEvery: 4}
	if err := Bulk(context.Background(), root, o); err != nil {
		t.Fatal(err)
	}
	t.Logf("6 runs of 10 tasks in %v", time.Since(start))
	runs := 0
	for f := 0; f < 2; f++ {
		flow := filepath.Join(root, bulkFlow(f))
		entries, err := os.ReadDir(flow)
		if err != nil {
			t.Fatal(err)
		}
		latest := ""
		for _, e := range entries {
			id := e.Name()
			if id == "_meta" || id == "data" || id == "latest_run" {
				continue
			}
			runs++
			if runAfter(id, latest) {
				latest = id
			}
			run := filepath.Join(flow, id)
			if !exists(run, "_meta", "_self.json") || !exists(run, "_parameters", "0", "0.DONE.lock") {
				t.Errorf("run %s lacks its _self.json or _parameters", id)
			}
			tasks := 0
			for _, step := range []string{"start", "process", "join", "end"} {
				ts, _ := os.ReadDir(filepath.Join(run, step))
				for _, task := range ts {
					if task.Name() == "_meta" {
						continue
					}
					tasks++
					dir := filepath.Join(run, step, task.Name())
					for _, f := range []string{"0.attempt.json", "0.task_begin", "0.data.json", "0.DONE.lock", "0.runtime", "0.runtime_stdout.log", "_meta/_self.json"} {
						if !exists(dir, f) {
							t.Errorf("%s/%s/%s lacks %s", id, step, task.Name(), f)
						}
					}
					if n := len(sysmetaByField(t, filepath.Join(dir, "_meta"))); n < 9 {
						t.Errorf("%s/%s: only %d sysmeta fields", id, step, n)
					}
				}
			}
			failed := !exists(run, "end")
			switch {
			case failed && tasks != 8, !failed && tasks != 10:
				t.Errorf("run %s: %d tasks (failed %v)", id, tasks, failed)
			}
		}
		got, _ := os.ReadFile(filepath.Join(flow, "latest_run"))
		if string(got) != latest {
			t.Errorf("%s latest_run %s, want %s", bulkFlow(f), got, latest)
		}
	}
	if runs != 6 {
		t.Errorf("%d runs", runs)
	}
	// Every JSON file is valid, and no temp file is left.
	for _, rel := range walkFiles(t, root) {
		if strings.HasPrefix(filepath.Base(rel), "tmp") {
			t.Errorf("temp file %s", rel)
		}
		if strings.HasSuffix(rel, ".json") {
			if _, err := decodeOrdered(mustRead(t, filepath.Join(root, rel))); err != nil {
				t.Errorf("%s: %v", rel, err)
			}
		}
	}
	// One run retried a foreach task: attempt 1 exists there.
	retried := 0
	filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err == nil && e.Name() == "1.attempt.json" {
			retried++
		}
		return nil
	})
	if retried != 1 {
		t.Errorf("%d retried tasks, want 1", retried)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBulkDeterministicAndLean(t *testing.T) {
	o := BulkOptions{Flows: 1, Runs: 3, TasksPerRun: 6, Workers: 3}
	a, b := t.TempDir(), t.TempDir()
	if err := Bulk(context.Background(), a, o); err != nil {
		t.Fatal(err)
	}
	o.Workers = 1
	if err := Bulk(context.Background(), b, o); err != nil {
		t.Fatal(err)
	}
	sameTree(t, a, b)
	lean := t.TempDir()
	o.Lean = true
	if err := Bulk(context.Background(), lean, o); err != nil {
		t.Fatal(err)
	}
	full, thin := len(walkFiles(t, a)), len(walkFiles(t, lean))
	if thin >= full*3/4 {
		t.Errorf("lean datastore has %d files, full %d", thin, full)
	}
	t.Logf("files: full %d, lean %d", full, thin)
}

func TestBulkStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Bulk(ctx, t.TempDir(), BulkOptions{Runs: 50}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	if err := Bulk(context.Background(), "", BulkOptions{Runs: 1}); err == nil {
		t.Fatal("empty root accepted")
	}
}

// BenchmarkBulk writes 10 runs of 100 tasks per iteration.
func BenchmarkBulk(b *testing.B) {
	for b.Loop() {
		root := filepath.Join(b.TempDir(), ".metaflow")
		if err := Bulk(context.Background(), root, BulkOptions{Flows: 2, Runs: 10}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(10*b.N)/b.Elapsed().Seconds(), "runs/s")
}

// TestBulkFullSize generates the benchmark datastore of docs/design.md (1,000
// runs, 100,000 tasks) and reports the time and the size on disk. It takes
// minutes and ~20 GB, so it runs only with MFSIM_BULK_FULL=1 (and never
// with -short); MFSIM_BULK_DIR picks the folder (default a temp dir, e.g.
// point it at a tmpfs), MFSIM_BULK_LEAN=1 uses BulkOptions.Lean and
// MFSIM_BULK_RUNS=n writes n runs instead of 1,000.
func TestBulkFullSize(t *testing.T) {
	if testing.Short() || os.Getenv("MFSIM_BULK_FULL") == "" {
		t.Skip("set MFSIM_BULK_FULL=1 to generate the full 1,000-run datastore")
	}
	dir := os.Getenv("MFSIM_BULK_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	root := filepath.Join(dir, ".metaflow")
	runs, _ := strconv.Atoi(os.Getenv("MFSIM_BULK_RUNS"))
	if runs <= 0 {
		runs = 1000
	}
	start := time.Now()
	last := start
	err := Bulk(context.Background(), root, BulkOptions{
		Runs: runs,
		Lean: os.Getenv("MFSIM_BULK_LEAN") != "",
		Progress: func(done, total int) {
			if time.Since(last) > 30*time.Second {
				last = time.Now()
				t.Logf("%d/%d runs after %v", done, total, time.Since(start).Round(time.Second))
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	var files, bytes, blocks int64
	filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return nil
		}
		if info, err := e.Info(); err == nil {
			files++
			bytes += info.Size()
			if st, ok := info.Sys().(*syscall.Stat_t); ok {
				blocks += st.Blocks * 512
			}
		}
		return nil
	})
	t.Logf("%d runs / %d tasks: %v; %d files, %.2f GB of content, %.2f GB on disk",
		runs, runs*100, elapsed.Round(time.Second), files, float64(bytes)/1e9, float64(blocks)/1e9)
}
