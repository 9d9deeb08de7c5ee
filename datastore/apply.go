package datastore

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

type runKey struct{ flow, run string }

type stepTask struct{ step, task string }

// runPlan is what a batch of paths asks to re-read in one run.
type runPlan struct {
	header, relistSteps, params, deep bool
	steps                             map[string]bool
	stepHeaders                       map[string]bool // step _meta changed: re-read it
	tasks                             map[stepTask]bool
	cardTasks                         map[stepTask]bool // step "" = legacy layout
	allCards                          bool
	// cardRoot is a subfolder's card root the run's card paths came
	// from (see runReader.adoptCardRoot); "" for the main one.
	cardRoot string
}

type applyPlan struct {
	root      bool
	flows     map[string]bool
	deepFlows map[string]bool
	runs      map[runKey]*runPlan
	forced    map[string]bool
}

func newPlan() *applyPlan {
	return &applyPlan{flows: map[string]bool{}, deepFlows: map[string]bool{}, runs: map[runKey]*runPlan{}, forced: map[string]bool{}}
}

func (p *applyPlan) run(flow, run string) *runPlan {
	k := runKey{flow, run}
	rp := p.runs[k]
	if rp == nil {
		rp = &runPlan{steps: map[string]bool{}, stepHeaders: map[string]bool{}, tasks: map[stepTask]bool{}, cardTasks: map[stepTask]bool{}}
		p.runs[k] = rp
	}
	return rp
}

// splitUnder returns the path elements of p below root, or ok=false.
func splitUnder(root, p string) ([]string, bool) {
	if p == root {
		return nil, true
	}
	prefix := root + string(filepath.Separator)
	if !strings.HasPrefix(p, prefix) {
		return nil, false
	}
	return strings.Split(filepath.ToSlash(p[len(prefix):]), "/"), true
}

// planner turns changed paths into an applyPlan: which flows to list
// again and what to re-read in which run. It reads the listing (to know
// which runs are new), never the disk.
type planner struct {
	loc     Location
	listing *listing
	extra   []string // card roots found in subfolders
}

// classify adds what one changed path touches to the plan. Paths are
// absolute. Names of files caught mid-write (tmp*) touch their folder,
// which a rename out of them will touch again anyway.
func (pl planner) classify(p string, plan *applyPlan, deep bool) {
	p = filepath.Clean(p)
	if parts, ok := splitUnder(pl.loc.CardRoot, p); ok {
		pl.classifyCard(pl.loc.CardRoot, parts, plan, deep)
		return
	}
	for _, r := range pl.extra {
		if parts, ok := splitUnder(r, p); ok {
			pl.classifyCard(r, parts, plan, deep)
			return
		}
	}
	parts, ok := splitUnder(pl.loc.Root, p)
	if !ok {
		return
	}
	if len(parts) > 0 && parts[len(parts)-1] != "" && strings.HasPrefix(parts[len(parts)-1], "tmp") {
		return
	}
	switch {
	case len(parts) == 0:
		plan.root = true
		if deep {
			for _, f := range pl.listing.flowList() {
				plan.flows[f.Name] = true
				plan.deepFlows[f.Name] = true
			}
		}
		return
	case parts[0] == cardDirName || strings.HasPrefix(parts[0], "."):
		return
	}
	flow := parts[0]
	if len(parts) == 1 {
		plan.flows[flow] = true
		if deep {
			plan.deepFlows[flow] = true
		}
		return
	}
	switch parts[1] {
	case "_meta", "latest_run":
		plan.flows[flow] = true
		return
	case "data":
		return
	}
	run := parts[1]
	if _, known := pl.listing.runState(flow, run); !known {
		// A run we have not seen: its folder event may have been missed.
		plan.flows[flow] = true
	}
	rp := plan.run(flow, run)
	if len(parts) == 2 {
		// The run folder itself: it may have been made or removed.
		plan.flows[flow] = true
		rp.relistSteps = true
		if deep {
			rp.deep = true
		}
		return
	}
	switch parts[2] {
	case "_meta":
		rp.header = true
		return
	case "_parameters":
		rp.params = true
		return
	}
	step := parts[2]
	if len(parts) == 3 || parts[3] == "_meta" {
		rp.relistSteps = true
		rp.steps[step] = true
		if len(parts) > 3 {
			rp.stepHeaders[step] = true
		}
		return
	}
	rp.relistSteps = true
	rp.steps[step] = true
	rp.tasks[stepTask{step, parts[3]}] = true
}

