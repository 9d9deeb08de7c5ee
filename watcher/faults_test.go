package watcher

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"

	"flowdeck/datastore"
)

// faultBackend wraps the real fsnotify backend and injects the faults a
// real system produces under load: a watch limit (Add fails with ENOSPC past
// a number of watches) and a kernel queue overflow (events dropped, then
// fsnotify.ErrEventOverflow).
type faultBackend struct {
	real   Backend
	events chan fsnotify.Event
	errs   chan error
	done   chan struct{}

	mu      sync.Mutex
	limit   int // watches allowed; <= 0: no limit
	watches map[string]bool
	refused int

	dropping atomic.Bool
	dropped  atomic.Int64
}

func newFaultBackend(t testing.TB, limit int) *faultBackend {
	t.Helper()
	real, err := newFsnotify()
	if err != nil {
		t.Fatal(err)
	}
	f := &faultBackend{real: real, events: make(chan fsnotify.Event), errs: make(chan error), done: make(chan struct{}),
		limit: limit, watches: map[string]bool{}}
	go f.forward()
	return f
}

func (f *faultBackend) forward() {
	defer close(f.done)
	defer close(f.events)
	defer close(f.errs)
	evs, errs := f.real.Events(), f.real.Errors()
	for evs != nil || errs != nil {
		select {
		case ev, ok := <-evs:
			if !ok {
				evs = nil
				continue
			}
			if f.dropping.Load() {
				f.dropped.Add(1)
				continue
			}
			f.events <- ev
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			f.errs <- err
		}
	}
}

func (f *faultBackend) Add(dir string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.limit > 0 && !f.watches[dir] && len(f.watches) >= f.limit {
		f.refused++
		return fmt.Errorf("add %s: %w", dir, syscall.ENOSPC)
	}
	if err := f.real.Add(dir); err != nil {
		return err
	}
	f.watches[dir] = true
	return nil
}

func (f *faultBackend) Remove(dir string) error {
	f.mu.Lock()
	delete(f.watches, dir)
	f.mu.Unlock()
	return f.real.Remove(dir)
}

func (f *faultBackend) setLimit(n int) {
	f.mu.Lock()
	f.limit = n
	f.mu.Unlock()
}

func (f *faultBackend) Events() <-chan fsnotify.Event { return f.events }
func (f *faultBackend) Errors() <-chan error          { return f.errs }

// Close closes the real backend, then waits for the forwarder, which
// must not outlive the watcher.
func (f *faultBackend) Close() error {
	err := f.real.Close()
	go func() {
		// The watcher stopped reading: drain what the forwarder holds.
		for range f.events {
		}
	}()
	go func() {
		for range f.errs {
		}
	}()
	<-f.done
	return err
}

// overflow simulates a full kernel queue: events are dropped while fn runs,
// then the overflow error is delivered.
func (f *faultBackend) overflow(fn func()) {
	f.dropping.Store(true)
	fn()
	time.Sleep(50 * time.Millisecond) // let the dropped events arrive and vanish
	f.dropping.Store(false)
	f.errs <- fsnotify.ErrEventOverflow
}

// TestOverflowRescans drops every event of a stretch of the live task's
// writes, new folders included, then reports the overflow: the roots are
// rescanned, the watches of the folders made meanwhile are added, and the
// writes after it are seen; the index ends equal to a fresh one.
func TestOverflowRescans(t *testing.T) {
	root := copyFixture(t, "live_midrun")
	ix := openIndex(t, root)
	if err := ix.LoadAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	fb := newFaultBackend(t, 0)
	rt := &recordingTarget{Index: ix}
	w, c := start(t, rt, Options{Backend: fb})
	// Start reads the live run once more (it was read before its watches
	// existed); wait for that, so the rescan below is the overflow's.
	_, cardDir := w.lay.runDirs(liveFlow + "/" + liveRun)
	eventually(t, func() string { return "no start rescan" }, func() bool { return rt.rescanned(cardDir[0], 0) })
	calls := rt.calls()
	evs := loadReplay(t)
	var during, after []replayEvent
	for _, e := range evs {
		switch {
		case e.T > 15.5 && e.T < 26.5:
			during = append(during, e)
		case e.T >= 26.5:
			after = append(after, e)
		}
	}
	// "end" is a new step folder made while events are lost; its task
	// gets more writes after the overflow, which need the new watches.
	fb.overflow(func() { replay(t, root, during, 50) })
	if fb.dropped.Load() == 0 {
		t.Fatal("no event was dropped")
	}
	eventually(t, func() string { return "the root was not rescanned" }, func() bool { return rt.rescanned(root, calls) })
	c.waitFor(t, "a rescan", func(cs []datastore.Change) bool {
		return slices.ContainsFunc(cs, func(c datastore.Change) bool { return c.Kind == datastore.Rescanned })
	})
	replay(t, root, after, 50)
	sameAsFresh(t, ix, root)
	c.waitRunSucceeded(t)
	endTask := filepath.Join(root, liveFlow, liveRun, "end", "3")
	w.mu.Lock()
	watched := w.watched[endTask]
	w.mu.Unlock()
	if !watched {
		t.Errorf("%s, made during the overflow, is not watched", endTask)
	}
}

