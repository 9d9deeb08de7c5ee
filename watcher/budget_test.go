package watcher

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"flowdeck/datastore"
)

// manyRuns builds a datastore of n finished runs and one live run (a
// running task with a card and runtime data), written directly since
// nothing watches it yet. It returns the .metaflow path and the live run.
func manyRuns(t testing.TB, n int) (root, live string) {
	t.Helper()
	root = filepath.Join(bulkTempDir(t), ".metaflow")
	for i := 0; i < n; i++ {
		s := newSim(t, root, fmt.Sprintf("Flow%d", i%5), fmt.Sprint(1795600000000000+i))
		s.direct = true
		s.finishedRun()
	}
	s := newSim(t, root, "Flow0", "1795699999999999")
	s.direct = true
	s.begin()
	s.startTask("start", "1")
	s.finishTask("start", "1")
	s.startTask("train", "2")
	s.cardHTML("train", "2", "runtime-1795642680.5")
	s.cardData("train", "2", "runtime-1795642680.5", 1)
	return root, "Flow0/1795699999999999"
}

// TestWatchBudget: 1,000 finished runs and one live run stay far under the
// default inotify limit of 8,192 watches (target: 3,000), before and after
// the index has read every run; the live run is watched in full.
func TestWatchBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 1,000 runs")
	}
	root, live := manyRuns(t, 1000)
	ix := openIndex(t, root)
	w, _ := start(t, ix, Options{})
	before := w.State().Watches
	if err := ix.LoadAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, cards := w.lay.runDirs(live)
	runtimeDir := filepath.Join(cards[0], "steps", "train", "tasks", "2", "runtime")
	eventually(t, func() string { return runtimeDir + " never watched" }, func() bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		return w.watched[runtimeDir]
	})
	st := w.State()
	t.Logf("watches: %d at start, %d once every run is read (%s)", before, st.Watches, st.Mode)
	if st.Watches > 3000 || before > 3000 {
		t.Errorf("watches = %d (at start %d), want <= 3000", st.Watches, before)
	}
	if st.Mode != "inotify" || st.Polled != 0 || st.Err != "" {
		t.Errorf("state = %+v", st)
	}
}

// TestReleaseWhenFinished: a run that finishes keeps its full watches for
// Linger after its last event (final cards come after DONE), then keeps
// only its run folder and _meta; a new write in it widens it again.
func TestReleaseWhenFinished(t *testing.T) {
	root := copyFixture(t, "live_midrun")
	ix := openIndex(t, root)
	if err := ix.LoadAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	w, c := start(t, ix, Options{Linger: 300 * time.Millisecond})
	run := liveFlow + "/" + liveRun
	ds, cards := w.lay.runDirs(run)
	countUnder := func() int {
		w.mu.Lock()
		defer w.mu.Unlock()
		n := 0
		for d := range w.watched {
			if within(d, ds) || within(d, cards[0]) {
				n++
			}
		}
		return n
	}
	wide := countUnder()
	if wide < 10 {
		t.Fatalf("live run has %d watches", wide)
	}
	evs := loadReplay(t)
	var rest []replayEvent
	for _, e := range evs {
		if e.T > 15.5 {
			rest = append(rest, e)
		}
	}
	replay(t, root, rest, 20)
	c.waitRunSucceeded(t)
	eventually(t, func() string { return fmt.Sprintf("%d watches left under the run", countUnder()) },
		func() bool { return countUnder() == 2 })
	w.mu.Lock()
	kept := w.watched[ds] && w.watched[filepath.Join(ds, "_meta")]
	w.mu.Unlock()
	if !kept {
		t.Error("run folder and _meta not kept")
	}
	// A tag edit on the finished run is still seen.
	self := filepath.Join(ds, "_meta", "_self.json")
	b, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	tagged := strings.Replace(string(b), `"tags": []`, `"tags": ["best"]`, 1)
	if tagged == string(b) {
		t.Fatalf("no empty tags in %s", b)
	}
	before := len(c.changes())
	writeAtomic(t, self, []byte(tagged))
	c.waitFor(t, "a run change after the tag edit", func(cs []datastore.Change) bool {
		for _, c := range cs[before:] {
			if c.Kind == datastore.RunChanged {
				return true
			}
		}
		return false
	})
	sameAsFresh(t, ix, root)

	// The finished run comes back to life (a step folder appears in it, as
	// when a task is retried or a step added): it is watched in full
	// again, and the writes inside the new folders are seen.
	s := newSim(t, root, liveFlow, liveRun)
	s.startTask("again", "9")
	s.cardHTML("again", "9", "runtime-1795642680.5")
	c.waitFor(t, "the new task and card", func(cs []datastore.Change) bool {
		var task, card bool
		for _, c := range cs {
			task = task || (c.Kind == datastore.TaskAdded && c.Step == "again")
			card = card || (c.Kind == datastore.CardAdded && c.Step == "again")
		}
		return task && card
	})
	eventually(t, func() string { return fmt.Sprintf("%d watches under the revived run", countUnder()) },
		func() bool { return countUnder() > wide })
	s.cardData("again", "9", "runtime-1795642680.5", 7)
	c.waitFor(t, "data of the new card", func(cs []datastore.Change) bool {
		for _, c := range cs {
			if c.Kind == datastore.CardDataChanged && c.Step == "again" {
				return true
			}
		}
		return false
	})
	sameAsFresh(t, ix, root)
}
