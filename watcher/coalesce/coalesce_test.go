package coalesce

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// clock is a fake clock: tests move it by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock                   { return &clock{t: time.Unix(1795642679, 0)} }
func ms(n int) time.Duration             { return time.Duration(n) * time.Millisecond }
func cfg(quiet, max, pending int) Config {
	return Config{Quiet: ms(quiet), MaxDelay: ms(max), MaxPending: pending, Roots: []string{"/ds", "/cards"}}
}
func flushAt(t *testing.T, c *Coalescer, now time.Time) Batch {
	t.Helper()
	b, ok := c.Flush(now)
	if !ok {
		at, pending := c.Due()
		t.Fatalf("nothing due at %v (due %v, pending %v)", now, at, pending)
	}
	return b
}

func TestQuietPeriod(t *testing.T) {
	clk := newClock()
	c := New(cfg(5, 25, 0))
	if _, ok := c.Due(); ok {
		t.Fatal("empty coalescer is due")
	}
	c.Add("/ds/F/1/a", Create, clk.now())
	clk.advance(ms(3))
	c.Add("/ds/F/1/b", Write, clk.now())
	clk.advance(ms(4)) // 4 ms after the last event: still quiet
	if _, ok := c.Flush(clk.now()); ok {
		t.Fatal("flushed inside the quiet period")
	}
	clk.advance(ms(1))
	b := flushAt(t, c, clk.now())
	if !slices.Equal(b.Paths, []string{"/ds/F/1/a", "/ds/F/1/b"}) || len(b.Rescan) != 0 {
		t.Fatalf("batch = %+v", b)
	}
	if _, ok := c.Due(); ok {
		t.Error("still due after flush")
	}
}

// A file rewritten every 50 ms never leaves a quiet period of 100 ms, yet
// it flushes every MaxDelay.
func TestMaxDelayFlushesAHotFile(t *testing.T) {
	clk := newClock()
	c := New(cfg(100, 250, 0))
	flushes := 0
	var lastFlush time.Time
	start := clk.now()
	for i := 0; i < 40; i++ { // 2 s of writes
		c.Add("/cards/F/runs/1/steps/s/tasks/2/runtime/blank-x.data.json", Write, clk.now())
		for step := 0; step < 50; step++ {
			clk.advance(ms(1))
			if b, ok := c.Flush(clk.now()); ok {
				flushes++
				if len(b.Paths) != 1 {
					t.Fatalf("batch = %+v", b)
				}
				if !lastFlush.IsZero() && clk.now().Sub(lastFlush) > ms(300) {
					t.Errorf("gap between flushes %v > MaxDelay + one write interval", clk.now().Sub(lastFlush))
				}
				lastFlush = clk.now()
			}
		}
	}
	if elapsed := clk.now().Sub(start); flushes < int(elapsed/ms(300)) {
		t.Errorf("%d flushes in %v", flushes, elapsed)
	}
}

func TestDedupAndNoise(t *testing.T) {
	clk := newClock()
	c := New(cfg(5, 25, 0))
	p := "/cards/F/runs/1/steps/s/tasks/2/cards/blank-x.html"
	for _, op := range []Op{Create, Write, Write, Write | Chmod} {
		if !c.Add(p, op, clk.now()) {
			t.Errorf("op %v dropped", op)
		}
	}
	noise := []struct {
		p  string
		op Op
	}{
		{p, Chmod},
		{"/cards/F/runs/1/steps/s/tasks/2/cards/tmpab12cd34", Create},
		{"/cards/F/runs/1/steps/s/tasks/2/cards/tmpab12cd34", Rename},
		{"/ds/F/1/_meta/tmp_x", Write},
	}
	for _, n := range noise {
		if c.Add(n.p, n.op, clk.now()) {
			t.Errorf("noise %s %v kept", n.p, n.op)
		}
	}
	clk.advance(ms(5))
	b := flushAt(t, c, clk.now())
	if !slices.Equal(b.Paths, []string{p}) {
		t.Errorf("paths = %v", b.Paths)
	}
	// A name that merely contains tmp is not noise.
	if !c.Add("/ds/F/1/s/2/_meta/0_artifact_tmpdir.json", Create, clk.now()) {
		t.Error("artifact named *tmp* dropped")
	}
}