// TestWatchLimitFallsBackToPolling lets only a few watches be added:
// the other folders are polled, State says so with the command that fixes
// it, nothing written meanwhile is missed, and once the limit is raised the
// polled folders get their watches back.
func TestWatchLimitFallsBackToPolling(t *testing.T) {
	root := copyFixture(t, "live_midrun")
	ix := openIndex(t, root)
	if err := ix.LoadAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	fb := newFaultBackend(t, 8)
	var states []State
	var smu sync.Mutex
	w, c := start(t, ix, Options{Backend: fb, PollInterval: 50 * time.Millisecond, WatchRetry: 200 * time.Millisecond,
		OnState: func(s State) { smu.Lock(); states = append(states, s); smu.Unlock() }})
	st := w.State()
	if st.Mode != "mixed" || st.Polled == 0 || st.Watches > 8 {
		t.Fatalf("state = %+v", st)
	}
	for _, want := range []string{"inotify watch limit reached (fs.inotify.max_user_watches", "folders are polled every 0.05 s",
		"sudo sysctl fs.inotify.max_user_watches=524288"} {
		if !strings.Contains(st.Err, want) {
			t.Errorf("state error %q lacks %q", st.Err, want)
		}
	}
	t.Logf("state: %+v", st)
	evs := loadReplay(t)
	var rest []replayEvent
	for _, e := range evs {
		if e.T > 15.5 {
			rest = append(rest, e)
		}
	}
	half := len(rest) / 2
	replay(t, root, rest[:half], 20)
	sameAsFresh(t, ix, root)

	fb.setLimit(0)
	eventually(t, func() string { return fmt.Sprintf("state %+v", w.State()) }, func() bool {
		s := w.State()
		return s.Mode == "inotify" && s.Polled == 0 && s.Err == ""
	})
	replay(t, root, rest[half:], 20)
	sameAsFresh(t, ix, root)
	c.waitRunSucceeded(t)
	smu.Lock()
	defer smu.Unlock()
	if len(states) == 0 || states[0].Mode != "mixed" || states[len(states)-1].Mode != "inotify" {
		t.Errorf("OnState saw %+v", states)
	}
}

// TestReleasedWatchesGoToPolledFolders: with the limit still in place,
// watches released (a run narrowed, a folder removed) go at once to
// folders that were polled for want of them, without waiting WatchRetry.
func TestReleasedWatchesGoToPolledFolders(t *testing.T) {
	root := copyFixture(t, "live_midrun")
	ix := openIndex(t, root)
	if err := ix.LoadAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	fb := newFaultBackend(t, 8)
	w, _ := start(t, ix, Options{Backend: fb, WatchRetry: time.Hour, PollInterval: 20 * time.Millisecond})
	s0 := w.State()
	if s0.Polled == 0 {
		t.Fatalf("state = %+v", s0)
	}
	// Remove a watched folder: its watch is released.
	params := filepath.Join(root, liveFlow, liveRun, "_parameters")
	w.mu.Lock()
	n := 0
	for d := range w.watched {
		if within(d, params) {
			n++
		}
	}
	w.mu.Unlock()
	if n == 0 {
		t.Fatalf("nothing watched under %s", params)
	}
	if err := os.RemoveAll(params); err != nil {
		t.Fatal(err)
	}
	eventually(t, func() string { return fmt.Sprintf("state %+v, was %+v", w.State(), s0) }, func() bool {
		s := w.State()
		return s.Watches == 8 && s.Polled <= s0.Polled-n
	})
	sameAsFresh(t, ix, root)
}
