// Package coalesce turns a stream of file events into batches of changed
// paths. It is pure code: no goroutines, no timers, no file access. The
// caller passes the current time to every call and asks when the next batch
// is due, so tests drive it with a fake clock (the way syncthing's
// lib/watchaggregator is tested).
//
// A batch is due when no event arrived for Quiet, or MaxDelay after its
// first event, whichever comes first: the quiet period gathers a burst
// (mkdir -p, a task writing twenty metadata files at once), and the maximum
// delay makes a file that changes every few milliseconds still flush.
// Events are de-duplicated by path. Chmod-only events and names starting
// with "tmp" (Metaflow's files while they are written) are noise. Past
// MaxPending paths, the pending paths collapse into a rescan of the roots
// that hold them, so memory stays bounded and nothing is silently lost.
package coalesce

import (
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Op is what happened to a path, a bit set.
type Op uint32

const (
	Create Op = 1 << iota
	Write
	Remove
	Rename
	Chmod
)

// Config tunes a Coalescer.
type Config struct {
	// Quiet is how long no event must arrive before a batch is due.
	Quiet time.Duration
	// MaxDelay bounds how long the first event of a batch waits.
	MaxDelay time.Duration
	// MaxPending caps the number of distinct pending paths; past it they
	// collapse into rescans of their roots.
	MaxPending int
	// Roots are the folders a collapse rescans. A path belongs to the
	// longest root holding it; a path under no root rescans every root.
	Roots []string
}

// Batch is what is due: paths to re-read one by one, and folders to re-read
// as a whole.
type Batch struct {
	Paths  []string
	Rescan []string
}

// Coalescer gathers events into batches. It is not safe for concurrent use.
type Coalescer struct {
	cfg      Config
	paths    map[string]struct{}
	order    []string
	rescan   []string
	first    time.Time
	last     time.Time
	peak     int
	collapse int
}

// New makes a Coalescer. Zero durations flush at once; MaxPending <= 0
// means 4096.
func New(cfg Config) *Coalescer {
	if cfg.MaxPending <= 0 {
		cfg.MaxPending = 4096
	}
	if cfg.MaxDelay < cfg.Quiet {
		cfg.MaxDelay = cfg.Quiet
	}
	roots := make([]string, 0, len(cfg.Roots))
	for _, r := range cfg.Roots {
		roots = append(roots, filepath.Clean(r))
	}
	cfg.Roots = roots
	return &Coalescer{cfg: cfg, paths: map[string]struct{}{}}
}

// AddRoot adds a folder a collapse rescans (a card root found while
// running).
func (c *Coalescer) AddRoot(root string) {
	root = filepath.Clean(root)
	if !slices.Contains(c.cfg.Roots, root) {
		c.cfg.Roots = append(c.cfg.Roots, root)
	}
}

// Noise reports whether an event carries nothing worth reading: a
// Chmod-only event, or a name starting with "tmp" (a file caught while it
// is written; its rename to the final name is the event that counts).
func Noise(path string, op Op) bool {
	if op == Chmod || op == 0 {
		return true
	}
	return strings.HasPrefix(filepath.Base(path), "tmp")
}

// Add records an event. It returns false for noise.
func (c *Coalescer) Add(path string, op Op, now time.Time) bool {
	if Noise(path, op) {
		return false
	}
	path = filepath.Clean(path)
	c.touch(now)
	if c.underRescan(path) {
		return true
	}
	if _, ok := c.paths[path]; ok {
		return true
	}
	c.paths[path] = struct{}{}
	c.order = append(c.order, path)
	if len(c.paths) > c.cfg.MaxPending {
		c.collapseAll()
	}
	if len(c.paths) > c.peak {
		c.peak = len(c.paths)
	}
	return true
}

// Rescan asks for a folder to be re-read as a whole (after an event
// overflow, or when watches are widened late). Pending paths under it are
// dropped: the rescan covers them.
func (c *Coalescer) Rescan(dir string, now time.Time) {
	dir = filepath.Clean(dir)
	c.touch(now)
	c.addRescan(dir)
}

func (c *Coalescer) addRescan(dir string) {
	if c.underRescan(dir) {
		return
	}
	kept := c.rescan[:0]
	for _, r := range c.rescan {
		if !within(r, dir) {
			kept = append(kept, r)
		}
	}
	c.rescan = append(kept, dir)
	if len(c.paths) == 0 {
		return
	}
	order := c.order[:0]
	for _, p := range c.order {
		if within(p, dir) {
			delete(c.paths, p)
		} else {
			order = append(order, p)
		}
	}
	c.order = order
}

// collapseAll turns every pending path into a rescan of its root.
func (c *Coalescer) collapseAll() {
	c.collapse++
	roots := map[string]bool{}
	for _, p := range c.order {
		r := c.rootOf(p)
		if r == "" {
			for _, r := range c.cfg.Roots {
				roots[r] = true
			}
			continue
		}
		roots[r] = true
	}
	c.paths = map[string]struct{}{}
	c.order = nil
	for _, r := range c.cfg.Roots {
		if roots[r] {
			c.addRescan(r)
		}
	}
}

func (c *Coalescer) rootOf(p string) string {
	best := ""
	for _, r := range c.cfg.Roots {
		if within(p, r) && len(r) > len(best) {
			best = r
		}
	}
	return best
}

func (c *Coalescer) underRescan(p string) bool {
	for _, r := range c.rescan {
		if within(p, r) {
			return true
		}
	}
	return false
}

// within reports whether p is dir or below it.
func within(p, dir string) bool {
	if p == dir {
		return true
	}
	if dir == string(filepath.Separator) {
		return strings.HasPrefix(p, dir)
	}
	return strings.HasPrefix(p, dir) && p[len(dir)] == filepath.Separator
}

func (c *Coalescer) touch(now time.Time) {
	if c.empty() {
		c.first = now
	}
	c.last = now
}

func (c *Coalescer) empty() bool { return len(c.order) == 0 && len(c.rescan) == 0 }

// Due reports when the pending batch is due; ok is false when nothing is
// pending.
func (c *Coalescer) Due() (at time.Time, ok bool) {
	if c.empty() {
		return time.Time{}, false
	}
	at = c.last.Add(c.cfg.Quiet)
	if limit := c.first.Add(c.cfg.MaxDelay); limit.Before(at) {
		at = limit
	}
	return at, true
}

// Flush returns the pending batch if it is due at now, and starts a new one.
func (c *Coalescer) Flush(now time.Time) (Batch, bool) {
	at, ok := c.Due()
	if !ok || now.Before(at) {
		return Batch{}, false
	}
	b := Batch{Paths: c.order, Rescan: c.rescan}
	c.paths = map[string]struct{}{}
	c.order, c.rescan = nil, nil
	return b, true
}

// Len is the number of distinct pending paths (rescans not counted).
func (c *Coalescer) Len() int { return len(c.order) }

// Peak is the largest Len seen, and Collapses how many times the pending
// paths collapsed into rescans; both for tests and diagnostics.
func (c *Coalescer) Peak() int { return c.peak }

// Collapses counts collapses into root rescans.
func (c *Coalescer) Collapses() int { return c.collapse }
