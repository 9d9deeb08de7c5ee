package watcher

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"flowdeck/watcher/coalesce"
)

// rootWatch follows a root folder itself: the datastore root (main), or a
// card root kept outside it. A root can be deleted, moved away or replaced
// by another folder of the same name while Flowdeck runs. Its parent (the
// anchor) is watched too, so its return is seen at once; when the anchor
// cannot be watched, a missing root is looked for every PollInterval.
type rootWatch struct {
	path     string
	main     bool
	present  bool
	info     fs.FileInfo // to tell a replaced folder from the same one
	anchorOK bool
}

func (r *rootWatch) anchor() string {
	a := filepath.Dir(r.path)
	if a == r.path {
		return ""
	}
	return a
}

// initRoot watches a root's anchor, then the root's tree.
func (w *Watcher) initRoot(r *rootWatch, now time.Time) {
	if a := r.anchor(); a != "" && w.be != nil {
		switch {
		case w.watched[a] || w.anchors[a]:
			r.anchorOK = true
		case w.be.Add(a) == nil:
			w.anchors[a] = true
			r.anchorOK = true
		}
	}
	fi, err := w.fs.Lstat(r.path)
	if err != nil || !fi.IsDir() {
		return
	}
	r.present, r.info = true, fi
	w.addTree(r.path, false, now)
}

// rootEvent handles events on a root or its anchor; it reports whether
// the event was one.
func (w *Watcher) rootEvent(p string, op coalesce.Op, now time.Time) bool {
	for _, r := range w.roots {
		switch {
		case p == r.path:
			if op&(coalesce.Create|coalesce.Remove|coalesce.Rename) != 0 {
				w.checkRoot(r, now)
			}
			return true
		case p == r.anchor() && w.anchors[p] && op&(coalesce.Remove|coalesce.Rename) != 0:
			// The anchor itself went away, and its watch with it; a root
			// moved along with it sends no event of its own.
			delete(w.anchors, p)
			for _, o := range w.roots {
				if o.anchor() == p {
					o.anchorOK = false
					w.checkRoot(o, now)
				}
			}
			w.signal(w.upkeepWake)
			return true
		}
	}
	return false
}

// checkRoot compares a root with what was last seen: gone, back, or
// replaced by another folder. A root that comes back is walked again and
// read again as a whole.
func (w *Watcher) checkRoot(r *rootWatch, now time.Time) {
	fi, err := w.fs.Lstat(r.path)
	present := err == nil && fi.IsDir()
	switch {
	case !present && r.present:
		r.present, r.info = false, nil
		w.dropRoot(r)
		if !r.main {
			w.queue.Rescan(r.path, now) // its cards are gone
		}
		w.signal(w.upkeepWake)
	case present && (!r.present || !os.SameFile(fi, r.info)):
		if r.present {
			w.dropRoot(r) // replaced: the old watches follow the old folder
		}
		r.present, r.info = true, fi
		// As at Start, the runs the index knows as live are watched in
		// full before the walk: the folder events that would mark them
		// wide came while nothing watched the root (or never came: a
		// folder put back by a rename), and the rescan below reports only
		// runs that newly became live.
		for _, run := range w.ix.LiveRuns() {
			w.markWide(run, now)
		}
		w.addTree(r.path, false, now)
		w.queue.Rescan(r.path, now)
	}
}

// dropRoot releases every watch and poll of a root's tree. Which runs are
// wide is kept: when the root comes back they are watched in full again.
func (w *Watcher) dropRoot(r *rootWatch) {
	w.release(func(d string) bool { return within(d, r.path) })
	for k := range w.retries {
		if within(k, r.path) {
			delete(w.retries, k)
		}
	}
}

// missingRoots lists the roots to look for by polling: missing, with no
// anchor watch to announce their return.
func (w *Watcher) missingRoots() []*rootWatch {
	var out []*rootWatch
	for _, r := range w.roots {
		if !r.present && !r.anchorOK {
			out = append(out, r)
		}
	}
	return out
}

// rootGoneMessage is the State error while the datastore root is missing.
func rootGoneMessage(root string) string {
	return fmt.Sprintf("the datastore folder %s is gone (deleted or moved); Flowdeck keeps showing what it read and picks up again when the folder is back", root)
}
