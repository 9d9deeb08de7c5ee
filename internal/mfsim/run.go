package mfsim

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RunOptions describe a new run.
type RunOptions struct {
	// ID is the run id; default int(time.time()*1e6) from the clock.
	ID string
	// User defaults to the Datastore's user.
	User string
	// Tags are the user tags (run --tag).
	Tags []string
	// Params are the flow's Parameters: artifacts of _parameters/0 and of
	// every task, and the default card's "Flow Parameters".
	Params []Param
	// Graph is the DAG, in graph order. Default: start -> end.
	Graph []GraphStep
	// Script is the script-name metadata; default <flow name in snake case>.py.
	Script string
	// Origin makes this a `resume` of another run: latest_run is left
	// alone, _parameters/0 gets _resume_done, and every task records
	// origin-run-id. Clone tasks with Step.CloneTask.
	Origin *Run
}

// Param is one flow Parameter.
type Param struct {
	Name  string
	Value any
}

// GraphStep is one node of the DAG, as the default card's dag component
// and the _graph_info artifact describe it.
type GraphStep struct {
	Name string
	// Type is start, linear, split, foreach, join, end (Metaflow writes a
	// static split as "unknown").
	Type string
	Next []string
	Doc  string
	// BoxEnds names the join that closes a split or foreach.
	BoxEnds string
}

// LinearGraph is a chain of steps: the first is the start, the last the end.
func LinearGraph(steps ...string) []GraphStep {
	g := make([]GraphStep, len(steps))
	for i, s := range steps {
		g[i] = GraphStep{Name: s, Type: "linear"}
		if i+1 < len(steps) {
			g[i].Next = []string{steps[i+1]}
		}
	}
	if len(g) > 0 {
		g[0].Type = "start"
		g[len(g)-1].Type = "end"
	}
	return g
}

// ForeachGraph is start -> body (foreach) -> join -> end, with optional
// linear steps before the split.
func ForeachGraph(body, join string, before ...string) []GraphStep {
	chain := append([]string{"start"}, before...)
	g := LinearGraph(append(chain, body, join, "end")...)
	split := &g[len(chain)-1]
	split.Type = "foreach"
	split.BoxEnds = join
	g[len(chain)+1].Type = "join"
	return g
}

// Run is one run of a flow.
type Run struct {
	flow       *Flow
	id         string
	user       string
	tags       []string // current user tags (tag add changes them)
	createTags []string // tags copied into steps, tasks and artifacts
	params     []Param
	graph      []GraphStep
	script     string
	origin     *Run
	created    time.Time

	mu       sync.Mutex
	nextTask int
	steps    map[string]*Step
	outputs  map[string][]namedValue // user artifacts of each step's successful tasks
	nOutputs map[string]int
	splits   map[string][]string // foreach values by variable
}

func (r *Run) ds() *Datastore { return r.flow.ds }

// ID returns the run id.
func (r *Run) ID() string { return r.id }

// Flow returns the run's flow.
func (r *Run) Flow() *Flow { return r.flow }

// Pathspec returns <flow>/<run>.
func (r *Run) Pathspec() string { return r.flow.name + "/" + r.id }

