package datastore

import (
	"cmp"
	"errors"
	"path/filepath"
	"sort"
)

// applier re-reads the steps, tasks and card files that changed in a
// loaded run, editing a clone of its snapshot (applyParts), and settles
// each card against its previous state (carryOver): unchanged files keep
// their tokens, files caught mid-write keep their last good state until
// they give up. Index.applyRun holds the run's lock around it, swaps the
// snapshot in and reports the changes.
type applier struct {
	rd         *runReader
	incomplete *incompleteFiles
}

// applyRun re-reads what plan names in one run and appends the changes.
func (ix *Index) applyRun(rs *runState, rp *runPlan, forced map[string]bool, isNew bool, res *ApplyResult) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	old := rs.snap.Load()
	key := rs.flow + "/" + rs.id
	if !rp.deep || isNew {
		ix.activity.Store(key, ix.now())
	}
	onlyHeader := !rp.deep && !rp.relistSteps && !rp.params && !rp.allCards &&
		len(rp.steps) == 0 && len(rp.tasks) == 0 && len(rp.cardTasks) == 0
	if _, err := ix.fsys.Lstat(ix.reader.runDir(rs.flow, rs.id)); isNotExist(err) {
		return // the flow refresh reports the removal
	}
	if rp.cardRoot != "" && ix.reader.adoptCardRoot(rs.flow, rs.id, rp.cardRoot) {
		// Its cards are there from now on: list them all again.
		rp.allCards = true
		onlyHeader = false
	}

	var ns *runSnap
	var touched map[stepTask]bool // nil: diff every task
	var retry []string
	switch {
	case onlyHeader && rp.header:
		ns = cloneSnap(old)
		h, _ := readRunHeader(ix.fsys, ix.reader.runDir(rs.flow, rs.id), rs.flow, rs.id)
		copyHeader(&ns.run, h)
		touched = map[stepTask]bool{}
	case !old.loaded || !old.detailed || rp.deep:
		h, _ := readRunHeader(ix.fsys, ix.reader.runDir(rs.flow, rs.id), rs.flow, rs.id)
		ns, retry = ix.loadRun(rs.flow, rs.id, h)
		retry = append(retry, ix.applier.carryOver(old, ns, nil, forced)...)
		ns.tokensResolved = old.tokensResolved || !old.loaded
		if old.loaded && !old.detailed {
			// A summary knew statuses only: report what changed at the run
			// level, not every task read for the first time.
			touched = map[stepTask]bool{}
		}
	default:
		ns = cloneSnap(old)
		if rp.header {
			h, _ := readRunHeader(ix.fsys, ix.reader.runDir(rs.flow, rs.id), rs.flow, rs.id)
			copyHeader(&ns.run, h)
		}
		touched, retry = ix.applier.applyParts(rs, ns, rp)
		retry = append(retry, ix.applier.carryOver(old, ns, touched, forced)...)
	}
	if !old.loaded {
		// A run first read because it changed is live: read all its tokens
		// now so every card change carries one.
		for _, st := range ns.steps {
			for i, t := range st.tasks {
				if cardsNeedResolve(t.Cards) {
					nt := *t
					nt.Cards = append([]Card(nil), t.Cards...)
					for k := range nt.Cards {
						retry = append(retry, ix.reader.resolveCard(&nt.Cards[k])...)
					}
					st.tasks[i] = &nt
				}
			}
		}
		ns.tokensResolved = true
	}
	ix.derive(ns)
	rs.snap.Store(ns)
	res.Retry = append(res.Retry, retry...)
	res.Changes = append(res.Changes, diffRun(old, ns, touched, isNew)...)
	wasLive, isLive := old.loaded && old.live(), ns.live()
	switch {
	case isLive && (!wasLive || isNew):
		res.LiveRuns = append(res.LiveRuns, key)
	case wasLive && !isLive:
		res.FinishedRuns = append(res.FinishedRuns, key)
	}
}

func copyHeader(r *Run, h Run) {
	r.User, r.Tags, r.SystemTags, r.tsEpoch, r.Err, r.MetaflowVersion = h.User, h.Tags, h.SystemTags, h.tsEpoch, h.Err, h.MetaflowVersion
	if r.Started.IsZero() {
		r.Started = h.Started
	}
}

