// Package s3poll keeps a datastore.Index over S3 current by polling with a
// request budget, as inotify cannot watch a bucket:
//
//   - every live run (a run the index holds as not finished) has its card
//     prefix listed every LiveInterval and its run prefix (the task files)
//     every TaskInterval, with one ListTree request each however many
//     tasks it has; objects whose size, LastModified or ETag changed are
//     handed to Index.Apply. Live card data is what a user watches, so it
//     gets the fast poll; a task's status can wait a second more;
//   - a run that stopped being live is listed for Linger more (and at
//     least three rounds), for the final cards and N.runtime written after
//     its last DONE;
//   - flows and their run lists are listed every RunsInterval, for new
//     flows and runs, and every RunsLiveInterval while live runs are being
//     polled, so that one live run with 10 tasks costs 60 + 30 + 2 × (1 +
//     flows) requests a minute, well under 120 with the GETs of what
//     changed (TestBudgetLiveRun);
//   - finished runs are never listed again (they are immutable).
//
// With a Budget (--s3-budget, enforced on every request by the s3fs
// client), the poller paces itself so that its lists take at most three
// quarters of the budget, leaving the rest for the GETs of what changed:
// a tight budget stretches the rounds instead of queueing requests behind
// the cap. Since a round lists whole prefixes, a later round still sees the
// final state (TestBudgetSlowsPolling).
package s3poll

import (
	"context"
	"errors"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"flowdeck/datastore"
	"flowdeck/datastore/s3fs"
)

// Options configure a Poller; zero values take the defaults in brackets.
type Options struct {
	LiveInterval     time.Duration // [1 s] live runs' card prefixes
	TaskInterval     time.Duration // [2 s] live runs' run prefixes
	RunsInterval     time.Duration // [10 s] flow and run lists
	RunsLiveInterval time.Duration // [30 s] flow and run lists while runs are live
	Linger           time.Duration // [30 s]
	// Budget is the client's request budget: the poller spaces its rounds
	// to stay within three quarters of it. Nil: no cap.
	Budget *s3fs.Budget
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
	tasksAt map[string]time.Time        // live run -> when its run prefix was last listed
	lingers map[string]*linger          // run -> since it stopped being live
	retry   []string
	round   map[string][]s3fs.Object // this round's listings, for FS.Prime
	tasks   map[string][]s3fs.Object // live run -> its run prefix's last listing
	pace    *rate.Limiter            // the poller's share of the budget; nil: none
	final   map[string]bool          // runs handed to OnFinal

	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

type linger struct {
	since  time.Time
	rounds int
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
	if opts.TaskInterval <= 0 {
		opts.TaskInterval = 2 * opts.LiveInterval
	}
	if opts.RunsInterval <= 0 {
		opts.RunsInterval = 10 * time.Second
	}
	if opts.RunsLiveInterval <= 0 {
		opts.RunsLiveInterval = 3 * opts.RunsInterval
	}
	if opts.Linger <= 0 {
		opts.Linger = 30 * time.Second
	}
	p := &Poller{ix: ix, fs: fsys, opts: opts, ch: make(chan []datastore.Change, 64),
		snaps: map[string]map[string]stamp{}, tasksAt: map[string]time.Time{}, tasks: map[string][]s3fs.Object{}, lingers: map[string]*linger{},
		final: map[string]bool{}, done: make(chan struct{})}
	if n := opts.Budget.PerMinute(); n > 0 {
		// A burst of a few rounds, then the lists at 3/4 of the budget.
		p.pace = rate.NewLimiter(rate.Limit(0.75*float64(n)/60), max(4, n/20))
	}
	return p
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
	p.reportFinal()
	live := time.NewTimer(p.next(p.opts.LiveInterval, p.pollLive(ctx))) // the first snapshots
	defer live.Stop()
	runs := time.NewTimer(p.opts.RunsInterval)
	defer runs.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-live.C:
			n := p.pollLive(ctx)
			p.reportFinal()
			live.Reset(p.next(p.opts.LiveInterval, n))
		case <-runs.C:
			n := p.pollRuns(ctx)
			every := p.opts.RunsInterval
			if p.State().LiveRuns > 0 {
				every = p.opts.RunsLiveInterval
			}
			runs.Reset(p.next(every, n))
		}
	}
}

// next is the wait before the next round of a poll that just sent n
// requests: its interval, or longer when the budget's share needs it.
func (p *Poller) next(every time.Duration, n int) time.Duration {
	if p.pace == nil || n == 0 {
		return every
	}
	r := p.pace.ReserveN(time.Now(), min(n, p.pace.Burst()))
	if !r.OK() {
		return every
	}
	return max(every, r.Delay())
}

