package datastore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Options tunes an Index.
type Options struct {
	// FS is the file access; nil means the real filesystem.
	FS FS
	// StaleAfter is how long a run that looks running may stay quiet before
	// it is reported as unknown (its orchestrator may have been killed).
	// Default 30 minutes.
	StaleAfter time.Duration
	// Workers bounds how many runs are read at once. Default 8.
	Workers int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// GiveUpAfter is how long a file may stay incomplete (a writer caught
	// mid-write) before it is reported as broken. Default 5 s.
	GiveUpAfter time.Duration
}

// Index is an in-memory index of one datastore. Flows and run headers are
// read by Open; each run's steps, tasks and card listings are read lazily
// (Run, LoadAll) and kept current by Apply. Card HTML is never read to list
// anything; tokens are read on demand.
type Index struct {
	loc  Location
	fsys FS
	opts Options

	// listing holds the flows and their runs' states.
	listing *listing

	activity sync.Map // "flow/run" -> time.Time of the last change seen

	// incomplete tracks files caught mid-write, for GiveUpAfter.
	incomplete *incompleteFiles

	hookMu   sync.Mutex
	onLoaded func(flow, run string, live bool)

	// reader reads runs into snapshots; the Index holds them.
	reader *runReader
	// applier re-reads the parts of a loaded run that changed.
	applier *applier

	content *contentCache
	graphs  graphCache

	loaded atomic.Int64
}

type runState struct {
	flow, id string
	// mu serializes the writers of this run (loading, Apply); it is held
	// across this run's file reads only. Readers use snap.
	mu   sync.Mutex
	snap atomic.Pointer[runSnap]
}

// RunDetail is a run with its steps and tasks.
type RunDetail struct {
	Run
	EndStep string       `json:"end_step"`
	Steps   []StepDetail `json:"steps"`
}

// StepDetail is a step with its tasks.
type StepDetail struct {
	Step
	Tasks []Task `json:"tasks"`
}

// ErrUnknown is returned for flows, runs, steps, tasks and cards the index
// does not hold.
var ErrUnknown = errors.New("datastore: not found")

