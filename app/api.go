package app

import (
	"net/http"
	"strconv"
	"time"

	"flowdeck/datastore"
)

// status is the body of GET /api/datastore and of "status" events.
type statusJSON struct {
	Root     string     `json:"root"`
	CardRoot string     `json:"card_root"`
	Flows    int        `json:"flows"`
	Runs     int        `json:"runs"`
	Indexing progress   `json:"indexing"`
	Watch    WatchState `json:"watch"`
	Demo     bool       `json:"demo"`
	// Home is the datastore a demo returns to ("Leave the demo"), if any.
	Home    any    `json:"home"`
	Shell   string `json:"shell"`
	Version string `json:"version"`
}

type progress struct {
	Done  int `json:"done"`
	Total int `json:"total"`
}

func (a *App) status() any {
	s := a.session()
	if s == nil {
		return map[string]any{"error": "no datastore", "welcome": true, "shell": a.opts.Shell, "version": a.opts.Version}
	}
	st := statusJSON{Root: s.loc.Root, CardRoot: s.loc.CardRoot, Demo: s.demo, Home: a.homeRoot(), Shell: a.opts.Shell, Version: a.opts.Version,
		Watch: WatchState{Mode: "off"}}
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

type flowJSON struct {
	Name      string `json:"name"`
	Runs      int    `json:"runs"`
	LatestRun optStr `json:"latest_run"`
	Err       optStr `json:"error"`
}

func (a *App) getFlows(w http.ResponseWriter, r *http.Request) {
	ix := a.index(w)
	if ix == nil {
		return
	}
	out := []flowJSON{}
	for _, f := range ix.Flows() {
		out = append(out, flowJSON{Name: f.Name, Runs: f.Runs, LatestRun: optStr(f.LatestRun), Err: optStr(f.Err)})
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
	out := make([]runJSON, 0, len(runs))
	for _, run := range runs {
		out = append(out, toRun(run))
	}
	writeJSON(w, http.StatusOK, out)
	if s := a.session(); s != nil {
		s.pacer.RunsServed(flow)
	}
}

type runDetailJSON struct {
	runJSON
	DAG      *datastore.Graph    `json:"dag"`
	EndStep  string              `json:"end_step"`
	Steps    []stepJSON          `json:"steps"`
	Failures []datastore.Failure `json:"failures"`
	// CardsFoundIn is the card root of a run whose cards are not under
	// the datastore's (a subfolder's .metaflow/mf.cards).
	CardsFoundIn optStr `json:"cards_found_in"`
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
	out := runDetailJSON{runJSON: toRun(d.Run), EndStep: d.EndStep, Steps: make([]stepJSON, 0, len(d.Steps)), DAG: g,
		Failures: []datastore.Failure{}}
	if s := a.session(); s != nil {
		out.Failures = s.ix.RunFailures(r.Context(), d)
		out.CardsFoundIn = optStr(s.ix.RunCardRoot(flow, run))
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

type taskDetailJSON struct {
	taskJSON
	Attempts  []attemptJSON        `json:"attempts"`
	Artifacts []datastore.Artifact `json:"artifacts"`
	Logs      map[string]bool      `json:"logs"`
	Pathspec  string               `json:"pathspec"`
	// CardsFoundIn: see runDetailJSON. CardSearch is set when the run has
	// no card anywhere: where Flowdeck looked.
	CardsFoundIn optStr                `json:"cards_found_in"`
	CardSearch   *datastore.CardSearch `json:"card_search"`
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
	attempt := t.Attempt
	if v, err := strconv.Atoi(r.URL.Query().Get("attempt")); err == nil && v >= 0 {
		attempt = v
	}
	out := taskDetailJSON{taskJSON: toTask(t, true), Attempts: []attemptJSON{}, Logs: map[string]bool{"stdout": false, "stderr": false},
		Pathspec: flow + "/" + run + "/" + step + "/" + task, CardsFoundIn: optStr(ix.RunCardRoot(flow, run)), CardSearch: ix.MissingCards(flow, run)}
	for _, at := range t.Attempts {
		out.Attempts = append(out.Attempts, attemptJSON{Attempt: at.N, Status: at.Status, Started: jtime(at.Started), Finished: jtime(at.Finished), Logs: nonNil(at.Logs)})
		if at.N == attempt {
			for _, l := range at.Logs {
				out.Logs[l] = true
			}
		}
	}
	arts, err := ix.TaskArtifacts(r.Context(), flow, run, step, task, attempt)
	if err != nil {
		// The task is still worth showing; the artifact list says why it
		// is missing.
		out.Err = optStr("artifacts: " + err.Error())
		arts = []datastore.Artifact{}
	}
	out.Artifacts = arts
	writeJSON(w, http.StatusOK, out)
}

func (a *App) getLog(w http.ResponseWriter, r *http.Request, flow, run, step, task, stream string) {
	ix := a.index(w)
	if ix == nil {
		return
	}
	attempt := -1
	if v, err := strconv.Atoi(r.URL.Query().Get("attempt")); err == nil && v >= 0 {
		attempt = v
	}
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
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "changes": len(res.Changes)})
}

type timelineJSON struct {
	Step     string           `json:"step"`
	Task     string           `json:"task"`
	Attempt  int              `json:"attempt"`
	Status   datastore.Status `json:"status"`
	Started  jtime            `json:"started_at"`
	Finished jtime            `json:"finished_at"`
}

// getTimeline answers every attempt of every task of a run in one compact
// list, for the run page's Gantt chart.
func (a *App) getTimeline(w http.ResponseWriter, r *http.Request, flow, run string) {
	d, _, ok := a.runWithGraph(w, r, flow, run)
	if !ok {
		return
	}
	out := struct {
		Now      jtime            `json:"now"`
		Status   datastore.Status `json:"status"`
		Started  jtime            `json:"started_at"`
		Finished jtime            `json:"finished_at"`
		Tasks    int              `json:"tasks"`
		Attempts []timelineJSON   `json:"attempts"`
	}{Now: jtime(time.Now()), Status: toRun(d.Run).Status, Started: jtime(d.Started), Finished: jtime(d.Finished), Attempts: []timelineJSON{}}
	for _, st := range d.Steps {
		for _, t := range st.Tasks {
			out.Tasks++
			for i := len(t.Attempts) - 1; i >= 0; i-- {
				at := t.Attempts[i]
				if at.Status == datastore.StatusRunning && t.Status == datastore.StatusUnknown {
					at.Status = t.Status // a stale run's task (see Index.derive)
				}
				out.Attempts = append(out.Attempts, timelineJSON{Step: st.Name, Task: t.ID, Attempt: at.N, Status: at.Status,
					Started: jtime(at.Started), Finished: jtime(at.Finished)})
			}
			if len(t.Attempts) == 0 {
				out.Attempts = append(out.Attempts, timelineJSON{Step: st.Name, Task: t.ID, Attempt: t.Attempt, Status: t.Status,
					Started: jtime(t.Started), Finished: jtime(t.Finished)})
			}
		}
	}
	writeJSON(w, http.StatusOK, out)
}
