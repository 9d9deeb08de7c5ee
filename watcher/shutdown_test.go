package watcher

import (
	"context"
	"errors"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// TestShutdown: after Close (or the context's cancellation) no goroutine
// of the watcher is left, Changes is closed, and Close is idempotent.
func TestShutdown(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mode   Mode
		cancel bool
		faulty bool // a watch limit, so the poller is busy
	}{
		{"close", Inotify, false, false},
		{"cancel", Inotify, true, false},
		{"polling", Polling, false, false},
		{"polling fallback", Inotify, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := copyFixture(t, "live_midrun")
			ix := openIndex(t, root)
			before := runtime.NumGoroutine()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			opts := Options{Mode: tc.mode, PollInterval: 10 * time.Millisecond, WatchRetry: 20 * time.Millisecond}
			if tc.faulty {
				opts.Backend = newFaultBackend(t, 5)
			}
			w, err := New(ix, opts)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Start(ctx); err != nil {
				t.Fatal(err)
			}
			if err := w.Start(ctx); !errors.Is(err, ErrStarted) {
				t.Errorf("second Start: %v", err)
			}
			// Keep every goroutine busy: runs loading in the background,
			// writes being applied, changes waiting to be read.
			go ix.LoadAll(ctx)
			evs := loadReplay(t)
			replay(t, root, evs[len(evs)-40:], 1000)
			time.Sleep(50 * time.Millisecond)
			if tc.cancel {
				cancel()
				for range w.Changes() {
				}
			}
			if err := w.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			if err := w.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
			for range w.Changes() { // closed: drains and ends
			}
			if err := w.Start(context.Background()); !errors.Is(err, ErrClosed) {
				t.Errorf("Start after Close: %v", err)
			}
			// The hook is released: loading runs later must not reach a
			// closed watcher.
			openIndex(t, root).LoadAll(context.Background())
			noLeak(t, before)
		})
	}
}

func TestCloseWithoutStart(t *testing.T) {
	before := runtime.NumGoroutine()
	ix := openIndex(t, copyFixture(t, "live"))
	w, err := New(ix, Options{Backend: newFaultBackend(t, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-w.Changes(); ok {
		t.Error("Changes not closed")
	}
	noLeak(t, before)
}

func TestNewErrors(t *testing.T) {
	ix := openIndex(t, copyFixture(t, "live"))
	if _, err := New(ix, Options{Mode: "fanotify"}); !errors.Is(err, ErrMode) {
		t.Errorf("unknown mode: %v", err)
	}
	w, err := New(ix, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if got, want := w.lay.cardRoot, filepath.Join(w.lay.root, "mf.cards"); got != want {
		t.Errorf("card root %s, want %s", got, want)
	}
}
