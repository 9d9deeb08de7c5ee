package datastore

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// runSnap is an immutable snapshot of one run. Writers build a new one and
// swap it in; readers never wait for I/O.
type runSnap struct {
	run    Run
	loaded bool
	// detailed is set once every task was read (attempts, times, foreach
	// position) and its cards listed; a summary (see loadRunSummary) has
	// statuses and counts only.
	detailed bool
	endStep  string
	steps    []*stepSnap
	// tokensResolved is set once every card's tokens were read.
	tokensResolved bool
}

type stepSnap struct {
	step  Step
	tasks []*Task
}

func (s *runSnap) step(name string) *stepSnap {
	for _, st := range s.steps {
		if st.step.Name == name {
			return st
		}
	}
	return nil
}

func (s *stepSnap) task(id string) (*Task, int) {
	for i, t := range s.tasks {
		if t.ID == id {
			return t, i
		}
	}
	return nil, -1
}

func (rd *runReader) runDir(flow, run string) string { return filepath.Join(rd.loc.Root, flow, run) }

// bareRunHeader is what a run's id alone tells.
func bareRunHeader(flow, id string) Run {
	r := Run{Flow: flow, ID: id, Tags: []string{}, SystemTags: []string{}, Status: StatusUnknown}
	if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > 1e15 {
		// Run ids made by `run` are microseconds since the epoch.
		r.Started = time.UnixMicro(n).UTC()
	}
	return r
}

// readRunHeader reads <flow>/<run>/_meta/_self.json.
func readRunHeader(fsys FS, dir, flow, id string) (Run, error) {
	r := bareRunHeader(flow, id)
	b, err := readFile(fsys, filepath.Join(dir, "_meta", "_self.json"), maxMetaBytes)
	if err == nil {
		var m selfMeta
		m, err = parseSelf(b)
		if err == nil {
			r.User, r.Tags, r.SystemTags, r.tsEpoch = m.User, m.Tags, m.SystemTags, m.TSEpoch
			for _, t := range m.SystemTags {
				if v, ok := strings.CutPrefix(t, "metaflow_version:"); ok {
					r.MetaflowVersion = v
				}
				if v, ok := strings.CutPrefix(t, "user:"); ok && r.User == "" {
					r.User = v
				}
			}
			if r.Started.IsZero() {
				r.Started = epochMillis(m.TSEpoch)
			}
		}
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && metaAbsent(fsys, dir) {
			// No metadata in this datastore (S3): user and tags are kept
			// by the metadata service (docs/format.md §7).
			return r, nil
		}
		r.Err = fmt.Sprintf("run metadata: %v", err)
		return r, err
	}
	return r, nil
}

// loadRun reads every step and task of a run, and lists (without opening)
// its card files.
func (rd *runReader) loadRun(flow, id string, header Run) (*runSnap, []string) {
	dir := rd.runDir(flow, id)
	snap := &runSnap{run: header, loaded: true, detailed: true, endStep: rd.endStep(dir)}
	var retry []string
	ents, err := rd.fsys.ReadDir(dir)
	if err != nil {
		snap.run.Err = fmt.Sprintf("cannot read run folder: %v", err)
		return snap, nil
	}
	cd := scanCardDirs(rd.fsys, rd.cardLoc(flow, id), flow, id)
	for _, e := range ents {
		if !e.IsDir() || skipName(levelRun, e.Name()) {
			continue
		}
		st, r := rd.loadStep(flow, id, e.Name(), cd)
		retry = append(retry, r...)
		snap.steps = append(snap.steps, st)
	}
	sortSteps(snap.steps, snap.endStep)
	rd.withParameters(snap)
	return snap, retry
}

