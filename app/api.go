package app

import (
	"flowdeck/wire"
	"net/http"
	"slices"
	"strconv"
	"time"

	"flowdeck/datastore"
)

func (a *App) status() any { return a.statusAt(a.hub.current()) }

// statusAt is the status with seq as its change count (hub.seq).
func (a *App) statusAt(seq uint64) any {
	s := a.session()
	if s == nil {
		return wire.NoDatastore{Error: "no datastore", Welcome: true, Shell: a.opts.Shell, Version: a.opts.Version}
	}
	st := wire.DatastoreStatus{Root: s.loc.Root, CardRoot: s.loc.CardRoot, Demo: s.demo, Home: wire.OptString(a.homeRoot()), Shell: a.opts.Shell, Version: a.opts.Version,
		Watch: WatchState{Mode: "off"}, Seq: seq}
	for _, f := range s.ix.Flows() {
		st.Flows++
		st.Runs += f.Runs
	}
	st.Indexing.Done, st.Indexing.Total = s.ix.Progress()
	if s.watch != nil {
		st.Watch = s.watch.State()
	}
	return st
}

func (a *App) getDatastore(w http.ResponseWriter, r *http.Request) {
	if a.session() == nil {
		writeLookupError(w, errNoDatastore)
		return
	}
	writeJSON(w, http.StatusOK, a.status())
}

// getLanding answers where the UI opens with no route (datastore.Landing).
func (a *App) getLanding(w http.ResponseWriter, r *http.Request) {
	ix := a.index(w)
	if ix == nil {
		return
	}
	l, err := ix.Landing(r.Context())
	if err != nil {
		writeLookupError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, toLanding(l))
}

// index returns the current index, or writes the welcome answer.
func (a *App) index(w http.ResponseWriter) *datastore.Index {
	s := a.session()
	if s == nil {
		writeLookupError(w, errNoDatastore)
		return nil
	}
	return s.ix
}

// cardIndex is index() for routes that take a card key: a key that cannot
// be one is 404 before the index is asked.
func (a *App) cardIndex(w http.ResponseWriter, key string) *datastore.Index {
	ix := a.index(w)
	if ix != nil && !validKey(key) {
		writeError(w, http.StatusNotFound, "not found")
		return nil
	}
	return ix
}

func (a *App) getFlows(w http.ResponseWriter, r *http.Request) {
	ix := a.index(w)
	if ix == nil {
		return
	}
	out := []wire.Flow{}
	for _, f := range ix.Flows() {
		out = append(out, wire.Flow{Name: f.Name, Runs: f.Runs, LatestRun: wire.OptString(f.LatestRun), Err: wire.OptString(f.Err)})
	}
	writeJSON(w, http.StatusOK, out)
}

// Rows a run list shows first are read before it is answered, so they come
// with their status, but never for longer than shownWait (a slow or network
// file system): the rest arrive as the index reads them.
const (
	shownRuns = 40
	shownWait = 150 * time.Millisecond
)

func (a *App) loadShown(ix *datastore.Index, flow string) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		ix.LoadNewest(a.ctx, flow, shownRuns)
	}()
	t := time.NewTimer(shownWait)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
}

func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func (a *App) getRuns(w http.ResponseWriter, r *http.Request, flow string) {
	ix := a.index(w)
	if ix == nil {
		return
	}
	if s := a.session(); s != nil && !isClosed(s.loaded) {
		// Only while the background index runs: after it, nothing is left
		// to read and the list's live reloads skip this.
		a.loadShown(ix, flow)
	}
	runs, err := ix.Runs(flow)
	if err != nil {
		writeLookupError(w, err)
		return
	}
	out := make([]wire.RunSummary, 0, len(runs))
	s := a.session()
	for _, run := range runs {
		out = append(out, s.runOut(run))
	}
	writeJSON(w, http.StatusOK, out)
	if s := a.session(); s != nil {
		s.pacer.RunsServed(flow)
	}
}

const (
	defaultTaskLimit = 500
	maxTaskLimit     = 5000
)

func pageParams(r *http.Request) (offset, limit int) {
	limit = defaultTaskLimit
	// limit=0 asks for the steps without their tasks (a header refresh).
	if v, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && v >= 0 {
		limit = min(v, maxTaskLimit)
	}
	if v, err := strconv.Atoi(r.URL.Query().Get("offset")); err == nil && v > 0 {
		offset = v
	}
	return offset, limit
}

// runWithGraph fetches a run in DAG order, or writes the error answer.
func (a *App) runWithGraph(w http.ResponseWriter, r *http.Request, flow, run string) (datastore.RunDetail, *datastore.Graph, bool) {
	ix := a.index(w)
	if ix == nil {
		return datastore.RunDetail{}, nil, false
	}
	d, g, err := ix.RunWithGraph(r.Context(), flow, run)
	if err != nil {
		writeLookupError(w, err)
		return d, nil, false
	}
	return d, g, true
}

