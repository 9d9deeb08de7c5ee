package datastore

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"flowdeck/internal/mfsim"
)

// A run list's first rows are read before the rest (LoadNewest), and the
// background read waits for its start signal (LoadAllPaced), then reads
// the shown flow first.
func TestLoadNewestAndPaced(t *testing.T) {
	root := filepath.Join(t.TempDir(), ".metaflow")
	if err := mfsim.Bulk(context.Background(), root, mfsim.BulkOptions{Flows: 2, Runs: 12, TasksPerRun: 6, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	ix := openIndex(t, root, Options{})
	flows := ix.Flows()
	if len(flows) != 2 {
		t.Fatalf("flows: %d", len(flows))
	}
	flow := flows[1].Name
	loaded := func(name string) (n int, newest []bool) {
		runs, err := ix.Runs(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range runs {
			if r.Loaded {
				n++
			}
			newest = append(newest, r.Loaded)
		}
		return n, newest
	}
	if n, _ := loaded(flow); n != 0 {
		t.Fatalf("%d runs read before anything asked", n)
	}
	if err := ix.LoadNewest(context.Background(), flow, 3); err != nil {
		t.Fatal(err)
	}
	n, order := loaded(flow)
	if n != 3 || !order[0] || !order[1] || !order[2] {
		t.Fatalf("after LoadNewest(3): %v", order)
	}
	if err := ix.LoadNewest(context.Background(), "NoSuchFlow", 3); err == nil {
		t.Fatal("LoadNewest of an unknown flow: no error")
	}

	start := make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- ix.LoadAllPaced(context.Background(), start, func() string { return flow }) }()
	time.Sleep(100 * time.Millisecond)
	if n, _ := loaded(flows[0].Name); n != 0 {
		t.Fatalf("LoadAllPaced read %d runs before its start", n)
	}
	close(start)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, f := range flows {
		if n, order := loaded(f.Name); n != len(order) {
			t.Fatalf("%s: %v after LoadAllPaced", f.Name, order)
		}
	}

	// Cancelled while waiting for its start: returns at once.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := ix.LoadAllPaced(ctx, make(chan struct{}), nil); err == nil {
		t.Fatal("cancelled LoadAllPaced: no error")
	}
}