// loadRunSummary reads a run's end step first. When it succeeded the run is
// finished and immutable: Metaflow schedules the end step only after every
// other task succeeded, so the other tasks are listed as succeeded without
// opening them. That keeps a cold index of thousands of finished runs to a
// few folder listings per run; loadRun reads the details when the run is
// opened. Any other run is read in full.
func (rd *runReader) loadRunSummary(flow, id string, header Run) (*runSnap, []string) {
	dir := rd.runDir(flow, id)
	end := rd.endStep(dir)
	ents, err := rd.fsys.ReadDir(dir)
	if err != nil {
		return rd.loadRun(flow, id, header)
	}
	var endTask *Task
	if tents, err := rd.fsys.ReadDir(filepath.Join(dir, end)); err == nil {
		var ids []string
		for _, e := range tents {
			if e.IsDir() && !skipName(levelStep, e.Name()) {
				ids = append(ids, e.Name())
			}
		}
		if len(ids) == 1 {
			if tr, err := readTask(rd.fsys, filepath.Join(dir, end, ids[0]), flow, id, end, ids[0]); err == nil && tr.task.Status == StatusSucceeded && len(tr.retry) == 0 {
				endTask = &tr.task
			}
		}
	}
	if endTask == nil {
		return rd.loadRun(flow, id, header)
	}
	snap := &runSnap{run: header, loaded: true, endStep: end}
	for _, e := range ents {
		if !e.IsDir() || skipName(levelRun, e.Name()) {
			continue
		}
		st := &stepSnap{step: Step{Name: e.Name()}}
		sdir := filepath.Join(dir, e.Name())
		rd.readStepHeader(sdir, &st.step)
		if e.Name() == end {
			st.tasks = []*Task{endTask}
		} else if tents, err := rd.fsys.ReadDir(sdir); err == nil {
			for _, te := range tents {
				if te.IsDir() && !skipName(levelStep, te.Name()) {
					st.tasks = append(st.tasks, &Task{Flow: flow, Run: id, Step: e.Name(), ID: te.Name(), Status: StatusSucceeded,
						ForeachIndex: -1, Attempts: []Attempt{}, Cards: []Card{}, stub: true})
				}
			}
		}
		sortTasks(st.tasks)
		stepStartFallback(st)
		snap.steps = append(snap.steps, st)
	}
	sortSteps(snap.steps, end)
	rd.withParameters(snap)
	return snap, nil
}

// endStep is the run's end step: the end_step metadata of _parameters
// (Metaflow 2.19.23+), else "end".
func (rd *runReader) endStep(runDir string) string {
	meta := filepath.Join(runDir, "_parameters", "0", "_meta")
	ents, err := rd.fsys.ReadDir(meta)
	if err != nil {
		return "end"
	}
	for _, e := range ents {
		if f, _, ok := sysmetaName(e.Name()); ok && f == "end_step" {
			if s, err := readSysmeta(rd.fsys, filepath.Join(meta, e.Name())); err == nil && s.Value.String() != "" {
				return s.Value.String()
			}
		}
	}
	return "end"
}

func (rd *runReader) readStepHeader(dir string, st *Step) {
	b, err := readFile(rd.fsys, filepath.Join(dir, "_meta", "_self.json"), maxMetaBytes)
	if err == nil {
		var m selfMeta
		if m, err = parseSelf(b); err == nil {
			st.Started = epochMillis(m.TSEpoch)
			st.Err = ""
			st.headerRead = true
			return
		}
	}
	if !errors.Is(err, fs.ErrNotExist) {
		st.Err = fmt.Sprintf("step metadata: %v", err)
	}
}

func (rd *runReader) loadStep(flow, run, name string, cd cardDirs) (*stepSnap, []string) {
	dir := filepath.Join(rd.runDir(flow, run), name)
	st := &stepSnap{step: Step{Name: name}}
	rd.readStepHeader(dir, &st.step)
	ents, err := rd.fsys.ReadDir(dir)
	if err != nil {
		st.step.Err = fmt.Sprintf("cannot read step folder: %v", err)
		return st, nil
	}
	var ids []string
	for _, e := range ents {
		if e.IsDir() && !skipName(levelStep, e.Name()) {
			ids = append(ids, e.Name())
		}
	}
	tasks := make([]*Task, len(ids))
	retries := make([][]string, len(ids))
	rd.parallel(len(ids), func(i int) {
		t, r, err := rd.loadTask(flow, run, name, ids[i], cd)
		if err == nil {
			tasks[i], retries[i] = t, r
		}
	})
	var retry []string
	for i, t := range tasks {
		if t != nil {
			st.tasks = append(st.tasks, t)
			retry = append(retry, retries[i]...)
		}
	}
	sortTasks(st.tasks)
	stepStartFallback(st)
	return st, retry
}

// stepStartFallback orders a step whose _self.json is unreadable by its
// first task's start.
func stepStartFallback(st *stepSnap) {
	if !st.step.Started.IsZero() {
		return
	}
	for _, t := range st.tasks {
		if !t.Started.IsZero() && (st.step.Started.IsZero() || t.Started.Before(st.step.Started)) {
			st.step.Started = t.Started
		}
	}
}