func (a *App) getRun(w http.ResponseWriter, r *http.Request, flow, run string) {
	d, g, ok := a.runWithGraph(w, r, flow, run)
	if !ok {
		return
	}
	_, limit := pageParams(r)
	out := wire.RunDetail{RunSummary: a.session().runOut(d.Run), EndStep: d.EndStep, Steps: make([]wire.Step, 0, len(d.Steps)), DAG: g,
		Failures: []datastore.Failure{}}
	if s := a.session(); s != nil {
		out.Failures = s.ix.RunFailures(r.Context(), d)
		out.CardsFoundIn = wire.OptString(s.ix.RunCardRoot(flow, run))
	}
	for _, st := range d.Steps {
		out.Steps = append(out.Steps, toStep(st, g.StepType(st.Name), 0, limit))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *App) getStep(w http.ResponseWriter, r *http.Request, flow, run, step string) {
	d, g, ok := a.runWithGraph(w, r, flow, run)
	if !ok {
		return
	}
	offset, limit := pageParams(r)
	for _, st := range d.Steps {
		if st.Name == step {
			writeJSON(w, http.StatusOK, toStep(st, g.StepType(st.Name), offset, limit))
			return
		}
	}
	writeError(w, http.StatusNotFound, "not found")
}

func (a *App) getTask(w http.ResponseWriter, r *http.Request, flow, run, step, task string) {
	ix := a.index(w)
	if ix == nil {
		return
	}
	t, err := ix.Task(r.Context(), flow, run, step, task)
	if err != nil {
		writeLookupError(w, err)
		return
	}
	attempt := attemptParam(r, t.Attempt)
	out := wire.TaskDetail{TaskSummary: toTask(t, true), Attempts: []wire.Attempt{},
		Pathspec: flow + "/" + run + "/" + step + "/" + task, CardsFoundIn: wire.OptString(ix.RunCardRoot(flow, run)), CardSearch: ix.MissingCards(flow, run)}
	for _, at := range t.Attempts {
		out.Attempts = append(out.Attempts, wire.Attempt{Attempt: at.N, Status: at.Status, Started: wire.Time(at.Started), Finished: wire.Time(at.Finished), Logs: wire.NonNil(at.Logs)})
		if at.N == attempt {
			out.Logs.Stdout = slices.Contains(at.Logs, string(wire.Stdout))
			out.Logs.Stderr = slices.Contains(at.Logs, string(wire.Stderr))
		}
	}
	arts, err := ix.TaskArtifacts(r.Context(), flow, run, step, task, attempt)
	if err != nil {
		// The task is still worth showing; the artifact list says why it
		// is missing.
		out.Err = wire.OptString("artifacts: " + err.Error())
		arts = []datastore.Artifact{}
	}
	out.Artifacts = arts
	writeJSON(w, http.StatusOK, out)
}

// attemptParam is the ?attempt=N of a task request, or def when it is
// missing or not a valid attempt number (-1 asks for the latest attempt).
func attemptParam(r *http.Request, def int) int {
	if v, err := strconv.Atoi(r.URL.Query().Get("attempt")); err == nil && v >= 0 {
		return v
	}
	return def
}

func (a *App) getLog(w http.ResponseWriter, r *http.Request, flow, run, step, task, stream string) {
	ix := a.index(w)
	if ix == nil {
		return
	}
	attempt := attemptParam(r, -1)
	l, err := ix.TaskLog(r.Context(), flow, run, step, task, attempt, stream)
	if err != nil {
		writeLookupError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, l)
}

// postReloadRun reads a run again from disk and publishes what changed.
func (a *App) postReloadRun(w http.ResponseWriter, r *http.Request, flow, run string) {
	ix := a.index(w)
	if ix == nil {
		return
	}
	res, err := ix.RescanRun(flow, run)
	if err != nil {
		writeLookupError(w, err)
		return
	}
	a.publishChanges(res.Changes)
	writeJSON(w, http.StatusOK, wire.Reloaded{OK: true, Changes: len(res.Changes)})
}

// getTimeline answers every attempt of every task of a run in one compact
// list, for the run page's Gantt chart.
func (a *App) getTimeline(w http.ResponseWriter, r *http.Request, flow, run string) {
	d, _, ok := a.runWithGraph(w, r, flow, run)
	if !ok {
		return
	}
	out := wire.Timeline{Now: wire.Time(time.Now()), Status: toRun(d.Run).Status, Started: wire.Time(d.Started), Finished: wire.Time(d.Finished), Attempts: []wire.TimelineAttempt{}}
	for _, st := range d.Steps {
		for _, t := range st.Tasks {
			out.Tasks++
			for i := len(t.Attempts) - 1; i >= 0; i-- {
				at := t.Attempts[i]
				if at.Status == datastore.StatusRunning && t.Status == datastore.StatusUnknown {
					at.Status = t.Status // a stale run's task (see Index.derive)
				}
				out.Attempts = append(out.Attempts, wire.TimelineAttempt{Step: st.Name, Task: t.ID, Attempt: at.N, Status: at.Status,
					Started: wire.Time(at.Started), Finished: wire.Time(at.Finished)})
			}
			if len(t.Attempts) == 0 {
				out.Attempts = append(out.Attempts, wire.TimelineAttempt{Step: st.Name, Task: t.ID, Attempt: t.Attempt, Status: t.Status,
					Started: wire.Time(t.Started), Finished: wire.Time(t.Finished)})
			}
		}
	}
	writeJSON(w, http.StatusOK, out)
}
