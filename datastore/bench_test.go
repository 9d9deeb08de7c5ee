package datastore

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"flowdeck/internal/mfsim"
)

// benchRoot generates (once per process, or reuses from
// $FLOWDECK_BENCH_DIR) the benchmark datastore of docs/design.md: 1,000 finished
// runs, 100,000 tasks, with a card on every foreach task, written by mfsim
// the way Metaflow lays it out.
var benchRoot = sync.OnceValues(func() (string, error) {
	dir := os.Getenv("FLOWDECK_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "flowdeck-bench-1000x100")
	}
	root := filepath.Join(dir, ".metaflow")
	if _, err := os.Stat(filepath.Join(dir, "complete")); err == nil {
		return root, nil
	}
	os.RemoveAll(dir)
	start := time.Now()
	if err := mfsim.Bulk(context.Background(), root, mfsim.BulkOptions{}); err != nil {
		return "", err
	}
	fmt.Fprintf(os.Stderr, "generated %s in %s\n", root, time.Since(start).Round(time.Millisecond))
	return root, os.WriteFile(filepath.Join(dir, "complete"), nil, 0o644)
})

func benchLocation(b *testing.B) Location {
	root, err := benchRoot()
	if err != nil {
		b.Fatal(err)
	}
	loc, err := Discover(root)
	if err != nil {
		b.Fatal(err)
	}
	return loc
}

// BenchmarkOpenListRuns: what the run list needs on a cold start, i.e.
// Open (flows and run headers) and every flow's runs, newest first.
// Target: <= 300 ms.
func BenchmarkOpenListRuns(b *testing.B) {
	loc := benchLocation(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ix, err := Open(ctx, loc, Options{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for _, f := range ix.Flows() {
			runs, err := ix.Runs(f.Name)
			if err != nil {
				b.Fatal(err)
			}
			n += len(runs)
		}
		if n != 1000 {
			b.Fatalf("runs = %d", n)
		}
	}
}

// BenchmarkFullIndex: Open plus every run's steps, tasks and card listings.
// Targets: <= 3 s, heap <= 250 MB.
func BenchmarkFullIndex(b *testing.B) {
	loc := benchLocation(b)
	ctx := context.Background()
	var heap uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ix, err := Open(ctx, loc, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := ix.LoadAll(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		done, total := ix.Progress()
		if done != total || total != 1000 {
			b.Fatalf("progress %d/%d", done, total)
		}
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = max(heap, ms.HeapAlloc)
		runtime.KeepAlive(ix)
		b.StartTimer()
	}
	b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
}

// BenchmarkApplyCardData: one runtime data JSON rewritten in
// fixtures/live_midrun, applied to a fully read index.
func BenchmarkApplyCardData(b *testing.B) {
	root := copyFixture(b, "live_midrun")
	ix := openIndex(b, root, Options{})
	ctx := context.Background()
	if err := ix.LoadAll(ctx); err != nil {
		b.Fatal(err)
	}
	data, _ := filepath.Glob(filepath.Join(root, "mf.cards", "*", "runs", "*", "steps", "train", "tasks", "2", "runtime", "blank-*"))
	content, err := os.ReadFile(data[0])
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		writeAtomic(b, data[0], bytes.Replace(content, []byte(`"created_on": `), fmt.Appendf(nil, `"created_on": %d`, i+1), 1))
		b.StartTimer()
		res := ix.Apply([]string{data[0]})
		if len(res.Changes) != 1 {
			b.Fatalf("changes = %v", kinds(res.Changes))
		}
	}
}

// BenchmarkRunDetail: opening one 100-task run of the benchmark datastore
// that the cold index only summarized (every task read, cards listed,
// tokens read).
func BenchmarkRunDetail(b *testing.B) {
	loc := benchLocation(b)
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		ix, err := Open(ctx, loc, Options{})
		if err != nil {
			b.Fatal(err)
		}
		f := ix.Flows()[0]
		runs, _ := ix.Runs(f.Name)
		b.StartTimer()
		d, err := ix.Run(ctx, f.Name, runs[i%len(runs)].ID)
		if err != nil || d.Counts.Total != 100 {
			b.Fatalf("%v %+v", err, d.Counts)
		}
	}
}