// applyParts re-reads the steps, tasks and card folders a plan names in a
// loaded run, editing ns (a clone of the current snapshot) in place.
func (ap *applier) applyParts(rs *runState, ns *runSnap, rp *runPlan) (map[stepTask]bool, []string) {
	flow, run := rs.flow, rs.id
	runDir := ap.rd.runDir(flow, run)
	touched := map[stepTask]bool{}
	var retry []string
	ap.refreshParameters(ns, rp, flow, run)
	if rp.relistSteps {
		ap.listNewSteps(ns, rp, runDir)
	}
	var cd *cardDirs
	cardDirsOnce := func() cardDirs {
		if cd == nil {
			c := scanCardDirs(ap.rd.fsys, ap.rd.cardLoc(flow, run), flow, run)
			cd = &c
		}
		return *cd
	}
	if rp.allCards {
		for _, st := range ns.steps {
			for _, t := range st.tasks {
				rp.cardTasks[stepTask{st.step.Name, t.ID}] = true
			}
		}
	}
	for name := range rp.steps {
		if st := ns.step(name); st != nil {
			ap.relistStep(st, filepath.Join(runDir, name), rp, touched)
		}
	}
	placeLegacyCardTasks(ns, rp)
	work := map[stepTask]bool{}
	for k := range rp.tasks {
		work[k] = true
	}
	for k := range rp.cardTasks {
		work[k] = true
	}
	for k := range work {
		retry = append(retry, ap.rereadTask(ns, rp, flow, run, k, cardDirsOnce, touched)...)
	}
	for _, st := range ns.steps {
		stepStartFallback(st)
	}
	sortSteps(ns.steps, ns.endStep)
	return touched, retry
}

// refreshParameters reads the run's parameters again when the plan says
// the _parameters task changed, or when they were not all there before.
func (ap *applier) refreshParameters(ns *runSnap, rp *runPlan, flow, run string) {
	runDir := ap.rd.runDir(flow, run)
	if rp.params {
		ns.endStep = ap.rd.endStep(runDir)
		// The _parameters task changed: read its parameters again, so a
		// removed task drops them as a fresh read would. A read that fails
		// while the folder is still there keeps what was read before.
		if p := ap.rd.runParameters(flow, run); p != nil {
			ns.run.Parameters = p
		} else if _, err := ap.rd.fsys.Lstat(filepath.Join(runDir, "_parameters")); isNotExist(err) {
			ns.run.Parameters = nil
		}
	}
	if ns.run.Parameters == nil {
		// Not all there when the run was read: the _parameters task was
		// not written yet, or its blobs were not (their folder under
		// <flow>/data is not watched). Any later change of the run tries
		// again; runParameters keeps nil until every blob reads.
		ns.run.Parameters = ap.rd.runParameters(flow, run)
	}
}

// listNewSteps adds the run's step folders not in the snapshot yet, and
// plans to read them.
func (ap *applier) listNewSteps(ns *runSnap, rp *runPlan, runDir string) {
	ents, err := ap.rd.fsys.ReadDir(runDir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if e.IsDir() && !skipName(levelRun, e.Name()) && ns.step(e.Name()) == nil {
			ns.steps = append(ns.steps, &stepSnap{step: Step{Name: e.Name()}})
			rp.steps[e.Name()] = true
		}
	}
}

// relistStep lists one step folder again: new task folders are planned for
// reading, tasks whose folder is gone are dropped (all of them when the
// step folder is gone) and marked touched.
func (ap *applier) relistStep(st *stepSnap, dir string, rp *runPlan, touched map[stepTask]bool) {
	name := st.step.Name
	if !st.step.headerRead || rp.stepHeaders[name] {
		ap.rd.readStepHeader(dir, &st.step)
	}
	ents, err := ap.rd.fsys.ReadDir(dir)
	if err != nil {
		if isNotExist(err) {
			for _, t := range st.tasks {
				touched[stepTask{name, t.ID}] = true
			}
			st.tasks = nil
		}
		return
	}
	onDisk := map[string]bool{}
	for _, e := range ents {
		if e.IsDir() && !skipName(levelStep, e.Name()) {
			onDisk[e.Name()] = true
			if t, _ := st.task(e.Name()); t == nil {
				rp.tasks[stepTask{name, e.Name()}] = true
			}
		}
	}
	kept := st.tasks[:0:0]
	for _, t := range st.tasks {
		if onDisk[t.ID] {
			kept = append(kept, t)
		} else {
			touched[stepTask{name, t.ID}] = true
		}
	}
	st.tasks = kept
}

