package datastore

import (
	"context"
	"flowdeck/wire"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Bounds of the search for card roots in subfolders: the folders a
// project keeps its flows in are near the top, and a big tree (a home
// folder) must not be walked.
const (
	maxCardSearchDepth = 3
	maxCardSearchDirs  = 2000
)

// CardSearch is the outcome of looking for a flow's cards (wire.CardSearch).
type CardSearch = wire.CardSearch

type cardRootCache struct {
	mu    sync.Mutex
	flows map[string]*flowCardSearch
	// runs maps "flow/run" to the card root its cards were found in.
	runs map[string]string
	// extra lists every card root found below the datastore's parent, in
	// the order found. Changes under them are applied like the main card
	// root's, and the watcher watches them (SetOnCardRoot), so a run that
	// writes its cards there while Flowdeck shows it updates live.
	extra   []string
	onFound func(root string)
}

type flowCardSearch struct {
	once sync.Once
	res  CardSearch
}

// SearchCardRoots looks for <dir>/.metaflow/mf.cards/<flow> in base and the
// folders below it, at most maxCardSearchDepth levels down and
// maxCardSearchDirs folders in all, breadth first, skipping node_modules,
// .git and other hidden folders, never following symlinks. exclude (the
// main card root) is left out of the result.
func SearchCardRoots(ctx context.Context, fsys FS, base, flow, exclude string) CardSearch {
	res := CardSearch{Base: base, Roots: []string{}}
	level := []string{base}
	for depth := 0; depth <= maxCardSearchDepth && len(level) > 0; depth++ {
		var next []string
		for _, dir := range level {
			if ctx.Err() != nil {
				return res
			}
			if res.Dirs == maxCardSearchDirs {
				res.Capped = true
				return res
			}
			res.Dirs++
			root := filepath.Join(dir, dirName, cardDirName)
			if root != exclude {
				if fi, err := fsys.Lstat(filepath.Join(root, flow)); err == nil && fi.IsDir() {
					res.Roots = append(res.Roots, root)
				}
			}
			if depth == maxCardSearchDepth {
				continue
			}
			ents, err := fsys.ReadDir(dir)
			if err != nil {
				continue
			}
			// In name order, so which folders fit in the bound does not
			// depend on the file system's listing order.
			sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
			for _, e := range ents {
				name := e.Name()
				if !e.IsDir() || name == "node_modules" || strings.HasPrefix(name, ".") {
					continue
				}
				next = append(next, filepath.Join(dir, name))
			}
		}
		level = next
	}
	return res
}

// flowCardSearch runs SearchCardRoots once per flow and keeps the result.
func (rd *runReader) flowCardSearch(flow string) CardSearch {
	rd.cardRoots.mu.Lock()
	fs, ok := rd.cardRoots.flows[flow]
	if !ok {
		fs = &flowCardSearch{}
		rd.cardRoots.flows[flow] = fs
	}
	rd.cardRoots.mu.Unlock()
	fs.once.Do(func() {
		base := filepath.Dir(rd.loc.Root)
		search := rd.fsys
		osfs, isOS := rd.fsys.(OSFS)
		if isOS && len(osfs.Roots) > 0 {
			// The walk starts above the datastore, so it gets a root of its
			// own: it follows no link below the datastore's parent either.
			search = OSFS{Roots: []string{base}}
		}
		fs.res = SearchCardRoots(context.Background(), search, base, flow, rd.loc.CardRoot)
		if isOS && osfs.More != nil {
			// The card roots found are read like the main one: no link
			// below them is followed.
			for _, r := range fs.res.Roots {
				osfs.More.Add(r)
			}
		}
		rd.noteCardRoots(fs.res.Roots)
	})
	return fs.res
}

// noteCardRoots adds the roots not known yet to the extra card roots and
// tells the hook about each, outside the lock.
func (rd *runReader) noteCardRoots(roots []string) {
	rd.cardRoots.mu.Lock()
	var added []string
	for _, r := range roots {
		if !slices.Contains(rd.cardRoots.extra, r) {
			rd.cardRoots.extra = append(rd.cardRoots.extra, r)
			added = append(added, r)
		}
	}
	hook := rd.cardRoots.onFound
	rd.cardRoots.mu.Unlock()
	if hook != nil {
		for _, r := range added {
			hook(r)
		}
	}
}

// extraCardRoots is a copy of the card roots found in subfolders.
func (rd *runReader) extraCardRoots() []string {
	rd.cardRoots.mu.Lock()
	defer rd.cardRoots.mu.Unlock()
	return slices.Clone(rd.cardRoots.extra)
}

// CardRoots lists the card roots found below the datastore's parent so
// far (SearchCardRoots), beside the main one.
func (ix *Index) CardRoots() []string { return ix.reader.extraCardRoots() }

// SetOnCardRoot sets the function called with each card root found below
// the datastore's parent (the watcher watches it). It must not block.
func (ix *Index) SetOnCardRoot(fn func(root string)) {
	ix.reader.cardRoots.mu.Lock()
	ix.reader.cardRoots.onFound = fn
	ix.reader.cardRoots.mu.Unlock()
}

// adoptCardRoot makes root, a card root found in a subfolder, the card
// root of a run whose cards appear there while Flowdeck watches (Metaflow
// before 2.18.13 started in a subfolder writes them there as the run
// goes), unless the run has a card root already or cards under the main
// one. It reports whether the run's card root changed.
func (rd *runReader) adoptCardRoot(flow, run, root string) bool {
	key := flow + "/" + run
	rd.cardRoots.mu.Lock()
	_, has := rd.cardRoots.runs[key]
	rd.cardRoots.mu.Unlock()
	if has {
		return false
	}
	if fi, err := rd.fsys.Lstat(filepath.Join(rd.loc.CardRoot, flow, "runs", run)); err == nil && fi.IsDir() {
		return false
	}
	rd.cardRoots.mu.Lock()
	defer rd.cardRoots.mu.Unlock()
	if _, has := rd.cardRoots.runs[key]; has {
		return false
	}
	rd.cardRoots.runs[key] = root
	return true
}

// cardLoc is where a run's cards are: the main card root, or the one they
// were found in below the datastore's parent.
func (rd *runReader) cardLoc(flow, run string) Location {
	rd.cardRoots.mu.Lock()
	root, ok := rd.cardRoots.runs[flow+"/"+run]
	rd.cardRoots.mu.Unlock()
	if !ok {
		return rd.loc
	}
	return Location{Root: rd.loc.Root, CardRoot: root}
}

// RunCardRoot is the card root of a run when it is not the main one, else "".
func (ix *Index) RunCardRoot(flow, run string) string { return ix.reader.runCardRoot(flow, run) }

func (rd *runReader) runCardRoot(flow, run string) string {
	rd.cardRoots.mu.Lock()
	defer rd.cardRoots.mu.Unlock()
	return rd.cardRoots.runs[flow+"/"+run]
}

// CardSearchOf is the flow's card search, or nil when it has not run (no
// run of the flow was opened without cards).
func (ix *Index) CardSearchOf(flow string) *CardSearch {
	rd := ix.reader
	rd.cardRoots.mu.Lock()
	fs, ok := rd.cardRoots.flows[flow]
	rd.cardRoots.mu.Unlock()
	if !ok {
		return nil
	}
	res := fs.res
	return &res
}

func snapHasCards(s *runSnap) bool {
	for _, st := range s.steps {
		for _, t := range st.tasks {
			if len(t.Cards) > 0 {
				return true
			}
		}
	}
	return false
}

// locateCards is called when an opened run has no card under its card
// root: it searches the flow's subfolder card roots (once per flow) and
// returns the first that holds this run's cards, or "".
func (rd *runReader) locateCards(flow, run string) string {
	if rd.runCardRoot(flow, run) != "" {
		return ""
	}
	for _, root := range rd.flowCardSearch(flow).Roots {
		if fi, err := rd.fsys.Lstat(filepath.Join(root, flow, "runs", run)); err == nil && fi.IsDir() {
			rd.cardRoots.mu.Lock()
			rd.cardRoots.runs[flow+"/"+run] = root
			rd.cardRoots.mu.Unlock()
			return root
		}
	}
	return ""
}

// MissingCards is the flow's card search when an opened run has no card at
// all, neither under the card root nor in a subfolder's: what the card
// pane tells the user. It is nil when the run has cards or was not
// searched for.
func (ix *Index) MissingCards(flow, run string) *CardSearch {
	rs, ok := ix.runState(flow, run)
	if !ok || ix.RunCardRoot(flow, run) != "" {
		return nil
	}
	s := rs.snap.Load()
	if s == nil || !s.detailed || snapHasCards(s) {
		return nil
	}
	return ix.CardSearchOf(flow)
}