// loadTask reads one task and lists its cards. err is fs.ErrNotExist when
// the task folder is gone.
func (rd *runReader) loadTask(flow, run, step, id string, cd cardDirs) (*Task, []string, error) {
	dir := filepath.Join(rd.runDir(flow, run), step, id)
	tr, err := readTask(rd.fsys, dir, flow, run, step, id)
	if err != nil {
		return nil, nil, err
	}
	t := &tr.task
	if t.ForeachIndex < 0 && t.ForeachVar == "" && t.Status != StatusRunning {
		// No foreach metadata: a writer before 2.14.1, or not a foreach.
		rd.foreachFromStack(dir, t)
	}
	var cs []Card
	var cerr error
	if t.OriginRun != "" && t.OriginTask != "" {
		// Cloned by resume: the cards stay with the origin task.
		cs, cerr = listCards(rd.fsys, rd.cardLoc(flow, t.OriginRun), flow, t.OriginRun, step, t.OriginTask, true, true)
		for i := range cs {
			cs[i].Origin = flow + "/" + t.OriginRun + "/" + step + "/" + t.OriginTask
		}
	} else {
		cs, cerr = listCards(rd.fsys, rd.cardLoc(flow, run), flow, run, step, id, cd.steps[step][id], cd.legacy[id])
	}
	if cerr != nil && t.Err == "" {
		t.Err = cerr.Error()
	}
	var retry []string
	if len(t.Attempts) > 1 {
		// Cards of several attempts share one folder; older writers leave
		// no card-info, so the attempt is inferred from the tokens.
		for i := range cs {
			if _, ok := tr.cardAttempt[cs[i].UUID]; !ok {
				retry = append(retry, rd.resolveCard(&cs[i])...)
			}
		}
	}
	attachAttempts(cs, &tr)
	if cs == nil {
		cs = []Card{}
	}
	t.Cards = cs
	for _, c := range cs {
		if t.Status == StatusRunning {
			t.LastActivity = laterOf(t.LastActivity, c.HTML.ModTime)
			if c.Data != nil {
				t.LastActivity = laterOf(t.LastActivity, c.Data.ModTime)
			}
		}
	}
	return t, append(tr.retry, retry...), nil
}

// resolveCard reads the tokens of a card's files; it returns the paths
// caught mid-write.
func (rd *runReader) resolveCard(c *Card) []string {
	var retry []string
	if !c.TokenKnown {
		tok, _, err := resolveHTML(rd.fsys, &c.HTML, c.Type)
		switch {
		case err == nil:
			c.Token, c.TokenKnown, c.HTML.Err = tok, true, ""
		case errors.Is(err, ErrIncomplete):
			retry = append(retry, c.HTML.Path)
		default:
			c.HTML.Err = err.Error()
			c.TokenKnown = true
		}
	}
	if c.Data != nil && !c.Data.resolved {
		err := resolveData(rd.fsys, c.Data)
		switch {
		case err == nil:
		case errors.Is(err, ErrIncomplete):
			retry = append(retry, c.Data.Path)
		default:
			c.Data.Err = err.Error()
			c.Data.resolved = true
		}
	}
	c.Err = cmp.Or(c.HTML.Err, dataErr(c.Data))
	c.updateFinal()
	return retry
}

func dataErr(f *CardFile) string {
	if f == nil {
		return ""
	}
	return f.Err
}

