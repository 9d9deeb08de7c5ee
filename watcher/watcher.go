package watcher

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"flowdeck/datastore"
	"flowdeck/watcher/coalesce"
)

// Watcher keeps a datastore index current: it turns filesystem changes
// under the datastore and card roots into batches for Target.Apply and
// sends the typed changes that come back on Changes.
//
// Its state is grouped by job below; mu guards all of it but the hooks and
// the lifecycle's sync primitives.
type Watcher struct {
	ix   Target
	opts Options
	lay  layout
	fs   FS

	out        chan []datastore.Change
	wake       chan struct{} // the apply loop has something to look at
	upkeepWake chan struct{} // the set of polled folders or missing roots changed

	mu sync.Mutex
	lifecycle
	coverage
	// Which runs are watched narrowly or in full (watches.go).
	runs  map[string]*runWatch
	wide  map[string]*runWatch // the runs watched in full
	roots []*rootWatch
	batching
	hooks runHooks
}

// lifecycle is Start, Close and the goroutines between them.
type lifecycle struct {
	started   bool
	closed    bool
	cancel    context.CancelFunc
	workers   sync.WaitGroup
	done      chan struct{} // closed once everything has stopped
	closeOnce sync.Once
	closeErr  error
}

// coverage is how folders are covered: watched through the event backend,
// or polled (watches.go).
type coverage struct {
	be       Backend         // nil in polling mode
	poll     *pollBackend    // the folders no watch covers (all of them in polling mode)
	startErr string          // why inotify could not start (then everything is polled)
	watched  map[string]bool // folders with a watch
	anchors  map[string]bool // parents of the roots, watched to see them come and go
	limitErr error           // the last watch-limit error, while folders are polled for it
	retryNow bool            // watches were released: polled folders may get one
	lastTry  time.Time
}

// batching is what waits to go to the index, and what was reported.
type batching struct {
	queue    *coalesce.Coalescer
	retries  map[string]time.Time // half-written files -> when to read them again
	reported State
	stats    stats
}

// runHooks are the index's run-loaded calls, kept for the loop (they must
// not wait for mu).
type runHooks struct {
	mu        sync.Mutex
	pending   []runLoaded
	cardRoots []string // found in subfolders, to watch (onCardRoot)
}

// stats are counters for tests and diagnostics.
type stats struct {
	rescans int // batches that re-read whole folders
}

// runWatch is how a run is watched: its run folder and _meta only
// (narrow), or its whole subtree and card subtree (wide).
type runWatch struct {
	wide bool
	// last is the time of the last event under the run; check is when the
	// loop next asks the index whether a wide run may be narrowed.
	last, check time.Time
}

type runLoaded struct {
	run  string
	live bool
}

// New makes a Watcher for an index. Nothing is watched until Start.
func New(ix Target, opts Options) (*Watcher, error) {
	opts.setDefaults()
	if opts.Mode != Inotify && opts.Mode != Polling {
		return nil, fmt.Errorf("%w: %q", ErrMode, opts.Mode)
	}
	loc := ix.Location()
	if loc.Root == "" {
		return nil, fmt.Errorf("watcher: index has no root")
	}
	if loc.CardRoot == "" {
		loc.CardRoot = filepath.Join(loc.Root, "mf.cards")
	}
	lay := newLayout(loc.Root, loc.CardRoot)
	w := &Watcher{
		ix: ix, opts: opts, lay: lay, fs: opts.FS,
		out:        make(chan []datastore.Change, 64),
		wake:       make(chan struct{}, 1),
		upkeepWake: make(chan struct{}, 1),
		lifecycle:  lifecycle{done: make(chan struct{})},
		coverage: coverage{
			poll:    newPollBackend(opts.FS, opts.PollInterval),
			watched: map[string]bool{},
			anchors: map[string]bool{},
		},
		runs:     map[string]*runWatch{},
		wide:     map[string]*runWatch{},
		batching: batching{retries: map[string]time.Time{}},
	}
	roots := []string{lay.root}
	w.roots = []*rootWatch{{path: lay.root, main: true}}
	if !within(lay.cardRoot, lay.root) {
		w.roots = append(w.roots, &rootWatch{path: lay.cardRoot})
		roots = append(roots, lay.cardRoot)
	}
	w.queue = coalesce.New(coalesce.Config{Quiet: opts.Quiet, MaxDelay: opts.MaxDelay, MaxPending: opts.MaxPending, Roots: roots})
	if opts.Mode == Inotify {
		w.be = opts.Backend
	} else if opts.Backend != nil {
		opts.Backend.Close()
	}
	return w, nil
}

