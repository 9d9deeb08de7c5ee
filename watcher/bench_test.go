package watcher

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"flowdeck/datastore"
)

// BenchmarkRenameToChange measures what the app waits for: Metaflow renames
// a runtime data JSON into place, and the typed change is delivered on
// Changes. p50 and p99 over at least 1,000 updates (targets: 5 ms, 20 ms).
// "disk" uses the test temp folder; "tmpfs" /dev/shm, where file system
// latency does not blur the watcher's own.
func BenchmarkRenameToChange(b *testing.B) {
	b.Run("disk", func(b *testing.B) { benchRename(b, copyFixture(b, "live_midrun")) })
	b.Run("tmpfs", func(b *testing.B) {
		dir := bulkTempDir(b)
		copyTree(b, filepath.Join(fixtures, "live_midrun"), dir)
		benchRename(b, filepath.Join(dir, ".metaflow"))
	})
}

func benchRename(b *testing.B, root string) {
	ix := openIndex(b, root)
	if err := ix.LoadAll(context.Background()); err != nil {
		b.Fatal(err)
	}
	w, err := New(ix, Options{})
	if err != nil {
		b.Fatal(err)
	}
	if err := w.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	data := glob1(b, filepath.Join(root, "mf.cards", liveFlow, "runs", liveRun, "steps", "train", "tasks", "2", "runtime", "blank-live-*"))
	dir := filepath.Dir(data)
	// Let the start rescan pass.
	drain := time.After(300 * time.Millisecond)
	for done := false; !done; {
		select {
		case <-w.Changes():
		case <-drain:
			done = true
		}
	}
	n := max(b.N, 1000)
	lat := make([]time.Duration, 0, n)
	b.ResetTimer()
	for i := 0; i < n; i++ {
		f, err := os.CreateTemp(dir, "tmp")
		if err != nil {
			b.Fatal(err)
		}
		f.Write(cardData("runtime-1795642690.863389", 100+i))
		f.Close()
		t0 := time.Now()
		if err := os.Rename(f.Name(), data); err != nil {
			b.Fatal(err)
		}
		timeout := time.After(5 * time.Second)
	wait:
		for {
			select {
			case batch := <-w.Changes():
				for _, c := range batch {
					if c.Kind == datastore.CardDataChanged {
						lat = append(lat, time.Since(t0))
						break wait
					}
				}
			case <-timeout:
				b.Fatalf("update %d: no change within 5 s", i)
			}
		}
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
	b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
	b.ReportMetric(float64(len(lat)), "updates")
}

// BenchmarkWatchBudget reports the inotify watches for 1,000 finished runs
// plus one live run, once every run has been read (target: 3,000), and how
// long Start takes on that datastore.
func BenchmarkWatchBudget(b *testing.B) {
	root, live := manyRuns(b, 1000)
	for i := 0; i < b.N; i++ {
		ix := openIndex(b, root)
		t0 := time.Now()
		w, err := New(ix, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := w.Start(context.Background()); err != nil {
			b.Fatal(err)
		}
		startMs := float64(time.Since(t0)) / float64(time.Millisecond)
		atStart := w.State().Watches
		if err := ix.LoadAll(context.Background()); err != nil {
			b.Fatal(err)
		}
		_, cards := w.lay.runDirs(live)
		runtimeDir := filepath.Join(cards[0], "steps", "train", "tasks", "2", "runtime")
		eventually(b, func() string { return "live run never watched in full" }, func() bool {
			w.mu.Lock()
			defer w.mu.Unlock()
			return w.watched[runtimeDir]
		})
		b.ReportMetric(float64(w.State().Watches), "watches")
		b.ReportMetric(float64(atStart), "watches-at-start")
		b.ReportMetric(startMs, "start-ms")
		w.Close()
	}
}