// parallel runs fn(0..n-1) on a few goroutines; big foreach steps are the
// case it is for.
func (rd *runReader) parallel(n int, fn func(i int)) {
	if n < 16 {
		for i := 0; i < n; i++ {
			fn(i)
		}
		return
	}
	workers := min(4, n)
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// sortSteps orders steps by when their first task was created, which is
// DAG order for a list; "start" comes first and the end step last even when
// their times are unreadable.
func sortSteps(steps []*stepSnap, endStep string) {
	rank := func(name string) int {
		switch name {
		case "start":
			return 0
		case endStep:
			return 2
		}
		return 1
	}
	sort.SliceStable(steps, func(i, j int) bool {
		a, b := steps[i].step, steps[j].step
		if ra, rb := rank(a.Name), rank(b.Name); ra != rb {
			return ra < rb
		}
		if !a.Started.Equal(b.Started) {
			if a.Started.IsZero() || b.Started.IsZero() {
				return !a.Started.IsZero()
			}
			return a.Started.Before(b.Started)
		}
		return a.Name < b.Name
	})
	for i, s := range steps {
		s.step.Order = i
	}
}

// sortTasks orders tasks by foreach index, then numerically by id.
func sortTasks(ts []*Task) {
	sort.SliceStable(ts, func(i, j int) bool {
		a, b := ts[i], ts[j]
		if a.ForeachIndex != b.ForeachIndex && a.ForeachIndex >= 0 && b.ForeachIndex >= 0 {
			return a.ForeachIndex < b.ForeachIndex
		}
		return lessID(a.ID, b.ID)
	})
}

func lessID(a, b string) bool {
	na, ea := strconv.ParseInt(a, 10, 64)
	nb, eb := strconv.ParseInt(b, 10, 64)
	if ea == nil && eb == nil {
		return na < nb
	}
	if (ea == nil) != (eb == nil) {
		return ea == nil
	}
	return a < b
}

// derive computes step and run status from the tasks (docs/format.md §6):
// succeeded when the end step succeeded; running while any latest attempt
// has no DONE; failed when an attempt failed and nothing runs; and
// "unknown" when a run that looks running has been quiet for StaleAfter
// (its orchestrator was killed, or a long step writes nothing).
func (ix *Index) derive(s *runSnap) {
	now := ix.now()
	r := &s.run
	r.Counts = Counts{}
	r.LastActivity = laterOf(r.Started, epochMillis(r.tsEpoch))
	var anyRunning, anyFailed, endOK bool
	var lastFinish time.Time
	// A run made by `resume` records its origin only on the tasks it
	// cloned (origin-run-id); the run's origin is theirs.
	r.OriginRun = ""
	for _, st := range s.steps {
		st.step.Counts = Counts{}
		for _, t := range st.tasks {
			if r.OriginRun == "" && t.OriginRun != "" {
				r.OriginRun = t.OriginRun
			}
			st.step.Counts.Add(t.Status)
			r.Counts.Add(t.Status)
			r.LastActivity = laterOf(r.LastActivity, t.LastActivity)
			lastFinish = laterOf(lastFinish, t.Finished)
			switch t.Status {
			case StatusRunning:
				anyRunning = true
			case StatusFailed:
				anyFailed = true
			case StatusSucceeded:
				if st.step.Name == s.endStep {
					endOK = true
					r.Finished = t.Finished
				}
			}
		}
		st.step.Status = stepStatus(st.step.Counts)
	}
	if act, ok := ix.activity.Load(r.Flow + "/" + r.ID); ok {
		r.LastActivity = laterOf(r.LastActivity, act.(time.Time))
	}
	stale := now.Sub(r.LastActivity) > ix.opts.StaleAfter
	switch {
	case endOK:
		r.Status = StatusSucceeded
	case anyRunning && stale:
		r.Status = StatusUnknown
	case anyRunning:
		r.Status = StatusRunning
	case anyFailed:
		r.Status = StatusFailed
		r.Finished = lastFinish
	case stale:
		r.Status = StatusUnknown
	default:
		// Between steps, or the run folder was just made.
		r.Status = StatusRunning
	}
	if r.Status != StatusSucceeded && r.Status != StatusFailed {
		r.Finished = time.Time{}
	}
	if r.Status == StatusUnknown {
		// Report tasks that look running as unknown too.
		for _, st := range s.steps {
			if st.step.Counts.Running > 0 {
				st.step.Counts.Unknown += st.step.Counts.Running
				st.step.Counts.Running = 0
				st.step.Status = stepStatus(st.step.Counts)
			}
		}
		r.Counts.Unknown += r.Counts.Running
		r.Counts.Running = 0
	}
	r.Loaded = s.loaded
}

func stepStatus(c Counts) Status {
	switch {
	case c.Total == 0:
		return StatusRunning
	case c.Running > 0:
		return StatusRunning
	case c.Failed > 0:
		return StatusFailed
	case c.Succeeded == c.Total:
		return StatusSucceeded
	}
	return StatusUnknown
}

// live reports whether a run may still change (for watch budgets).
func (s *runSnap) live() bool {
	return !s.loaded || (s.run.Status != StatusSucceeded && s.run.Status != StatusFailed)
}

// effectiveTask maps a running task of a stale run to unknown.
func (s *runSnap) effectiveTask(t *Task) Task {
	c := *t
	if s.run.Status == StatusUnknown && c.Status == StatusRunning {
		c.Status = StatusUnknown
	}
	return c
}
