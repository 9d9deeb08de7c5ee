package datastore

import (
	"context"
	"testing"
	"time"
)

// startedWithin reports whether p lets reading start within d.
func startedWithin(p *Pacer, d time.Duration) bool {
	select {
	case <-p.Start():
		return true
	case <-time.After(d):
		return false
	}
}

// The pacing rule: no page -> start after PageWait; a page that lists a
// flow -> FirstListGrace after that list, its flow first; a page that lists
// nothing -> PageBootMax after it came; never before.
func TestPacer(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	t.Run("no page", func(t *testing.T) {
		p := NewPacer()
		go p.Run(ctx)
		if !startedWithin(p, PageWait+2*time.Second) {
			t.Fatal("did not start without a page")
		}
	})

	t.Run("page lists a flow", func(t *testing.T) {
		p := NewPacer()
		p.PageLoaded()
		go p.Run(ctx)
		if startedWithin(p, PageWait+50*time.Millisecond) {
			t.Fatal("started while the page boots")
		}
		listed := time.Now()
		p.RunsServed("FlowA")
		p.RunsServed("FlowB") // only the first list counts
		if !startedWithin(p, PageBootMax) {
			t.Fatal("did not start after the first run list")
		}
		if d := time.Since(listed); d < FirstListGrace {
			t.Errorf("started %v after the list, want >= %v", d, FirstListGrace)
		}
		if f := p.FirstFlow(); f != "FlowA" {
			t.Errorf("FirstFlow = %q", f)
		}
	})

	t.Run("page lists nothing", func(t *testing.T) {
		p := NewPacer()
		p.PageLoaded()
		came := time.Now()
		go p.Run(ctx)
		if !startedWithin(p, PageBootMax+2*time.Second) {
			t.Fatal("did not start after PageBootMax")
		}
		if d := time.Since(came); d < PageBootMax {
			t.Errorf("started %v after the page, want >= %v", d, PageBootMax)
		}
		if f := p.FirstFlow(); f != "" {
			t.Errorf("FirstFlow = %q", f)
		}
	})

	t.Run("cancelled", func(t *testing.T) {
		c, stop := context.WithCancel(ctx)
		p := NewPacer()
		p.PageLoaded()
		done := make(chan struct{})
		go func() { p.Run(c); close(done) }()
		stop()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			t.Fatal("Run did not return on cancel")
		}
		if startedWithin(p, 10*time.Millisecond) {
			t.Error("a cancelled pacer started reading")
		}
	})
}

// A card is live only while it is not final, its task runs, and it is of
// the task's latest attempt.
func TestCardLiveOn(t *testing.T) {
	running := Task{Status: StatusRunning, Attempt: 1}
	for _, tc := range []struct {
		name string
		c    Card
		t    Task
		want bool
	}{
		{"running, latest attempt", Card{Attempt: 1}, running, true},
		{"final", Card{Attempt: 1, Final: true}, running, false},
		{"earlier attempt", Card{Attempt: 0}, running, false},
		{"task done", Card{Attempt: 1}, Task{Status: StatusSucceeded, Attempt: 1}, false},
		{"task failed", Card{Attempt: 1}, Task{Status: StatusFailed, Attempt: 1}, false},
	} {
		if got := tc.c.LiveOn(tc.t); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
