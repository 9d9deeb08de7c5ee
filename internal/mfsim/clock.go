package mfsim

import (
	"context"
	"sync"
	"time"
)

// Clock is where mfsim gets its time. Timestamps end up in file names
// (sysmeta_<field>_<ms>.json) and contents, so a simulated clock makes a
// datastore reproducible, while the real clock drives live runs.
type Clock interface {
	Now() time.Time
	// Sleep waits d (or pretends to) and returns early with ctx's error.
	Sleep(ctx context.Context, d time.Duration) error
}

// DefaultStart is where a SimClock starts when none is given: the evening
// the fixtures were recorded (their run ids are 17956426…).
var DefaultStart = time.Date(2026, 11, 25, 21, 37, 0, 0, time.UTC)

// RealClock returns the wall clock.
func RealClock() Clock { return realClock{} }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// SimClock is a deterministic clock. Every Now advances it by Tick, so
// successive writes get distinct, increasing times the way a real process
// does; Sleep advances it without waiting.
type SimClock struct {
	mu   sync.Mutex
	t    time.Time
	tick time.Duration
}

// NewSimClock returns a SimClock at start that moves by tick on every Now.
func NewSimClock(start time.Time, tick time.Duration) *SimClock {
	return &SimClock{t: start, tick: tick}
}

// Now returns the simulated time and moves it forward by the tick.
func (c *SimClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.tick)
	return t
}

// Sleep advances the clock by d at once.
func (c *SimClock) Sleep(ctx context.Context, d time.Duration) error {
	c.Advance(d)
	return ctx.Err()
}

// Advance moves the clock forward by d.
func (c *SimClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func epochMs(t time.Time) int64 { return t.UnixMilli() }

// epochSec is time.time(): a float of seconds.
func epochSec(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