// classifyCard handles paths under a card root (the main one, or one
// found in a subfolder):
// <flow>/runs/<run>/steps/<step>/tasks/<task>/{cards,runtime}/<file> and
// the legacy <flow>/runs/<run>/tasks/<task>/cards/<file>.
func (pl planner) classifyCard(root string, parts []string, plan *applyPlan, deep bool) {
	if len(parts) < 3 || parts[1] != "runs" {
		if len(parts) <= 2 && deep {
			// The card root or a flow's card folder as a whole: every run
			// we hold of that flow (or all) re-lists its cards.
			for _, f := range pl.listing.flowList() {
				if len(parts) >= 1 && parts[0] != f.Name {
					continue
				}
				states, _ := pl.listing.runStates(f.Name)
				for _, rs := range states {
					plan.run(f.Name, rs.id).allCards = true
				}
			}
		}
		return
	}
	if last := parts[len(parts)-1]; strings.HasPrefix(last, "tmp") {
		return
	}
	flow, run := parts[0], parts[2]
	rp := plan.run(flow, run)
	if root != pl.loc.CardRoot {
		rp.cardRoot = root
	}
	rest := parts[3:]
	switch {
	case len(rest) >= 4 && rest[0] == "steps" && rest[2] == "tasks":
		rp.cardTasks[stepTask{rest[1], rest[3]}] = true
	case len(rest) >= 2 && rest[0] == "tasks":
		rp.cardTasks[stepTask{"", rest[1]}] = true
	default:
		rp.allCards = true
	}
	if len(parts) > 0 {
		plan.forced[filepath.Join(append([]string{root}, parts...)...)] = true
	}
}

// Apply re-reads what the changed paths touch and returns the typed
// changes. Paths may be files or folders, existing or removed, anywhere
// under the datastore or card root; others are ignored.
func (ix *Index) Apply(paths []string) ApplyResult {
	plan, pl := newPlan(), planner{ix.loc, ix.listing, ix.reader.extraCardRoots()}
	for _, p := range paths {
		pl.classify(p, plan, false)
	}
	return ix.execute(plan)
}

// Rescan re-reads whole subtrees (after an event overflow or a watch
// fault): the datastore root re-reads everything the index holds.
func (ix *Index) Rescan(dirs ...string) ApplyResult {
	if len(dirs) == 0 {
		dirs = []string{ix.loc.Root, ix.loc.CardRoot}
	}
	plan, pl := newPlan(), planner{ix.loc, ix.listing, ix.reader.extraCardRoots()}
	for _, d := range dirs {
		pl.classify(d, plan, true)
		if d == ix.loc.Root && !strings.HasPrefix(ix.loc.CardRoot, ix.loc.Root+string(filepath.Separator)) {
			pl.classify(ix.loc.CardRoot, plan, true)
		}
	}
	for f := range plan.deepFlows {
		runs, _ := ix.Runs(f)
		for _, r := range runs {
			if r.Loaded {
				plan.run(f, r.ID).deep = true
			} else {
				plan.run(f, r.ID).header = true
			}
		}
	}
	res := ix.execute(plan)
	res.Changes = append([]Change{{Kind: Rescanned}}, res.Changes...)
	return res
}