// placeLegacyCardTasks gives the planned card tasks with no step (legacy
// card paths have none) the step that holds the task.
func placeLegacyCardTasks(ns *runSnap, rp *runPlan) {
	for k := range rp.cardTasks {
		if k.step != "" {
			continue
		}
		delete(rp.cardTasks, k)
		for _, st := range ns.steps {
			if t, _ := st.task(k.task); t != nil {
				rp.cardTasks[stepTask{st.step.Name, k.task}] = true
			}
		}
	}
}

// rereadTask reads one planned task again (only its card folders when
// only its cards changed) and puts it in ns, or drops it when its folder
// is gone.
func (ap *applier) rereadTask(ns *runSnap, rp *runPlan, flow, run string, k stepTask, cardDirsOnce func() cardDirs, touched map[stepTask]bool) []string {
	runDir := ap.rd.runDir(flow, run)
	st := ns.step(k.step)
	if st == nil {
		// Cards can appear before the datastore's step folder is seen.
		if _, err := ap.rd.fsys.Lstat(filepath.Join(runDir, k.step)); err != nil {
			return nil
		}
		st = &stepSnap{step: Step{Name: k.step}}
		ap.rd.readStepHeader(filepath.Join(runDir, k.step), &st.step)
		ns.steps = append(ns.steps, st)
	}
	oldT, idx := st.task(k.task)
	var nt *Task
	var retry []string
	if oldT != nil && !rp.tasks[k] && len(oldT.Attempts) <= 1 && oldT.OriginRun == "" {
		// Only cards changed: list the card folders, keep the rest.
		c := *oldT
		c.Cards = ap.rd.relistCards(flow, run, k.step, k.task, oldT, cardDirsOnce())
		nt = &c
	} else {
		t, r, err := ap.rd.loadTask(flow, run, k.step, k.task, cardDirsOnce())
		if err != nil {
			if errors.Is(err, errNotExistTask) || isNotExist(err) {
				if oldT != nil {
					st.tasks = append(st.tasks[:idx:idx], st.tasks[idx+1:]...)
					touched[k] = true
				}
			}
			return nil
		}
		retry = r
		nt = t
	}
	touched[k] = true
	if oldT != nil {
		st.tasks[idx] = nt
	} else {
		st.tasks = append(st.tasks, nt)
		sortTasks(st.tasks)
	}
	return retry
}

var errNotExistTask = errors.New("datastore: task gone")

// relistCards lists a single-attempt task's card folders again.
func (rd *runReader) relistCards(flow, run, step, task string, old *Task, cd cardDirs) []Card {
	cs, err := listCards(rd.fsys, rd.cardLoc(flow, run), flow, run, step, task, true, cd.legacy[task])
	if err != nil {
		return old.Cards
	}
	for i := range cs {
		cs[i].Attempt = old.Attempt
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Name() < cs[j].Name() })
	if cs == nil {
		cs = []Card{}
	}
	return cs
}

// carryOver keeps what is known about card files that did not change
// (tokens, hashes), reads the ones that did, and keeps the last good state
// of files caught mid-write. touched limits the work to those tasks (nil:
// all).
func (ap *applier) carryOver(old, ns *runSnap, touched map[stepTask]bool, forced map[string]bool) []string {
	var retry []string
	oldCards := map[string]*Card{}
	for _, st := range old.steps {
		for _, t := range st.tasks {
			if touched != nil && !touched[stepTask{st.step.Name, t.ID}] {
				continue
			}
			for i := range t.Cards {
				oldCards[t.Cards[i].Key] = &t.Cards[i]
			}
		}
	}
	for _, st := range ns.steps {
		for ti, t := range st.tasks {
			if touched != nil && !touched[stepTask{st.step.Name, t.ID}] {
				continue
			}
			nt := *t
			nt.Cards = make([]Card, 0, len(t.Cards))
			for _, c := range t.Cards {
				oc := oldCards[c.Key]
				keep, r := ap.mergeCard(&c, oc, forced, old.loaded, t.Status == StatusRunning)
				retry = append(retry, r...)
				if keep {
					nt.Cards = append(nt.Cards, c)
				}
			}
			st.tasks[ti] = &nt
		}
	}
	return retry
}

