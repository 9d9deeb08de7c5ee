// Package s3poll keeps a datastore.Index over S3 current by polling with a
// request budget, as inotify cannot watch a bucket:
//
//   - every live run (a run the index holds as not finished) is listed
//     every LiveInterval with two ListTree requests (its run prefix and its
//     card prefix), however many tasks it has; objects whose size,
//     LastModified or ETag changed are handed to Index.Apply;
//   - a run that stopped being live is listed for Linger more, for the
//     final cards and N.runtime written after its last DONE;
//   - flows and their run lists are listed every RunsInterval, for new
//     flows and runs;
//   - finished runs are never listed again (they are immutable).
//
// With a Budget, each round waits for its tokens: a tight budget slows the
// poll, and since a round lists whole prefixes, the next round still sees
// the final state.
package s3poll

import (
	"context"
	"errors"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"flowdeck/datastore"
	"flowdeck/datastore/s3fs"
)

// Options configure a Poller; zero values take the defaults in brackets.
type Options struct {
	LiveInterval time.Duration // [1 s]
	RunsInterval time.Duration // [10 s]
	Linger       time.Duration // [30 s]
	Budget       *s3fs.Budget  // nil: no cap
	// OnState is called, from the polling goroutine, when State changes.
	OnState func()
	// OnFinal is called once for each run the index holds as finished
	// (succeeded or failed) that is neither live nor lingering: its objects
	// no longer change (the hook behind datastore/s3cache). It is called
	// from the polling goroutine after every live round (an in-memory scan
	// of the index, no request).
	OnFinal func(flow, run string, finished time.Time)
}

// State is what the status bar shows.
type State struct {
	Offline bool
	Err     string
	// LiveRuns is the number of runs listed every LiveInterval.
	LiveRuns int
}

// Poller polls one index over one S3 FS.
type Poller struct {
	ix   *datastore.Index
	fs   *s3fs.FS
	opts Options
	ch   chan []datastore.Change

	mu      sync.Mutex
	state   State
	snaps   map[string]map[string]stamp // live run "flow/run" -> path -> stamp
	lingers map[string]time.Time        // run -> when it stopped being live
	retry   []string
	final   map[string]bool // runs handed to OnFinal

	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

type stamp struct {
	size int64
	mod  time.Time
	etag string
}

// New returns a Poller; Start begins polling.
func New(ix *datastore.Index, fsys *s3fs.FS, opts Options) *Poller {
	if opts.LiveInterval <= 0 {
		opts.LiveInterval = time.Second
	}
	if opts.RunsInterval <= 0 {
		opts.RunsInterval = 10 * time.Second
	}
	if opts.Linger <= 0 {
		opts.Linger = 30 * time.Second
	}
	return &Poller{ix: ix, fs: fsys, opts: opts, ch: make(chan []datastore.Change, 64),
		snaps: map[string]map[string]stamp{}, lingers: map[string]time.Time{}, final: map[string]bool{}, done: make(chan struct{})}
}

// Changes delivers the index's changes, one batch per round with any.
func (p *Poller) Changes() <-chan []datastore.Change { return p.ch }

// State is the current polling state.
func (p *Poller) State() State {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state
}

// Start polls until ctx ends or Close.
func (p *Poller) Start(ctx context.Context) {
	ctx, p.cancel = context.WithCancel(ctx)
	go p.loop(ctx)
}

// Close stops polling and waits for the loop to end. It is idempotent.
func (p *Poller) Close() error {
	p.once.Do(func() {
		if p.cancel != nil {
			p.cancel()
			<-p.done
		}
	})
	return nil
}

func (p *Poller) loop(ctx context.Context) {
	defer close(p.done)
	live := time.NewTicker(p.opts.LiveInterval)
	defer live.Stop()
	runs := time.NewTicker(p.opts.RunsInterval)
	defer runs.Stop()
	p.pollLive(ctx) // take the first snapshots
	p.reportFinal()
	for {
		select {
		case <-ctx.Done():
			return
		case <-live.C:
			p.pollLive(ctx)
			p.reportFinal()
		case <-runs.C:
			p.pollRuns(ctx)
		}
	}
}

// wait takes n requests from the budget.
func (p *Poller) wait(ctx context.Context, n int) error {
	if p.opts.Budget == nil {
		return nil
	}
	for range n {
		if err := p.opts.Budget.Wait(ctx); err != nil {
			return err
		}
	}
	return nil
}

// pollLive lists every live or lingering run and applies what changed.
func (p *Poller) pollLive(ctx context.Context) {
	now := time.Now()
	runs := p.ix.LiveRuns()
	p.mu.Lock()
	isLive := map[string]bool{}
	for _, r := range runs {
		isLive[r] = true
		delete(p.lingers, r)
	}
	for r := range p.snaps {
		if !isLive[r] {
			if _, ok := p.lingers[r]; !ok {
				p.lingers[r] = now
			}
			if now.Sub(p.lingers[r]) < p.opts.Linger {
				runs = append(runs, r)
			} else {
				delete(p.lingers, r)
				delete(p.snaps, r) // finished: never listed again
			}
		}
	}
	paths := p.retry
	p.retry = nil
	p.mu.Unlock()
	sort.Strings(runs)

	var errs []error
	for _, r := range runs {
		if err := p.wait(ctx, 2); err != nil {
			return
		}
		changed, err := p.listRun(r)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		paths = append(paths, changed...)
	}
	p.apply(ctx, paths)
	p.setState(len(runs), errors.Join(errs...))
}

// listRun lists a run's prefixes and returns the paths that changed since
// the last look (none on the first).
func (p *Poller) listRun(run string) ([]string, error) {
	flow, id, _ := strings.Cut(run, "/")
	loc := p.ix.Location()
	cur := map[string]stamp{}
	for _, dir := range []string{filepath.Join(loc.Root, flow, id), filepath.Join(loc.CardRoot, flow, "runs", id)} {
		objs, err := p.fs.ListTree(dir)
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			cur[o.Path] = stamp{size: o.Size, mod: o.ModTime, etag: o.ETag}
		}
	}
	p.mu.Lock()
	old, seen := p.snaps[run]
	p.snaps[run] = cur
	p.mu.Unlock()
	if !seen {
		return nil, nil
	}
	var changed []string
	for k, st := range cur {
		if prev, ok := old[k]; !ok || prev != st {
			changed = append(changed, k)
		}
	}
	for k := range old {
		if _, ok := cur[k]; !ok {
			changed = append(changed, k)
		}
	}
	return changed, nil
}