func (ix *Index) execute(plan *applyPlan) ApplyResult {
	var res ApplyResult
	var newRuns map[runKey]bool
	if plan.root {
		newRuns = ix.refreshFlows(&res)
	}
	flows := slices.Sorted(maps.Keys(plan.flows))
	for _, f := range flows {
		for k := range ix.refreshFlow(f, &res) {
			if newRuns == nil {
				newRuns = map[runKey]bool{}
			}
			newRuns[k] = true
		}
	}
	for k := range newRuns {
		plan.run(k.flow, k.run).deep = true
	}
	keys := make([]runKey, 0, len(plan.runs))
	for k := range plan.runs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].flow != keys[j].flow {
			return keys[i].flow < keys[j].flow
		}
		return lessID(keys[i].run, keys[j].run)
	})
	for _, k := range keys {
		rs, ok := ix.runState(k.flow, k.run)
		if !ok {
			continue
		}
		ix.applyRun(rs, plan.runs[k], plan.forced, newRuns[k], &res)
	}
	res.Retry = ix.incomplete.filter(res.Retry)
	return res
}

// refreshFlows re-lists the datastore's flows.
func (ix *Index) refreshFlows(res *ApplyResult) map[runKey]bool {
	names, err := ix.reader.listFlows()
	if err != nil {
		return nil
	}
	onDisk := map[string]bool{}
	newRuns := map[runKey]bool{}
	for _, n := range names {
		onDisk[n] = true
		if _, known := ix.listing.flowState(n); !known {
			for k := range ix.addFlow(n, res) {
				newRuns[k] = true
			}
		}
	}
	for _, n := range ix.listing.keepFlows(onDisk) {
		res.Changes = append(res.Changes, Change{Kind: FlowRemoved, Flow: n})
	}
	return newRuns
}

func (ix *Index) addFlow(name string, res *ApplyResult) map[runKey]bool {
	st := ix.reader.readFlow(name)
	if !ix.listing.add(st) {
		return nil
	}
	res.Changes = append(res.Changes, Change{Kind: FlowAdded, Flow: name})
	out := map[runKey]bool{}
	for id := range st.runs {
		out[runKey{name, id}] = true
	}
	return out
}

// refreshFlow re-reads a flow's metadata, latest_run and run list; it
// returns the runs that are new.
func (ix *Index) refreshFlow(flow string, res *ApplyResult) map[runKey]bool {
	fst, known := ix.listing.flowState(flow)
	dir := filepath.Join(ix.loc.Root, flow)
	if !known {
		if !ix.reader.isFlowDir(dir) {
			return nil
		}
		return ix.addFlow(flow, res)
	}
	if _, err := ix.fsys.Lstat(dir); isNotExist(err) {
		ix.listing.remove(flow)
		res.Changes = append(res.Changes, Change{Kind: FlowRemoved, Flow: flow})
		return nil
	}
	latest := ix.reader.readLatestRun(dir)
	metaErr := ix.reader.readFlowMeta(dir)
	ids, noMeta, err := ix.reader.listRuns(dir)
	if err != nil {
		return nil
	}
	onDisk := map[string]bool{}
	var added []*runState
	for _, id := range ids {
		onDisk[id] = true
		if !ix.listing.hasRun(fst, id) {
			added = append(added, ix.reader.newRunState(flow, id, noMeta))
		}
	}
	out := map[runKey]bool{}
	addedIDs, gone := ix.listing.updateFlow(fst, latest, metaErr, added, onDisk)
	for _, id := range addedIDs {
		out[runKey{flow, id}] = true
	}
	for _, id := range gone {
		res.Changes = append(res.Changes, Change{Kind: RunRemoved, Flow: flow, Run: id})
		res.FinishedRuns = append(res.FinishedRuns, flow+"/"+id)
	}
	return out
}

// RescanRun reads one run again from disk, with its cards. Finished runs
// are not watched below their run folder (they are immutable but for tags),
// so this is how a run edited or repaired by hand is picked up.
func (ix *Index) RescanRun(flow, run string) (ApplyResult, error) {
	if _, ok := ix.runState(flow, run); !ok {
		return ApplyResult{}, fmt.Errorf("run %s/%s: %w", flow, run, ErrUnknown)
	}
	return ix.Rescan(ix.reader.runDir(flow, run), runCardBase(ix.loc, flow, run)), nil
}
