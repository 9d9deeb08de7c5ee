package watcher

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"time"

	"flowdeck/watcher/coalesce"
)

// Polling compares each polled folder's entries by mtime and size, never by
// inode: Metaflow before 2.19.20 rewrites files in place (same inode), and
// from 2.19.20 it renames a new file over the old one. Folders are compared
// for existence only; a folder that should be looked into is polled itself.

// stamp is what a poll remembers of an entry.
type stamp struct {
	mtime int64
	size  int64
	dir   bool
}

// dirSnap is a polled folder's entries at the last look.
type dirSnap struct {
	entries map[string]stamp
}

// snapshot lists dir. Entries that vanish between the listing and their
// stat are left out: the next look reports them if they come back.
func (w *Watcher) snapshot(dir string) (*dirSnap, error) {
	ents, err := w.fs.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	s := &dirSnap{entries: make(map[string]stamp, len(ents))}
	for _, e := range ents {
		if e.IsDir() {
			s.entries[e.Name()] = stamp{dir: true}
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		s.entries[e.Name()] = stamp{mtime: fi.ModTime().UnixNano(), size: fi.Size()}
	}
	return s, nil
}

// change is one difference between two looks at a folder.
type change struct {
	path string
	op   coalesce.Op
}

func diff(dir string, old, cur *dirSnap) []change {
	var out []change
	for name, st := range cur.entries {
		prev, ok := old.entries[name]
		p := filepath.Join(dir, name)
		switch {
		case !ok:
			out = append(out, change{p, coalesce.Create})
		case prev.dir != st.dir:
			out = append(out, change{p, coalesce.Remove}, change{p, coalesce.Create})
		case !st.dir && (prev.mtime != st.mtime || prev.size != st.size):
			out = append(out, change{p, coalesce.Write})
		}
	}
	for name := range old.entries {
		if _, ok := cur.entries[name]; !ok {
			out = append(out, change{filepath.Join(dir, name), coalesce.Remove})
		}
	}
	return out
}

// poller looks at polled folders every PollInterval, looks for missing
// roots that no anchor announces, and tries to turn polled folders back
// into watches. With nothing to poll it sleeps: while inotify works it
// touches nothing.
func (w *Watcher) poller(ctx context.Context) {
	defer w.workers.Done()
	var tick *time.Ticker
	var tc <-chan time.Time
	defer func() {
		if tick != nil {
			tick.Stop()
		}
	}()
	for {
		w.mu.Lock()
		active := len(w.polled) > 0 || len(w.missingRoots()) > 0
		w.mu.Unlock()
		switch {
		case active && tick == nil:
			tick = time.NewTicker(w.opts.PollInterval)
			tc = tick.C
		case !active && tick != nil:
			tick.Stop()
			tick, tc = nil, nil
		}
		select {
		case <-ctx.Done():
			return
		case <-w.pollWake:
			w.mu.Lock()
			retry := w.retryNow && w.be != nil
			w.mu.Unlock()
			if retry {
				w.retryWatches(time.Now())
			}
		case <-tc:
			w.pollOnce(ctx)
		}
	}
}

// pollOnce looks at every polled folder once. Folders are listed without
// the lock; their differences are handled under it, as events.
func (w *Watcher) pollOnce(ctx context.Context) {
	w.mu.Lock()
	for _, r := range w.roots {
		// Without inotify nothing announces a root replaced by another
		// folder of the same name: compare it on every look.
		if w.be == nil || (!r.present && !r.anchorOK) {
			w.checkRoot(r, time.Now())
		}
	}
	w.signal(w.wake) // a root that came back queued its rescan
	dirs := make([]string, 0, len(w.polled))
	snaps := make(map[string]*dirSnap, len(w.polled))
	for d, s := range w.polled {
		dirs = append(dirs, d)
		snaps[d] = s
	}
	w.mu.Unlock()
	for _, d := range sortedByDepth(dirs) {
		if ctx.Err() != nil {
			return
		}
		cur, err := w.snapshot(d)
		w.mu.Lock()
		if w.polled[d] == snaps[d] { // not released or replaced meanwhile
			now := time.Now()
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					delete(w.polled, d)
					w.handle(d, coalesce.Remove, now)
				}
			} else {
				w.polled[d] = cur
				for _, c := range diff(d, snaps[d], cur) {
					w.handle(c.path, c.op, now)
				}
			}
		}
		w.mu.Unlock()
		w.signal(w.wake)
	}
	w.mu.Lock()
	due := w.be != nil && len(w.polled) > 0 && time.Since(w.lastTry) >= w.opts.WatchRetry
	w.mu.Unlock()
	if due {
		w.retryWatches(time.Now())
	}
}

// retryWatches tries to watch polled folders again, parents first, until
// the limit bites again. A folder that gets its watch is compared once
// more, for what changed between its last poll and the watch.
func (w *Watcher) retryWatches(now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.retryNow = false
	w.lastTry = now
	if w.be == nil {
		return
	}
	dirs := make([]string, 0, len(w.polled))
	for d := range w.polled {
		dirs = append(dirs, d)
	}
	for _, d := range sortedByDepth(dirs) {
		old := w.polled[d]
		if old == nil {
			continue // released by an event handled below
		}
		err := w.be.Add(d)
		if isLimit(err) {
			w.limitErr = err
			break
		}
		delete(w.polled, d)
		if err != nil {
			w.handle(d, coalesce.Remove, now)
			continue
		}
		w.watched[d] = true
		if cur, err := w.snapshot(d); err == nil {
			for _, c := range diff(d, old, cur) {
				w.handle(c.path, c.op, now)
			}
		}
	}
	if len(w.polled) == 0 {
		w.limitErr = nil
	}
	w.signal(w.wake)
}