// pollRuns lists the flows and their runs, and hands new ones to the index.
func (p *Poller) pollRuns(ctx context.Context) {
	loc := p.ix.Location()
	if err := p.wait(ctx, 1); err != nil {
		return
	}
	ents, err := p.fs.ReadDir(loc.Root)
	if err != nil {
		p.setState(-1, err)
		return
	}
	known := map[string]bool{}
	for _, f := range p.ix.Flows() {
		known[f.Name] = true
	}
	var paths []string
	for _, e := range ents {
		if !e.IsDir() || e.Name() == filepath.Base(loc.CardRoot) || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		dir := filepath.Join(loc.Root, e.Name())
		if !known[e.Name()] {
			paths = append(paths, dir)
			continue
		}
		if err := p.wait(ctx, 1); err != nil {
			return
		}
		runs, err := p.fs.ReadDir(dir)
		if err != nil {
			continue
		}
		have := map[string]bool{}
		if rs, err := p.ix.Runs(e.Name()); err == nil {
			for _, r := range rs {
				have[r.ID] = true
			}
		}
		for _, r := range runs {
			if r.IsDir() && r.Name() != "data" && r.Name() != "_meta" && !have[r.Name()] {
				paths = append(paths, filepath.Join(dir, r.Name()))
			}
		}
	}
	p.apply(ctx, paths)
	p.setState(-1, nil)
}

func (p *Poller) apply(ctx context.Context, paths []string) {
	if len(paths) == 0 {
		return
	}
	res := p.ix.Apply(paths)
	p.mu.Lock()
	p.retry = append(p.retry, res.Retry...)
	p.mu.Unlock()
	if len(res.Changes) > 0 {
		select {
		case p.ch <- res.Changes:
		case <-ctx.Done():
		}
	}
}

// reportFinal hands the runs that became final to OnFinal. It reads the
// index only (no request).
func (p *Poller) reportFinal() {
	if p.opts.OnFinal == nil {
		return
	}
	live := map[string]bool{}
	for _, r := range p.ix.LiveRuns() {
		live[r] = true
	}
	p.mu.Lock()
	for r := range p.snaps { // lingering or live
		live[r] = true
	}
	p.mu.Unlock()
	for _, f := range p.ix.Flows() {
		runs, err := p.ix.Runs(f.Name)
		if err != nil {
			continue
		}
		for _, r := range runs {
			key := f.Name + "/" + r.ID
			if p.final[key] || live[key] || !r.Loaded || r.Finished.IsZero() ||
				(r.Status != datastore.StatusSucceeded && r.Status != datastore.StatusFailed) {
				continue
			}
			p.final[key] = true
			p.opts.OnFinal(f.Name, r.ID, r.Finished)
		}
	}
}

// setState records a round's outcome; live < 0 keeps the live count.
func (p *Poller) setState(live int, err error) {
	p.mu.Lock()
	old := p.state
	if live >= 0 {
		p.state.LiveRuns = live
	}
	p.state.Offline = errors.Is(err, s3fs.ErrOffline)
	p.state.Err = ""
	if err != nil {
		p.state.Err = err.Error()
	}
	changed := p.state != old
	p.mu.Unlock()
	if changed && p.opts.OnState != nil {
		p.opts.OnState()
	}
}