// Past MaxPending the pending paths collapse into one rescan of each root
// that holds them, and later events under those roots are absorbed: memory
// stays bounded and nothing is lost.
func TestTooManyPendingCollapses(t *testing.T) {
	clk := newClock()
	c := New(cfg(5, 25, 100))
	for i := 0; i < 1000; i++ {
		c.Add(fmt.Sprintf("/ds/F/1/s/%d/0.attempt.json", i), Create, clk.now())
		if c.Len() > 100 {
			t.Fatalf("pending %d > cap", c.Len())
		}
	}
	c.Add("/ds/F/1/s/1/0.DONE.lock", Create, clk.now()) // absorbed by the rescan
	clk.advance(ms(25))
	b := flushAt(t, c, clk.now())
	if len(b.Paths) != 0 || !slices.Equal(b.Rescan, []string{"/ds"}) {
		t.Fatalf("batch = paths %d, rescan %v", len(b.Paths), b.Rescan)
	}
	if c.Peak() > 100 || c.Collapses() != 1 {
		t.Errorf("peak %d collapses %d", c.Peak(), c.Collapses())
	}
	// Only the affected root is rescanned.
	for i := 0; i < 101; i++ {
		c.Add(fmt.Sprintf("/cards/F/runs/1/steps/s/tasks/%d/cards/c.html", i), Create, clk.now())
	}
	c.Add("/cards/F/runs/1/x", Write, clk.now())
	clk.advance(ms(25))
	b = flushAt(t, c, clk.now())
	if len(b.Paths) != 0 || !slices.Equal(b.Rescan, []string{"/cards"}) {
		t.Fatalf("batch = %+v", b)
	}
	// Paths under no root rescan every root.
	for i := 0; i < 101; i++ {
		c.Add(fmt.Sprintf("/elsewhere/%d", i), Create, clk.now())
	}
	clk.advance(ms(25))
	b = flushAt(t, c, clk.now())
	if len(b.Paths) != 0 || !slices.Equal(b.Rescan, []string{"/ds", "/cards"}) {
		t.Fatalf("batch = %+v", b)
	}
}

func TestRescanAbsorbs(t *testing.T) {
	clk := newClock()
	c := New(cfg(5, 25, 0))
	c.Add("/ds/F/1/s/2/0.DONE.lock", Create, clk.now())
	c.Add("/ds/F/2/s/2/0.DONE.lock", Create, clk.now())
	c.Rescan("/ds/F/1/s", clk.now())
	c.Rescan("/ds/F/1", clk.now()) // subsumes the first
	c.Add("/ds/F/1/s/3/0.DONE.lock", Create, clk.now())
	c.Rescan("/ds/F/1/s/3", clk.now()) // already covered
	clk.advance(ms(5))
	b := flushAt(t, c, clk.now())
	if !slices.Equal(b.Paths, []string{"/ds/F/2/s/2/0.DONE.lock"}) || !slices.Equal(b.Rescan, []string{"/ds/F/1"}) {
		t.Fatalf("batch = %+v", b)
	}
	// "/ds/F/10" is not under "/ds/F/1".
	c.Rescan("/ds/F/1", clk.now())
	c.Add("/ds/F/10/_meta/_self.json", Create, clk.now())
	clk.advance(ms(5))
	b = flushAt(t, c, clk.now())
	if !slices.Equal(b.Paths, []string{"/ds/F/10/_meta/_self.json"}) {
		t.Fatalf("batch = %+v", b)
	}
}

func TestZeroDelaysFlushAtOnce(t *testing.T) {
	clk := newClock()
	c := New(Config{})
	c.Add("/a", Create, clk.now())
	if _, ok := c.Flush(clk.now()); !ok {
		t.Fatal("zero quiet period did not flush at once")
	}
}
