package watcher

import (
	"path/filepath"
	"slices"
	"strings"
)

// level is where a folder sits in the datastore or card tree; it decides
// whether the folder is watched (see want).
type level int

const (
	lvOutside   level = iota
	lvOther           // inside a root but never watched: data/, hidden, tmp*, latest_run
	lvRoot            // <root>
	lvFlow            // <root>/<flow>
	lvFlowMeta        // <root>/<flow>/_meta
	lvRun             // <root>/<flow>/<run>
	lvRunMeta         // <root>/<flow>/<run>/_meta
	lvInRun           // below <root>/<flow>/<run>, except its _meta
	lvCardRoot        // <cardroot>
	lvCardFlow        // <cardroot>/<flow>
	lvCardRuns        // <cardroot>/<flow>/runs
	lvCardRun         // <cardroot>/<flow>/runs/<run>
	lvInCardRun       // below it (steps/, tasks/, cards/, runtime/)
)

// place is a path's level and, inside a run, its "flow/run" key.
type place struct {
	lv  level
	run string
}

// layout knows the shape of a datastore (docs/format.md §3) and where its card
// root is, which may be outside it. extra are card roots found in
// subfolders (Metaflow before 2.18.13 started there), shaped like the
// main one; the index reports them as it finds them (addCardRoot).
type layout struct {
	root, cardRoot string
	cardInside     bool // cardRoot is <root>/<name>
	extra          []string
}

func newLayout(root, cardRoot string) layout {
	root, cardRoot = filepath.Clean(root), filepath.Clean(cardRoot)
	return layout{root: root, cardRoot: cardRoot, cardInside: filepath.Dir(cardRoot) == root}
}

// below returns the path elements of p under dir, or ok=false.
func below(dir, p string) ([]string, bool) {
	if p == dir {
		return nil, true
	}
	if !within(p, dir) {
		return nil, false
	}
	rest := strings.TrimPrefix(p[len(dir):], string(filepath.Separator))
	return strings.Split(rest, string(filepath.Separator)), true
}

func within(p, dir string) bool {
	if p == dir {
		return true
	}
	return strings.HasPrefix(p, dir) && len(p) > len(dir) && (p[len(dir)] == filepath.Separator || dir == string(filepath.Separator))
}

func hidden(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "tmp")
}

// place classifies a path as if it were a folder.
func (l layout) place(p string) place {
	if parts, ok := below(l.cardRoot, p); ok {
		return cardPlace(parts)
	}
	for _, r := range l.extra {
		if parts, ok := below(r, p); ok {
			return cardPlace(parts)
		}
	}
	parts, ok := below(l.root, p)
	if !ok {
		return place{lv: lvOutside}
	}
	if slices.ContainsFunc(parts, hidden) {
		return place{lv: lvOther}
	}
	switch {
	case len(parts) == 0:
		return place{lv: lvRoot}
	case parts[0] == "mf.cards":
		// Cards kept elsewhere (METAFLOW_CARD_LOCALROOT): the index
		// ignores this folder, so do we.
		return place{lv: lvOther}
	case len(parts) == 1:
		return place{lv: lvFlow}
	}
	switch parts[1] {
	case "_meta":
		if len(parts) == 2 {
			return place{lv: lvFlowMeta}
		}
		return place{lv: lvOther}
	case "data", "latest_run":
		return place{lv: lvOther}
	}
	run := parts[0] + "/" + parts[1]
	switch {
	case len(parts) == 2:
		return place{lvRun, run}
	case len(parts) == 3 && parts[2] == "_meta":
		return place{lvRunMeta, run}
	}
	return place{lvInRun, run}
}

func cardPlace(parts []string) place {
	if slices.ContainsFunc(parts, hidden) {
		return place{lv: lvOther}
	}
	switch {
	case len(parts) == 0:
		return place{lv: lvCardRoot}
	case len(parts) == 1:
		return place{lv: lvCardFlow}
	case parts[1] != "runs":
		return place{lv: lvOther}
	case len(parts) == 2:
		return place{lv: lvCardRuns}
	}
	run := parts[0] + "/" + parts[2]
	if len(parts) == 3 {
		return place{lvCardRun, run}
	}
	return place{lvInCardRun, run}
}

// always reports whether a folder at this level is watched whatever its
// run's state: the skeleton that notices new flows and runs and tag edits.
func (lv level) always() bool {
	switch lv {
	case lvRoot, lvFlow, lvFlowMeta, lvRun, lvRunMeta, lvCardRoot, lvCardFlow, lvCardRuns:
		return true
	}
	return false
}

// inRun reports whether a folder at this level is watched only while its
// run is live (the watch budget).
func (lv level) inRun() bool {
	return lv == lvInRun || lv == lvCardRun || lv == lvInCardRun
}

// leaf reports whether folders at this level hold no folder we watch, so
// listing them is needed only to report their files.
func (lv level) leaf() bool { return lv == lvFlowMeta || lv == lvRunMeta }

// runDirs are the folders of a run: in the datastore, and in the card
// root and every extra card root (the main one first).
func (l layout) runDirs(run string) (ds string, cards []string) {
	flow, id, _ := strings.Cut(run, "/")
	cards = []string{cardRunDir(l.cardRoot, run)}
	for _, r := range l.extra {
		cards = append(cards, cardRunDir(r, run))
	}
	return filepath.Join(l.root, flow, id), cards
}

// cardRunDir is a run's folder ("flow/run") under a card root.
func cardRunDir(cardRoot, run string) string {
	flow, id, _ := strings.Cut(run, "/")
	return filepath.Join(cardRoot, flow, "runs", id)
}
