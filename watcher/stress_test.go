package watcher

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestStress writes 10,000 files in bursts across 100 running tasks
// (metadata files, card data rewrites), then finishes the tasks: the index
// ends equal to a fresh one. With a small MaxPending the pending paths
// collapse into rescans, and the pending set never exceeds its cap.
func TestStress(t *testing.T) {
	for _, tc := range []struct {
		name       string
		maxPending int
	}{{"default", 0}, {"capped", 50}} {
		t.Run(tc.name, func(t *testing.T) {
			if testing.Short() {
				t.Skip("writes 10,000 files")
			}
			root := filepath.Join(bulkTempDir(t), ".metaflow")
			if err := os.MkdirAll(root, 0o755); err != nil {
				t.Fatal(err)
			}
			ix := openIndex(t, root)
			opts := Options{MaxPending: tc.maxPending}
			if tc.maxPending > 0 {
				// A long quiet period makes every burst overflow the cap.
				opts.Quiet, opts.MaxDelay = 10*time.Millisecond, 200*time.Millisecond
			}
			w, _ := start(t, ix, opts)
			const tasks, bursts = 100, 100
			s := newSim(t, root, "StressFlow", "1795644000000001")
			s.begin()
			for i := 0; i < tasks; i++ {
				s.startTask("work", fmt.Sprint(i+1))
			}
			for b := 0; b < bursts; b++ {
				for i := 0; i < tasks; i++ {
					task := fmt.Sprint(i + 1)
					if b%10 == 9 {
						s.cardData("work", task, "runtime-1795642680.5", b)
						continue
					}
					s.write(filepath.Join(s.taskDir("work", task), "_meta", fmt.Sprintf("%d_artifact_a%d.json", 0, b)),
						fmt.Appendf(nil, `{"name": "a%d", "attempt_id": 0, "ts_epoch": %d}`, b, s.tick()))
				}
				time.Sleep(5 * time.Millisecond)
			}
			for i := 0; i < tasks; i++ {
				task := fmt.Sprint(i + 1)
				s.finishTask("work", task)
				s.cardHTML("work", task, "final")
			}
			sameAsFresh(t, ix, root)
			w.mu.Lock()
			peak, collapses, rescans := w.queue.Peak(), w.queue.Collapses(), w.stats.rescans
			w.mu.Unlock()
			t.Logf("peak pending %d, collapses %d, rescans %d", peak, collapses, rescans)
			limit := w.opts.MaxPending
			if peak > limit {
				t.Errorf("peak pending %d > MaxPending %d", peak, limit)
			}
			if tc.maxPending > 0 && collapses == 0 {
				t.Errorf("bursts of %d files never collapsed with MaxPending %d", tasks, tc.maxPending)
			}
		})
	}
}
