package watcher

import (
	"context"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"

	"flowdeck/watcher/coalesce"
)

// intake reads the backend's events and errors until ctx is done. Event
// hygiene and new folders are handled here, at once; coalescing and the
// index are the loop's business.
func (w *Watcher) intake(ctx context.Context, be Backend) {
	defer w.workers.Done()
	events, errs := be.Events(), be.Errors()
	for events != nil || errs != nil {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			w.mu.Lock()
			w.handle(ev.Name, opOf(ev.Op), time.Now())
			w.mu.Unlock()
			w.signal(w.wake)
		case _, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			// fsnotify.ErrEventOverflow, or a read error: either way
			// events may have been lost.
			w.mu.Lock()
			w.lost(time.Now())
			w.mu.Unlock()
			w.signal(w.wake)
		}
	}
}

// lost handles events that may have been lost (the kernel queue overflowed,
// or the backend failed): watches are added for folders made meanwhile,
// then the roots are read again as a whole, so there is no silent gap.
func (w *Watcher) lost(now time.Time) {
	w.resync(now)
	for _, r := range w.roots {
		if r.present {
			w.queue.Rescan(r.path, now)
		}
	}
}

func opOf(op fsnotify.Op) coalesce.Op {
	var o coalesce.Op
	if op.Has(fsnotify.Create) {
		o |= coalesce.Create
	}
	if op.Has(fsnotify.Write) {
		o |= coalesce.Write
	}
	if op.Has(fsnotify.Remove) {
		o |= coalesce.Remove
	}
	if op.Has(fsnotify.Rename) {
		o |= coalesce.Rename
	}
	if op.Has(fsnotify.Chmod) {
		o |= coalesce.Chmod
	}
	return o
}

// handle takes one event, from the backend or from a poll. Called with
// w.mu held.
func (w *Watcher) handle(p string, op coalesce.Op, now time.Time) {
	p = filepath.Clean(p)
	if w.rootEvent(p, op, now) {
		return
	}
	if coalesce.Noise(p, op) {
		return
	}
	pl := w.lay.place(p)
	if pl.lv == lvOutside {
		return // a sibling of a root, seen through its anchor
	}
	if pl.run != "" {
		w.touch(pl.run, now)
	}
	if op&(coalesce.Remove|coalesce.Rename) != 0 {
		w.forget(p)
		switch pl.lv {
		case lvCardRoot, lvCardFlow, lvCardRuns:
			// The index reads card folders per run: a whole card tree
			// (or a flow's) moved away is one event here and must be
			// read again as a whole.
			w.queue.Rescan(p, now)
			return
		}
	}
	if op&coalesce.Create != 0 {
		if fi, err := w.fs.Lstat(p); err == nil && fi.IsDir() {
			w.newDir(p, pl, now)
		}
	}
	w.queue.Add(p, op, now)
}

// newDir handles a folder that appeared (made, or moved in).
func (w *Watcher) newDir(p string, pl place, now time.Time) {
	switch {
	case pl.lv == lvRun || pl.lv == lvCardRun:
		rw := w.runs[pl.run]
		switch {
		case rw == nil:
			// A new run: watch it in full until the index says it is done.
			w.markWide(pl.run, now)
		case !rw.wide:
			// Cards appear for a run watched narrowly: it is alive again.
			w.widen(pl.run, now)
			return
		}
	case pl.lv.inRun() && !w.want(pl):
		// Something writes inside a run watched narrowly (its run folder
		// saw the new folder): watch it in full, read it again.
		w.widen(pl.run, now)
		return
	}
	w.addTree(p, true, now)
}