// mergeCard decides the state of one listed card given its previous state.
// It returns false for a new card whose HTML is caught mid-write: it is
// shown once it is whole. running tells whether the card's task is still
// running (lazyData applies then).
func (ap *applier) mergeCard(c *Card, oc *Card, forced map[string]bool, live, running bool) (bool, []string) {
	keep, retry := ap.mergeHTML(c, oc, forced, live)
	if !keep {
		return false, retry
	}
	if c.Data != nil {
		retry = append(retry, ap.mergeData(c, oc, forced, live, running)...)
	}
	c.Err = cmp.Or(c.HTML.Err, dataErr(c.Data))
	c.updateFinal()
	return true, retry
}

// mergeHTML settles the card's HTML file and token: kept when the file did
// not change, read again when it did. It returns false for a new card
// whose HTML is caught mid-write.
func (ap *applier) mergeHTML(c *Card, oc *Card, forced map[string]bool, live bool) (bool, []string) {
	sameHTML := oc != nil && oc.HTML.Size == c.HTML.Size && oc.HTML.ModTime.Equal(c.HTML.ModTime) && !forced[c.HTML.Path]
	switch {
	case sameHTML:
		c.Token, c.TokenKnown, c.HTML = oc.Token, oc.TokenKnown, oc.HTML
		return true, nil
	case oc == nil && !live:
		// Not live (a run being read for the first time): leave tokens
		// for on-demand reading.
		return true, nil
	}
	tok, _, err := resolveHTML(ap.rd.fsys, &c.HTML, c.Type)
	switch {
	case err == nil:
		ap.incomplete.markComplete(c.HTML.Path)
		c.Token, c.TokenKnown, c.HTML.Err = tok, true, ""
		if oc != nil && oc.HTML.sum == c.HTML.sum && oc.Token == tok && oc.TokenKnown {
			c.HTML = oc.HTML // same content: not a change
		}
	case errors.Is(err, ErrIncomplete) || isNotExist(err):
		if ap.incomplete.giveUp(c.HTML.Path) {
			c.HTML.Err = "the card file stays empty or cut off; Metaflow may have failed while writing it"
			c.TokenKnown = true
			if oc != nil {
				c.Token = oc.Token
			}
			return true, nil
		}
		retry := []string{c.HTML.Path}
		if oc == nil {
			return false, retry
		}
		c.Token, c.TokenKnown, c.HTML = oc.Token, oc.TokenKnown, oc.HTML
		return true, retry
	default:
		c.HTML.Err = err.Error()
		c.TokenKnown = true
	}
	return true, nil
}

// mergeData settles the card's data file: kept when it did not change (or
// a running task's read can wait, see lazyData), read again when it did,
// the last good state kept while it is caught mid-write.
func (ap *applier) mergeData(c *Card, oc *Card, forced map[string]bool, live, running bool) []string {
	var od *CardFile
	if oc != nil {
		od = oc.Data
	}
	sameData := od != nil && od.Size == c.Data.Size && od.ModTime.Equal(c.Data.ModTime) && od.etag == c.Data.etag &&
		!forced[c.Data.Path] && !(od.unread && !running)
	switch {
	case sameData:
		d := *od
		c.Data = &d
		return nil
	case od == nil && oc == nil && !live:
		return nil
	case running && lazyData(c.Data, od):
		return nil
	}
	nd := *c.Data
	err := resolveData(ap.rd.fsys, &nd)
	switch {
	case err == nil:
		ap.incomplete.markComplete(nd.Path)
		if od != nil && od.sum == nd.sum {
			nd = *od
		}
		c.Data = &nd
	case errors.Is(err, ErrIncomplete) || isNotExist(err):
		if ap.incomplete.giveUp(nd.Path) {
			nd.Err = "the data file stays empty or cut off"
			nd.resolved = true
			c.Data = &nd
			return nil
		}
		if od != nil {
			d := *od
			c.Data = &d
		} else {
			c.Data = nil
		}
		return []string{nd.Path}
	default:
		nd.Err = err.Error()
		nd.resolved = true
		c.Data = &nd
	}
	return nil
}