// Start adds the watches (or takes the first snapshots when polling) and
// starts the goroutines. When it returns, every change made afterwards
// will be seen. Everything stops when ctx is cancelled or Close is called.
func (w *Watcher) Start(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case w.closed:
		return ErrClosed
	case w.started:
		return ErrStarted
	}
	w.started = true
	if w.opts.Mode == Inotify && w.be == nil {
		be, err := newFsnotify()
		if err != nil {
			w.startErr = startMessage(err, w.opts.PollInterval)
		} else {
			w.be = be
		}
	}
	ctx, w.cancel = context.WithCancel(ctx)
	w.ix.SetOnRunLoaded(w.onRunLoaded)
	w.ix.SetOnCardRoot(w.onCardRoot)
	now := time.Now()
	for _, r := range w.ix.CardRoots() {
		w.noteCardRoot(r)
	}
	live := w.ix.LiveRuns()
	for _, run := range live {
		w.markWide(run, now)
	}
	for _, r := range w.roots {
		w.initRoot(r, now)
	}
	// The index read these runs before their watches existed: read them
	// once more so nothing written in between is missed.
	for _, run := range live {
		ds, cards := w.lay.runDirs(run)
		w.queue.Rescan(ds, now)
		for _, c := range cards {
			w.queue.Rescan(c, now)
		}
	}
	w.workers.Add(4)
	if w.be != nil {
		w.workers.Add(1)
		go w.intake(ctx, w.be)
	}
	go w.intake(ctx, w.poll)
	go func() {
		defer w.workers.Done()
		w.poll.run(ctx)
	}()
	go w.loop(ctx)
	go w.upkeep(ctx)
	go func() {
		<-ctx.Done()
		w.workers.Wait()
		w.shutdown()
	}()
	w.signal(w.wake)
	return nil
}

// shutdown releases what the goroutines used, once they have all stopped.
func (w *Watcher) shutdown() {
	w.ix.SetOnRunLoaded(nil)
	w.ix.SetOnCardRoot(nil)
	w.mu.Lock()
	be := w.be
	w.mu.Unlock()
	if be != nil {
		if err := be.Close(); err != nil {
			w.closeErr = fmt.Errorf("watcher: close: %w", err)
		}
	}
	w.poll.Close()
	close(w.out)
	close(w.done)
}

// Changes delivers the typed changes, batch by batch, in order. It is
// closed when the watcher stops.
func (w *Watcher) Changes() <-chan []datastore.Change { return w.out }

// State reports how watching goes.
func (w *Watcher) State() State {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stateLocked()
}

// Close stops every goroutine and releases every watch. It is idempotent
// and returns once nothing of the watcher runs any more.
func (w *Watcher) Close() error {
	w.closeOnce.Do(func() {
		w.mu.Lock()
		w.closed = true
		started, cancel := w.started, w.cancel
		w.mu.Unlock()
		if !started {
			w.shutdown()
			return
		}
		cancel()
	})
	<-w.done
	return w.closeErr
}

// onRunLoaded is the index's hook: a run was read for the first time
// (runs load lazily, in the background). It must not block.
func (w *Watcher) onRunLoaded(flow, run string, live bool) {
	w.hooks.mu.Lock()
	w.hooks.pending = append(w.hooks.pending, runLoaded{flow + "/" + run, live})
	w.hooks.mu.Unlock()
	w.signal(w.wake)
}

// onCardRoot is the index's hook: a card root was found in a subfolder.
// It must not block; the loop adds the root (addCardRoot).
func (w *Watcher) onCardRoot(root string) {
	w.hooks.mu.Lock()
	w.hooks.cardRoots = append(w.hooks.cardRoots, root)
	w.hooks.mu.Unlock()
	w.signal(w.wake)
}

// noteCardRoot adds a card root found in a subfolder to the layout, the
// roots and the coalescer's roots, and reports whether it was new. A root
// inside the datastore or the same as the main card root is not one.
// w.mu held.
func (w *Watcher) noteCardRoot(root string) (*rootWatch, bool) {
	root = filepath.Clean(root)
	if root == w.lay.cardRoot || within(root, w.lay.root) || slices.Contains(w.lay.extra, root) {
		return nil, false
	}
	w.lay.extra = append(w.lay.extra, root)
	r := &rootWatch{path: root}
	w.roots = append(w.roots, r)
	w.queue.AddRoot(root)
	return r, true
}

// addCardRoot starts watching a card root found in a subfolder while
// running: its skeleton, and the card folders of the runs watched in
// full, which are read again for what was written before the watches.
// w.mu held.
func (w *Watcher) addCardRoot(root string, now time.Time) {
	r, ok := w.noteCardRoot(root)
	if !ok {
		return
	}
	w.initRoot(r, now)
	for run := range w.wide {
		w.queue.Rescan(cardRunDir(r.path, run), now)
	}
}

func (w *Watcher) signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
