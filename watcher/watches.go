package watcher

import (
	"errors"
	"path/filepath"
	"slices"
	"sort"
	"syscall"
	"time"

	"flowdeck/watcher/coalesce"
)

// The watch budget (docs/design.md): the roots, flow folders and their _meta,
// and each run's folder and _meta are always watched; the rest of a run,
// and its card subtree, only while the run is wide (live, or finished
// less than Linger ago). A datastore of 1,000 finished runs thus needs about
// 2,000 watches, not one per task folder.

// want reports whether a folder at pl is watched.
func (w *Watcher) want(pl place) bool {
	if pl.lv.always() {
		return true
	}
	if pl.lv.inRun() {
		rw := w.runs[pl.run]
		return rw != nil && rw.wide
	}
	return false
}

// cover watches dir, or polls it when no watch fits (or in polling mode).
// It returns false when dir cannot be covered (gone, not a folder,
// unreadable).
func (w *Watcher) cover(dir string) bool {
	if w.watched[dir] || w.poll.has(dir) {
		return true
	}
	if w.be == nil {
		return w.pollDir(dir)
	}
	err := w.be.Add(dir)
	switch {
	case err == nil:
		w.watched[dir] = true
		return true
	case isLimit(err):
		// Retry in WatchRetry, not at the next poll: the limit was just
		// reached.
		w.limitErr, w.lastTry = err, time.Now()
		return w.pollDir(dir)
	}
	return false
}

// isLimit reports a watch that failed for want of resources, not because
// the folder is gone: inotify's watch limit (ENOSPC) or too many open
// files or instances (EMFILE).
func isLimit(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EMFILE)
}

// pollDir starts comparing dir every PollInterval, from a first snapshot.
func (w *Watcher) pollDir(dir string) bool {
	if w.poll.Add(dir) != nil {
		return false
	}
	w.signal(w.upkeepWake)
	return true
}

// addTree covers dir and every folder below it the budget allows. The
// watch is added before the folder is listed, so an entry made meanwhile
// is either listed or reported by the watch. With synth every entry found
// is queued as an event: a folder made with mkdir -p and a file renamed
// into it at once (docs/format.md §13) would otherwise be missed.
func (w *Watcher) addTree(dir string, synth bool, now time.Time) {
	pl := w.lay.place(dir)
	if (pl.lv == lvRun || pl.lv == lvCardRun) && w.runs[pl.run] == nil {
		if synth {
			// Found in a new folder: a new run, live until the index
			// says otherwise.
			w.markWide(pl.run, now)
		} else if pl.lv == lvRun {
			w.runs[pl.run] = &runWatch{}
		}
	}
	if !w.want(pl) {
		return
	}
	if !w.cover(dir) {
		return
	}
	if !synth {
		switch {
		case pl.lv.leaf():
			return
		case pl.lv == lvRun && !w.want(place{lvInRun, pl.run}):
			// A finished run: its _meta is all that is watched below it,
			// and finding it needs no listing.
			w.addTree(filepath.Join(dir, "_meta"), false, now)
			return
		}
	}
	ents, err := w.fs.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		if synth {
			w.queue.Add(p, coalesce.Create, now)
		}
		if e.IsDir() {
			w.addTree(p, synth, now)
		}
	}
}

// forget drops the watches and polls of p and everything below it (p was
// removed or moved away; a moved folder keeps its watch in the kernel).
func (w *Watcher) forget(p string) {
	if pl := w.lay.place(p); pl.lv == lvRun {
		delete(w.runs, pl.run)
		delete(w.wide, pl.run)
	}
	if !w.watched[p] && !w.poll.has(p) {
		// Folders are covered top-down: nothing below an uncovered folder
		// is covered.
		return
	}
	w.release(func(d string) bool { return within(d, p) })
}

// release removes the watches and polls of the folders drop selects.
func (w *Watcher) release(drop func(string) bool) {
	n := 0
	for d := range w.watched {
		if drop(d) {
			if w.be != nil {
				w.be.Remove(d) // already gone with its folder: not an error
			}
			delete(w.watched, d)
			n++
		}
	}
	for _, d := range w.poll.polled() {
		if drop(d) {
			w.poll.Remove(d)
		}
	}
	if n > 0 && w.poll.count() > 0 {
		w.retryNow = true
		w.signal(w.upkeepWake)
	}
}

// markWide records a run as watched in full, without adding watches.
func (w *Watcher) markWide(run string, now time.Time) {
	rw := w.runs[run]
	if rw == nil {
		rw = &runWatch{}
		w.runs[run] = rw
	}
	rw.wide, rw.last, rw.check = true, now, now.Add(w.opts.Linger)
	w.wide[run] = rw
}

// widen watches a run in full, then has the index read the run again once
// the watches are in place, for what changed while they were not.
func (w *Watcher) widen(run string, now time.Time) {
	if rw := w.runs[run]; rw != nil && rw.wide {
		return
	}
	w.markWide(run, now)
	ds, cards := w.lay.runDirs(run)
	w.addTree(ds, false, now)
	for _, c := range cards {
		w.addTree(c, false, now)
	}
	w.queue.Rescan(ds, now)
	for _, c := range cards {
		w.queue.Rescan(c, now)
	}
}

// narrow releases a finished run's watches but its run folder and _meta
// (tags can still change).
func (w *Watcher) narrow(run string) {
	rw := w.runs[run]
	if rw == nil || !rw.wide {
		return
	}
	rw.wide = false
	delete(w.wide, run)
	ds, cards := w.lay.runDirs(run)
	meta := filepath.Join(ds, "_meta")
	w.release(func(d string) bool {
		return (within(d, ds) && d != ds && d != meta) || slices.ContainsFunc(cards, func(c string) bool { return within(d, c) })
	})
}

// touch notes activity under a run, which keeps a finished run wide.
func (w *Watcher) touch(run string, now time.Time) {
	if rw := w.runs[run]; rw != nil && rw.wide {
		rw.last = now
	}
}

// resync walks the roots again and adds the watches that are missing
// (after an overflow, folders made meanwhile were never seen).
func (w *Watcher) resync(now time.Time) {
	for _, r := range w.roots {
		if r.present {
			w.addTree(r.path, false, now)
		}
	}
}

// sortedByDepth lists folders parents first.
func sortedByDepth(dirs []string) []string {
	sort.Slice(dirs, func(i, j int) bool {
		if len(dirs[i]) != len(dirs[j]) {
			return len(dirs[i]) < len(dirs[j])
		}
		return dirs[i] < dirs[j]
	})
	return dirs
}