// pollLive lists every live or lingering run, applies what changed, and
// returns the number of lists sent.
func (p *Poller) pollLive(ctx context.Context) int {
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
			l, ok := p.lingers[r]
			if !ok {
				l = &linger{since: now}
				p.lingers[r] = l
			}
			// Rounds, not only time: under a tight budget a run still
			// gets its last looks.
			if l.rounds < 3 || now.Sub(l.since) < p.opts.Linger {
				l.rounds++
				runs = append(runs, r)
			} else {
				delete(p.lingers, r)
				delete(p.snaps, r) // finished: never listed again
				delete(p.tasksAt, r)
				delete(p.tasks, r)
			}
		}
	}
	paths := p.retry
	p.retry = nil
	p.round = map[string][]s3fs.Object{}
	p.mu.Unlock()
	sort.Strings(runs)

	var errs []error
	sent := 0
	for _, r := range runs {
		if ctx.Err() != nil {
			return sent
		}
		changed, n, err := p.listRun(r, now)
		sent += n
		if err != nil {
			errs = append(errs, err)
			continue
		}
		paths = append(paths, changed...)
	}
	// The index re-reads what changed: its listings below the prefixes
	// just listed come from those lists, not from more requests.
	p.mu.Lock()
	p.fs.Prime(p.round)
	p.mu.Unlock()
	p.apply(ctx, paths)
	p.fs.Forget()
	p.setState(len(runs), errors.Join(errs...))
	return sent
}

// listRun lists a run's card prefix, and its run prefix when TaskInterval
// has passed, and returns the paths that changed since the last look
// (none on the first) and the number of lists sent.
func (p *Poller) listRun(run string, now time.Time) ([]string, int, error) {
	flow, id, _ := strings.Cut(run, "/")
	loc := p.ix.Location()
	dirs := []string{filepath.Join(loc.CardRoot, flow, "runs", id)}
	runDir := filepath.Join(loc.Root, flow, id)
	p.mu.Lock()
	old, seen := p.snaps[run]
	// Half a live interval of slack, so that a 2 s TaskInterval is every
	// second round, not every third.
	if !seen || now.Sub(p.tasksAt[run]) >= p.opts.TaskInterval-p.opts.LiveInterval/2 {
		dirs = append(dirs, runDir)
		p.tasksAt[run] = now
	}
	p.mu.Unlock()
	cur := map[string]stamp{}
	sent := 0
	for _, dir := range dirs {
		objs, err := p.fs.ListTree(dir)
		sent++
		if err != nil {
			return nil, sent, err
		}
		for _, o := range objs {
			cur[o.Path] = stamp{size: o.Size, mod: o.ModTime, etag: o.ETag}
		}
		p.mu.Lock()
		p.round[dir] = objs
		if dir == runDir {
			p.tasks[run] = objs
		}
		p.mu.Unlock()
	}
	if len(dirs) == 1 {
		// The run prefix was not listed: the index, re-reading the run
		// for a card change, sees its listing of the last round (at most
		// TaskInterval old) instead of sending a HEAD and lists.
		p.mu.Lock()
		if objs, ok := p.tasks[run]; ok {
			p.round[runDir] = objs
		}
		p.mu.Unlock()
	}
	under := func(k string) bool {
		for _, d := range dirs {
			if strings.HasPrefix(k, d+"/") {
				return true
			}
		}
		return false
	}
	var changed []string
	next := make(map[string]stamp, len(old)+len(cur))
	for k, st := range old {
		if !under(k) {
			next[k] = st // a prefix not listed this round
		} else if _, ok := cur[k]; !ok {
			changed = append(changed, k)
		}
	}
	for k, st := range cur {
		next[k] = st
		if prev, ok := old[k]; !ok || prev != st {
			changed = append(changed, k)
		}
	}
	p.mu.Lock()
	p.snaps[run] = next
	p.mu.Unlock()
	if !seen {
		return nil, sent, nil
	}
	return changed, sent, nil
}

// pollRuns lists the flows and their runs, hands new ones to the index,
// and returns the number of lists sent.
func (p *Poller) pollRuns(ctx context.Context) int {
	loc := p.ix.Location()
	ents, err := p.fs.ReadDir(loc.Root)
	sent := 1
	if err != nil {
		p.setState(-1, err)
		return sent
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
		if ctx.Err() != nil {
			return sent
		}
		runs, err := p.fs.ReadDir(dir)
		sent++
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
	return sent
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