// NewRun starts a run the way `python flow.py run` does: the flow object
// (first run only), the run object, latest_run, and the _parameters pseudo
// task with its artifacts and DONE.
func (f *Flow) NewRun(o RunOptions) (*Run, error) {
	d := f.ds
	t := d.now()
	if o.ID == "" {
		o.ID = strconv.FormatInt(t.UnixMicro(), 10)
	}
	if o.User == "" {
		o.User = d.opts.User
	}
	if o.Graph == nil {
		o.Graph = LinearGraph("start", "end")
	}
	if o.Script == "" {
		o.Script = scriptName(f.name)
	}
	r := &Run{
		flow: f, id: o.ID, user: o.User,
		tags: append([]string(nil), o.Tags...), createTags: append([]string(nil), o.Tags...),
		params: o.Params, graph: o.Graph, script: o.Script, origin: o.Origin,
		created: t, nextTask: 1, steps: map[string]*Step{},
		outputs: map[string][]namedValue{}, nOutputs: map[string]int{},
		splits: map[string][]string{},
	}
	if err := f.writeSelf(t); err != nil {
		return nil, err
	}
	if err := d.put(path.Join(f.name, r.id, "_meta", "_self.json"), mustPyJSON(r.runSelf(t))); err != nil {
		return nil, err
	}
	if o.Origin == nil {
		// `resume` leaves latest_run naming the origin run (docs/format.md §3).
		if err := d.put(path.Join(f.name, "latest_run"), []byte(r.id)); err != nil {
			return nil, err
		}
	}
	if err := r.writeParameters(); err != nil {
		return nil, err
	}
	return r, nil
}

// writeParameters writes _parameters/0: the pseudo task that holds the
// Parameters. It has no task_begin, no logs and no attempt_ok.
func (r *Run) writeParameters() error {
	d := r.ds()
	t := d.now()
	base := path.Join(r.flow.name, r.id, "_parameters")
	if err := d.put(path.Join(base, "_meta", "_self.json"), mustPyJSON(r.stepSelf("_parameters", t))); err != nil {
		return err
	}
	m := newMetaWriter(r, "_parameters", "0")
	if err := m.writeSelf(t); err != nil {
		return err
	}
	if err := m.write(d.now(), attemptTag(0), r.systemInfo()...); err != nil {
		return err
	}
	if err := d.put(path.Join(base, "0", "0.attempt.json"), attemptJSON(d.now())); err != nil {
		return err
	}
	vals := make([]namedValue, 0, len(r.params)+7)
	for _, p := range r.params {
		vals = append(vals, namedValue{p.Name, p.Value})
	}
	vals = append(vals,
		namedValue{"name", r.flow.name},
		namedValue{"_transition", nil},
		namedValue{"_task_ok", true},
		namedValue{"_success", true},
		namedValue{"_graph_info", r.graphInfo()},
		namedValue{"_foreach_stack", []any{}},
	)
	if d.feat.newArtifacts {
		vals = append(vals, namedValue{"_configs_processed", true})
	}
	tEnd := d.now()
	arts, err := r.storeArtifacts(vals, tEnd)
	if err != nil {
		return err
	}
	if err := d.put(path.Join(base, "0", "0.data.json"), d.dataJSON(0, arts)); err != nil {
		return err
	}
	if err := r.writeArtifactRecords("_parameters", "0", 0, arts, tEnd); err != nil {
		return err
	}
	if err := m.write(d.now(), attemptTag(0), sysField("attempt-done", "0")); err != nil {
		return err
	}
	if err := d.put(path.Join(base, "0", "0.DONE.lock"), doneLock); err != nil {
		return err
	}
	if d.feat.graphMeta && len(r.graph) > 0 {
		t := d.now()
		if err := m.write(t, nil,
			field{"start_step", "graph_structure", r.graph[0].Name},
			field{"end_step", "graph_structure", r.graph[len(r.graph)-1].Name}); err != nil {
			return err
		}
	}
	if r.origin != nil {
		return d.put(path.Join(base, "0", "_resume_done"), nil)
	}
	return nil
}

func (r *Run) storeArtifacts(vals []namedValue, t time.Time) ([]storedArtifact, error) {
	arts := make([]storedArtifact, 0, len(vals))
	for _, v := range vals {
		b := r.ds().makeBlob(v.name, v.value, t)
		if err := r.flow.storeBlob(b); err != nil {
			return nil, err
		}
		arts = append(arts, b.storedArtifact)
	}
	return arts, nil
}