// Open lists the flows and run headers of a datastore. Runs are filled in
// by LoadAll or on demand.
func Open(ctx context.Context, loc Location, opts Options) (*Index, error) {
	if opts.FS == nil {
		opts.FS = OSFS{Roots: []string{loc.Root, loc.CardRoot}, More: &RootList{}}
	}
	if opts.StaleAfter <= 0 {
		opts.StaleAfter = 30 * time.Minute
	}
	if opts.Workers <= 0 {
		opts.Workers = 8
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.GiveUpAfter <= 0 {
		opts.GiveUpAfter = 5 * time.Second
	}
	ix := &Index{loc: loc, fsys: opts.FS, opts: opts, listing: newListing(),
		reader:  newRunReader(loc, opts.FS),
		content: newContentCache(32),
		graphs:  graphCache{m: map[string]graphEntry{}, info: map[string]*Graph{}}}
	ix.incomplete = newIncompleteFiles(opts.Now, opts.GiveUpAfter)
	ix.applier = &applier{rd: ix.reader, incomplete: ix.incomplete}
	fi, err := ix.fsys.Lstat(loc.Root)
	if err != nil {
		return nil, fmt.Errorf("datastore: open %s: %w", loc.Root, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("datastore: open %s: not a folder", loc.Root)
	}
	names, err := ix.reader.listFlows()
	if err != nil {
		return nil, fmt.Errorf("datastore: open %s: %w", loc.Root, err)
	}
	states := make([]*flowState, len(names))
	var wg sync.WaitGroup
	sem := make(chan struct{}, opts.Workers)
	for i, name := range names {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			states[i] = ix.reader.readFlow(name)
		}()
	}
	wg.Wait()
	for _, st := range states {
		if st != nil {
			ix.listing.flows[st.flow.Name] = st
		}
	}
	return ix, ctx.Err()
}

// Location is where the index reads from.
func (ix *Index) Location() Location { return ix.loc }

func (ix *Index) now() time.Time { return ix.opts.Now() }

// SetOnRunLoaded registers a function called after each run is first read,
// with whether it may still change. Watchers use it to widen watches.
func (ix *Index) SetOnRunLoaded(fn func(flow, run string, live bool)) {
	ix.hookMu.Lock()
	ix.onLoaded = fn
	ix.hookMu.Unlock()
}

// Flows lists the flows, sorted by name.
func (ix *Index) Flows() []Flow { return ix.listing.flowList() }

// Runs lists a flow's runs, newest first.
func (ix *Index) Runs(flow string) ([]Run, error) {
	states, err := ix.listing.runStates(flow)
	if err != nil {
		return nil, err
	}
	out := make([]Run, 0, len(states))
	for _, rs := range states {
		out = append(out, rs.snap.Load().run)
	}
	sortRuns(out)
	return out, nil
}

// sortRuns orders newest first: numeric ids as integers, the rest by the
// time in their _self.json.
func sortRuns(rs []Run) {
	sort.Slice(rs, func(i, j int) bool { return newerRun(rs[i], rs[j]) })
}

// newerRun is the run lists' order, and the only one: the UI shows runs in
// the order the API lists them. Runs with no start time yet (just created)
// come first, then the newest start, then the higher id.
func newerRun(a, b Run) bool {
	if a.Started.IsZero() != b.Started.IsZero() {
		return a.Started.IsZero()
	}
	if !a.Started.Equal(b.Started) {
		return a.Started.After(b.Started)
	}
	return !lessID(a.ID, b.ID)
}

// Counts of runs read so far and in all, for a progress indicator.
func (ix *Index) Progress() (done, total int) {
	ix.listing.eachRun(func(_ string, rs *runState) {
		total++
		if rs.snap.Load().loaded {
			done++
		}
	})
	return done, total
}

func (ix *Index) runState(flow, run string) (*runState, bool) { return ix.listing.runState(flow, run) }

// LoadAll reads every run not read yet, newest first, a few at a time.
func (ix *Index) LoadAll(ctx context.Context) error {
	return ix.LoadAllPaced(ctx, nil, nil)
}

// LoadAllPaced is LoadAll that starts reading when start is closed (nil:
// at once). The app holds it back while the first page boots (Pacer). Runs of the flow first names (if any, asked
// when reading starts) come first: the run list the page shows.
func (ix *Index) LoadAllPaced(ctx context.Context, start <-chan struct{}, first func() string) error {
	if start != nil {
		select {
		case <-start:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	var all []*runState
	ix.listing.eachRun(func(_ string, rs *runState) { all = append(all, rs) })
	preferred := ""
	if first != nil {
		preferred = first()
	}
	sort.Slice(all, func(i, j int) bool {
		if pi, pj := all[i].flow == preferred, all[j].flow == preferred; pi != pj {
			return pi
		}
		return newerRun(all[i].snap.Load().run, all[j].snap.Load().run)
	})
	return ix.loadEach(ctx, all)
}

// loadEach reads runs not read yet, in order, Options.Workers at a time.
func (ix *Index) loadEach(ctx context.Context, runs []*runState) error {
	work := make(chan *runState)
	var wg sync.WaitGroup
	for w := 0; w < min(ix.opts.Workers, len(runs)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rs := range work {
				ix.ensureLoaded(rs)
			}
		}()
	}
	defer func() { close(work); wg.Wait() }()
	for _, rs := range runs {
		select {
		case work <- rs:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// LoadNewest reads the newest n runs of flow not read yet, Options.Workers
// at a time: the rows a run list shows first, so they have their status
// without waiting for LoadAll.
func (ix *Index) LoadNewest(ctx context.Context, flow string, n int) error {
	states, err := ix.listing.runStates(flow)
	if err != nil {
		return err
	}
	sort.Slice(states, func(i, j int) bool { return newerRun(states[i].snap.Load().run, states[j].snap.Load().run) })
	// Once they are read (every later request), no reader is started.
	todo := slices.DeleteFunc(states[:min(n, len(states))], func(rs *runState) bool { return rs.snap.Load().loaded })
	return ix.loadEach(ctx, todo)
}

// ensureLoaded reads a run's tasks once.
func (ix *Index) ensureLoaded(rs *runState) *runSnap {
	if s := rs.snap.Load(); s.loaded {
		return s
	}
	rs.mu.Lock()
	s := rs.snap.Load()
	if s.loaded {
		rs.mu.Unlock()
		return s
	}
	header := s.run
	if h, err := readRunHeader(ix.fsys, ix.reader.runDir(rs.flow, rs.id), rs.flow, rs.id); err == nil || h.Err != "" {
		header = h
	}
	ns, retry := ix.loadRunSummary(rs.flow, rs.id, header)
	rs.snap.Store(ns)
	rs.mu.Unlock()
	ix.incomplete.note(retry)
	ix.hookMu.Lock()
	hook := ix.onLoaded
	ix.hookMu.Unlock()
	if hook != nil {
		hook(rs.flow, rs.id, ns.live())
	}
	return ns
}

// ensureDetailed reads every task of a run and lists its cards once. A
// run with no card is looked for in the subfolders' card roots each time
// it is opened (the search itself runs once per flow): a run the watcher
// read in full while it was written was never opened before.
func (ix *Index) ensureDetailed(rs *runState) *runSnap {
	s := ix.ensureLoaded(rs)
	if s.detailed && (snapHasCards(s) || ix.reader.runCardRoot(rs.flow, rs.id) != "") {
		return s
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	s = rs.snap.Load()
	var retry []string
	if !s.detailed {
		s, retry = ix.loadRun(rs.flow, rs.id, s.run)
	}
	if !snapHasCards(s) && ix.reader.locateCards(rs.flow, rs.id) != "" {
		// The cards are in a subfolder's card root (Metaflow before
		// 2.18.13 started there): read the run again with it.
		s, retry = ix.loadRun(rs.flow, rs.id, s.run)
	}
	if s != rs.snap.Load() {
		rs.snap.Store(s)
		ix.incomplete.note(retry)
	}
	return s
}

// Run returns a run with its steps and tasks, reading it first if needed,
// and the tokens of its cards.
func (ix *Index) Run(ctx context.Context, flow, run string) (RunDetail, error) {
	rs, ok := ix.runState(flow, run)
	if !ok {
		return RunDetail{}, fmt.Errorf("run %s/%s: %w", flow, run, ErrUnknown)
	}
	s := ix.ensureDetailed(rs)
	if !s.tokensResolved {
		s = ix.resolveRunTokens(rs)
	}
	d := RunDetail{Run: s.run, EndStep: s.endStep, Steps: make([]StepDetail, 0, len(s.steps))}
	for _, st := range s.steps {
		sd := StepDetail{Step: st.step, Tasks: make([]Task, 0, len(st.tasks))}
		for _, t := range st.tasks {
			sd.Tasks = append(sd.Tasks, s.effectiveTask(t))
		}
		d.Steps = append(d.Steps, sd)
	}
	return d, ctx.Err()
}

// resolveRunTokens reads the tokens of every card of a run once (the head
// of each HTML file and each data JSON).
func (ix *Index) resolveRunTokens(rs *runState) *runSnap {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	old := rs.snap.Load()
	if old.tokensResolved {
		return old
	}
	ns := *old
	ns.steps = make([]*stepSnap, len(old.steps))
	var retry []string
	for i, st := range old.steps {
		nst := &stepSnap{step: st.step, tasks: make([]*Task, len(st.tasks))}
		for j, t := range st.tasks {
			nst.tasks[j] = t
			if !cardsNeedResolve(t.Cards) {
				continue
			}
			nt := *t
			nt.Cards = append([]Card(nil), t.Cards...)
			for k := range nt.Cards {
				retry = append(retry, ix.reader.resolveCard(&nt.Cards[k])...)
			}
			nst.tasks[j] = &nt
		}
		ns.steps[i] = nst
	}
	ns.tokensResolved = true
	rs.snap.Store(&ns)
	ix.incomplete.note(retry)
	return &ns
}

func cardsNeedResolve(cs []Card) bool {
	for _, c := range cs {
		if !c.TokenKnown || (c.Data != nil && !c.Data.resolved) {
			return true
		}
	}
	return false
}

// Task returns one task with all its attempts and cards.
func (ix *Index) Task(ctx context.Context, flow, run, step, task string) (Task, error) {
	d, err := ix.Run(ctx, flow, run)
	if err != nil {
		return Task{}, err
	}
	for _, st := range d.Steps {
		if st.Name != step {
			continue
		}
		for _, t := range st.Tasks {
			if t.ID == task {
				return t, nil
			}
		}
	}
	return Task{}, fmt.Errorf("task %s/%s/%s/%s: %w", flow, run, step, task, ErrUnknown)
}

// Card finds a card by key. Its tokens are read if they were not yet.
func (ix *Index) Card(ctx context.Context, key string) (Card, error) {
	ref, ok := parseCardKey(key)
	if !ok {
		return Card{}, fmt.Errorf("card %q: %w", key, ErrUnknown)
	}
	rs, ok := ix.runState(ref.flow, ref.run)
	if !ok {
		return Card{}, fmt.Errorf("card %q: %w", key, ErrUnknown)
	}
	s := ix.ensureDetailed(rs)
	if c, ok := findCard(s, ref, key); ok {
		if !c.TokenKnown || (c.Data != nil && !c.Data.resolved) {
			s = ix.resolveRunTokens(rs)
			c, _ = findCard(s, ref, key)
		}
		return c, ctx.Err()
	}
	return Card{}, fmt.Errorf("card %q: %w", key, ErrUnknown)
}

func findCard(s *runSnap, ref cardRef, key string) (Card, bool) {
	st := s.step(ref.step)
	if st == nil {
		return Card{}, false
	}
	t, _ := st.task(ref.task)
	if t == nil {
		return Card{}, false
	}
	for _, c := range t.Cards {
		if c.Key == key {
			return c, true
		}
	}
	return Card{}, false
}

// RunLive reports whether a run has been read and may still change.
func (ix *Index) RunLive(flow, run string) bool {
	rs, ok := ix.runState(flow, run)
	if !ok {
		return false
	}
	s := rs.snap.Load()
	return s.loaded && s.live()
}

// LiveRuns lists "flow/run" of every read run that may still change.
func (ix *Index) LiveRuns() []string {
	var out []string
	ix.listing.eachRun(func(flow string, rs *runState) {
		if s := rs.snap.Load(); s.loaded && s.live() {
			out = append(out, flow+"/"+rs.id)
		}
	})
	sort.Strings(out)
	return out
}

// Tick re-evaluates the time rule (running -> unknown after StaleAfter of
// quiet) without touching the disk, and reports runs whose status changed.
func (ix *Index) Tick() []Change {
	var all []*runState
	ix.listing.eachRun(func(_ string, rs *runState) {
		if s := rs.snap.Load(); s.loaded && s.live() {
			all = append(all, rs)
		}
	})
	var out []Change
	for _, rs := range all {
		rs.mu.Lock()
		old := rs.snap.Load()
		ns := cloneSnap(old)
		ix.derive(ns)
		if ns.run.Status != old.run.Status {
			rs.snap.Store(ns)
			out = append(out, Change{Kind: RunChanged, Flow: rs.flow, Run: rs.id, Status: ns.run.Status, OldStatus: old.run.Status})
		}
		rs.mu.Unlock()
	}
	return out
}

// cloneSnap copies a snapshot deep enough that derive can rewrite step and
// run fields; tasks are shared (they are never modified in place).
func cloneSnap(s *runSnap) *runSnap {
	ns := *s
	ns.steps = make([]*stepSnap, len(s.steps))
	for i, st := range s.steps {
		c := *st
		c.tasks = append([]*Task(nil), st.tasks...)
		ns.steps[i] = &c
	}
	return &ns
}

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
