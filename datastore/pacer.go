package datastore

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Pacer decides when the background read of every run (LoadAllPaced)
// starts, and which flow it reads first. The readers (Options.Workers) on a
// two-core machine take both cores from a browser that is booting the
// page. So: when a page loads within PageWait of opening, reading waits
// until FirstListGrace after that page's first run list (the page asks for
// the runs it shows itself, LoadNewest), or PageBootMax after the page
// came; with no page it starts after PageWait. docs/benchmarks.md has the
// numbers. A shell reports PageLoaded and RunsServed; Run applies the rule.
type Pacer struct {
	start     chan struct{}
	startOnce sync.Once
	page      chan struct{}
	pageOnce  sync.Once
	firstFlow atomic.Pointer[string]
}

// The pacing rule's times (see Pacer).
const (
	PageWait    = 100 * time.Millisecond
	PageBootMax = time.Second
	// 300 ms: the first run rows paint about 100 ms after their list is
	// served, and the readers starting sooner slowed that paint (cold
	// open, 1,000 runs, p50 ~295 ms with 150 ms against ~280 ms with
	// 300 ms; docs/benchmarks.md).
	FirstListGrace = 300 * time.Millisecond
)

// NewPacer makes a Pacer that has not started reading.
func NewPacer() *Pacer {
	return &Pacer{start: make(chan struct{}), page: make(chan struct{})}
}

// Start is closed when reading may start (LoadAllPaced's start).
func (p *Pacer) Start() <-chan struct{} { return p.start }

// StartNow lets reading start.
func (p *Pacer) StartNow() { p.startOnce.Do(func() { close(p.start) }) }

// PageLoaded notes that a page loaded.
func (p *Pacer) PageLoaded() { p.pageOnce.Do(func() { close(p.page) }) }

// RunsServed notes that a page has flow's run list: reading starts
// FirstListGrace later, that flow first.
func (p *Pacer) RunsServed(flow string) {
	if p.firstFlow.CompareAndSwap(nil, &flow) {
		time.AfterFunc(FirstListGrace, p.StartNow)
	}
}

// FirstFlow is the flow whose runs a page asked for first ("" if none yet):
// LoadAllPaced's first.
func (p *Pacer) FirstFlow() string {
	if f := p.firstFlow.Load(); f != nil {
		return *f
	}
	return ""
}

// Run closes Start by the rule above, or returns when ctx ends.
func (p *Pacer) Run(ctx context.Context) {
	select {
	case <-p.page:
	case <-time.After(PageWait):
		p.StartNow()
		return
	case <-ctx.Done():
		return
	}
	select {
	case <-p.start:
	case <-time.After(PageBootMax):
		p.StartNow()
	case <-ctx.Done():
	}
}
