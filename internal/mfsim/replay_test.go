package mfsim

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	corpus "flowdeck/internal/fixture"
)

func events(t *testing.T) string {
	t.Helper()
	return corpus.Path(t, "live-replay", "events.jsonl")
}

// sameTree asserts that got holds exactly want's files, byte for byte.
func sameTree(t *testing.T, got, want string) {
	t.Helper()
	g, w := walkFiles(t, got), walkFiles(t, want)
	if strings.Join(g, "\n") != strings.Join(w, "\n") {
		t.Fatalf("file lists differ: %d files written, %d in the fixture", len(g), len(w))
	}
	for _, rel := range w {
		a, _ := os.ReadFile(filepath.Join(got, rel))
		b, _ := os.ReadFile(filepath.Join(want, rel))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs", rel)
		}
	}
}

// TestReplayReproducesLive: replaying every event as fast as possible
// leaves exactly fixtures/live, byte for byte (events with exact=false
// carry the file's final content, so the end state is exact).
func TestReplayReproducesLive(t *testing.T) {
	ev := events(t)
	root := filepath.Join(t.TempDir(), ".metaflow")
	n := 0
	err := Replay(context.Background(), root, ev, 0, ReplayOptions{OnEvent: func(ReplayEvent, time.Time) { n++ }})
	if err != nil {
		t.Fatal(err)
	}
	sameTree(t, root, fixture(t, "live"))
	if n != 225 {
		t.Errorf("OnEvent called %d times, want 225", n)
	}
	st, err := os.Stat(filepath.Join(root, "LiveCardFlow", "latest_run"))
	if err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("latest_run: %v %v", st, err)
	}
}

// TestReplayUntilIsMidrun: the capture's state at t=14.0194 s is exactly
// fixtures/live_midrun (the cp -a taken while train was running).
func TestReplayUntilIsMidrun(t *testing.T) {
	ev := events(t)
	root := filepath.Join(t.TempDir(), ".metaflow")
	if err := ReplayUntil(context.Background(), root, ev, 0, 14.0194, ReplayOptions{}); err != nil {
		t.Fatal(err)
	}
	sameTree(t, root, fixture(t, "live_midrun"))
}

func TestReplayInPlace(t *testing.T) {
	ev := events(t)
	root := filepath.Join(t.TempDir(), ".metaflow")
	if err := Replay(context.Background(), root, ev, 0, ReplayOptions{Mode: InPlace}); err != nil {
		t.Fatal(err)
	}
	sameTree(t, root, fixture(t, "live"))
	for _, rel := range walkFiles(t, root) {
		st, _ := os.Stat(filepath.Join(root, rel))
		want := os.FileMode(0o644)
		if strings.Contains(rel, "/_meta/") {
			want = 0o600
		}
		if st.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", rel, st.Mode().Perm(), want)
		}
	}
}

// TestReplayTiming replays the first 3 s of the capture at 10x: it takes
// about 0.3 s minus the first event's offset, and events arrive in order
// no earlier than their scaled time.
func TestReplayTiming(t *testing.T) {
	ev := events(t)
	evs, err := LoadEvents(ev)
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(t.TempDir(), ".metaflow")
	start := time.Now()
	var mu sync.Mutex
	var late []time.Duration
	last := -1
	err = ReplayUntil(context.Background(), root, ev, 10, 4.0, ReplayOptions{OnEvent: func(e ReplayEvent, at time.Time) {
		mu.Lock()
		defer mu.Unlock()
		due := time.Duration((e.T - evs[0].T) / 10 * float64(time.Second))
		if got := at.Sub(start); got < due {
			t.Errorf("event %d at %v, due %v", e.Index, got, due)
		} else {
			late = append(late, got-due)
		}
		if e.Index <= last {
			t.Errorf("event %d after %d", e.Index, last)
		}
		last = e.Index
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := time.Duration((4.0 - evs[0].T) / 10 * float64(time.Second))
	if el := time.Since(start); el < want-100*time.Millisecond || el > want+2*time.Second {
		t.Errorf("replay took %v, want about %v", el, want)
	}
	t.Logf("%d events, took %v", len(late), time.Since(start))
}

func TestReplayStopsOnCancel(t *testing.T) {
	ev := events(t)
	root := filepath.Join(t.TempDir(), ".metaflow")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := Replay(ctx, root, ev, 1, ReplayOptions{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v, want deadline exceeded", err)
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("took %v to stop", el)
	}
}

func TestLoadEventsRejectsEscapes(t *testing.T) {
	p := filepath.Join(t.TempDir(), "events.jsonl")
	os.WriteFile(p, []byte(`{"t": 0, "op": "write", "path": "../x", "blob": "b", "exact": true}`+"\n"), 0o644)
	if _, err := LoadEvents(p); err == nil {
		t.Fatal("a path outside the datastore was accepted")
	}
}