func (r *Run) writeArtifactRecords(step, task string, attempt int, arts []storedArtifact, t time.Time) error {
	dir := path.Join(r.flow.name, r.id, step, task, "_meta")
	for _, a := range arts {
		if r.ds().lean && strings.HasPrefix(a.name, "_") && a.name != "_task_ok" {
			continue
		}
		rel := path.Join(dir, strconv.Itoa(attempt)+"_artifact_"+a.name+".json")
		if err := r.ds().put(rel, mustPyJSON(r.artifactRecord(step, task, attempt, a, t))); err != nil {
			return err
		}
	}
	return nil
}

// AddTags is `tag add`: the run's _self.json is replaced (atomically) with
// the new tags and a new ts_epoch. Steps and tasks keep their copies.
func (r *Run) AddTags(tags ...string) error {
	r.mu.Lock()
	r.tags = append(r.tags, tags...)
	rec := r.runSelf(r.ds().now())
	r.mu.Unlock()
	return r.ds().put(path.Join(r.flow.name, r.id, "_meta", "_self.json"), mustPyJSON(rec))
}

// Step returns the step called name. Its _meta/_self.json is written with
// its first task.
func (r *Run) Step(name string) *Step {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.steps[name]
	if s == nil {
		s = &Step{run: r, name: name}
		r.steps[name] = s
	}
	return s
}

// allocTaskID hands out run-wide task ids as Metaflow does: 1, 2, 3, …
func (r *Run) allocTaskID(want string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if want == "" {
		id := strconv.Itoa(r.nextTask)
		r.nextTask++
		return id, nil
	}
	n, err := strconv.Atoi(want)
	if err != nil {
		return "", fmt.Errorf("mfsim: task id %q is not a number", want)
	}
	if n >= r.nextTask {
		r.nextTask = n + 1
	}
	return want, nil
}

// recordOutput remembers a successful task's user artifacts so that the
// next step's task carries them, as Metaflow's artifacts flow down the DAG.
func (r *Run) recordOutput(step string, arts []namedValue) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.outputs[step] = append([]namedValue(nil), arts...)
	r.nOutputs[step]++
}

// inherited is what a new task of step starts with: the artifacts of its
// one predecessor task. A join starts empty (it must merge explicitly),
// and so does a step after a foreach body's many tasks.
func (r *Run) inherited(step string) []namedValue {
	g, ok := r.graphStep(step)
	if !ok || g.Type == "join" {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var preds []string
	for _, p := range r.graph {
		for _, n := range p.Next {
			if n == step {
				preds = append(preds, p.Name)
			}
		}
	}
	if len(preds) != 1 || r.nOutputs[preds[0]] != 1 {
		return nil
	}
	return append([]namedValue(nil), r.outputs[preds[0]]...)
}

func (r *Run) setSplit(s *Split) {
	r.mu.Lock()
	r.splits[s.Var] = s.Values
	r.mu.Unlock()
}

func (r *Run) splitValues(v string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.splits[v]
}

func (r *Run) graphStep(name string) (GraphStep, bool) {
	for _, g := range r.graph {
		if g.Name == name {
			return g, true
		}
	}
	return GraphStep{}, false
}

// graphInfo is a stand-in for the pickled _graph_info dict.
func (r *Run) graphInfo() Obj {
	steps := Obj{}
	for _, g := range r.graph {
		steps = append(steps, KV{g.Name, Obj{{"type", g.Type}, {"next", stringsToAny(g.Next)}, {"doc", g.Doc}}})
	}
	return Obj{{"file", r.script}, {"parameters", []any{}}, {"steps", steps}, {"doc", ""}}
}

// scriptName turns DemoFlow into demo_flow.py, as the fixtures' flows are named.
func scriptName(flow string) string {
	var b strings.Builder
	for i, c := range flow {
		if c >= 'A' && c <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			c += 'a' - 'A'
		}
		b.WriteRune(c)
	}
	return b.String() + ".py"
}

var doneLock = []byte(`""`)

func attemptJSON(t time.Time) []byte {
	return mustPyJSON(Obj{{"time", epochSec(t)}})
}
