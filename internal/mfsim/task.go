package mfsim

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Step is one step of a run.
type Step struct {
	run  *Run
	name string

	once    sync.Once
	selfErr error
}

// Name returns the step name.
func (s *Step) Name() string { return s.name }

// Run returns the step's run.
func (s *Step) Run() *Run { return s.run }

func (s *Step) writeSelf(t time.Time) error {
	s.once.Do(func() {
		r := s.run
		s.selfErr = r.ds().put(path.Join(r.flow.name, r.id, s.name, "_meta", "_self.json"), mustPyJSON(r.stepSelf(s.name, t)))
	})
	return s.selfErr
}

// TaskOptions describe a new task.
type TaskOptions struct {
	// ID is the task id; default the run's next id.
	ID string
	// Foreach marks a task of a foreach body: its foreach-stack and
	// foreach-execution-path metadata and _foreach_stack artifact.
	Foreach *Foreach
	// Split marks the task that starts a foreach (its _foreach_var,
	// _foreach_num_splits and _foreach_values artifacts).
	Split *Split
	// Code is the step's source, shown in the default card's "Task Code".
	Code string
	// Next overrides the steps the task transitions to (default: the graph).
	Next []string
}

// Foreach is the position of a task in a foreach.
type Foreach struct {
	Var   string // the foreach variable, e.g. "items"
	Value string // the item's value as foreach-stack shows it, e.g. "item_003"
	Index int    // 0-based index
	Num   int    // number of splits
}

// Split is the foreach a task starts.
type Split struct {
	Var    string
	Values []string
}

// Task is one task. Its methods write what one side of Metaflow writes at
// one moment of the task's life, so a test can stop between any two:
//
//	NewTask  orchestrator: task object, system metadata, 0.attempt.json
//	Begin    task process: attempt.json again, task_begin, attempt metadata
//	Card …   card subprocesses: runtime HTML, card-info, data JSON
//	Finish   task process: task_end, artifacts, data.json, attempt_ok, DONE
//	FinalizeCards  final HTML then final data JSON per card (success only)
//	Exit     orchestrator: <a>.runtime and the two logs
//	Retry    orchestrator: the next attempt's attempt.json
//
// Complete runs Finish, FinalizeCards and Exit. A Task and its Cards must
// not be used from several goroutines at once.
type Task struct {
	step    *Step
	id      string
	opts    TaskOptions
	next    []string
	meta    *metaWriter
	attempt int

	created      time.Time // the task object: the default card's "Task Created On"
	attemptStart time.Time
	artifacts    []namedValue
	cards        []*Card
	stdout       []logLine
	stderr       []logLine
	failure      string
	done         bool // DONE.lock of the current attempt is written
	ok           bool // outcome of the current attempt, once done
	finishedAt   time.Time
	lastData     []storedArtifact
}

type logLine struct {
	t    time.Time
	text string
}

// NewTask creates a task the way the orchestrator does before it starts
// the task process: the step object (first task only), the task object,
// the system metadata, and 0.attempt.json, which makes attempt 0 exist.
func (s *Step) NewTask(o TaskOptions) (*Task, error) {
	t, err := s.newTask(o)
	if err != nil {
		return nil, err
	}
	d := s.run.ds()
	if !d.lean {
		if err := t.meta.write(d.now(), attemptTag(0), s.run.systemInfo()...); err != nil {
			return nil, err
		}
	}
	if err := d.put(t.file("0.attempt.json"), attemptJSON(t.attemptStart)); err != nil {
		return nil, err
	}
	return t, nil
}

func (s *Step) newTask(o TaskOptions) (*Task, error) {
	id, err := s.run.allocTaskID(o.ID)
	if err != nil {
		return nil, err
	}
	t := &Task{step: s, id: id, opts: o, meta: newMetaWriter(s.run, s.name, id), artifacts: s.run.inherited(s.name)}
	if o.Split != nil {
		s.run.setSplit(o.Split)
	}
	t.next = o.Next
	if t.next == nil {
		if g, ok := s.run.graphStep(s.name); ok {
			t.next = g.Next
		}
	}
	d := s.run.ds()
	t.created = d.now()
	if err := s.writeSelf(t.created); err != nil {
		return nil, err
	}
	if err := t.meta.writeSelf(t.created); err != nil {
		return nil, err
	}
	t.attemptStart = d.now()
	return t, nil
}

// ID returns the task id.
func (t *Task) ID() string { return t.id }

// Step returns the task's step.
func (t *Task) Step() *Step { return t.step }

// Attempt returns the current attempt number.
func (t *Task) Attempt() int { return t.attempt }

// Pathspec returns <flow>/<run>/<step>/<task>.
func (t *Task) Pathspec() string { return t.step.run.Pathspec() + "/" + t.step.name + "/" + t.id }

// Cards returns the cards declared for the current attempt, in order.
func (t *Task) Cards() []*Card { return append([]*Card(nil), t.cards...) }

// Dir returns the task folder relative to the datastore root.
func (t *Task) Dir() string {
	r := t.step.run
	return path.Join(r.flow.name, r.id, t.step.name, t.id)
}

func (t *Task) file(name string) string { return path.Join(t.Dir(), name) }

func (t *Task) attemptFile(suffix string) string {
	return t.file(strconv.Itoa(t.attempt) + "." + suffix)
}

func (t *Task) ds() *Datastore { return t.step.run.ds() }

// Begin is the task process starting the current attempt: it rewrites
// <a>.attempt.json, writes <a>.task_begin and registers the attempt's
// metadata (system info, then ds-type/ds-root/origin-run-id/attempt and
// the foreach position).
func (t *Task) Begin() error {
	d := t.ds()
	r := t.step.run
	if err := d.put(t.attemptFile("attempt.json"), attemptJSON(d.now())); err != nil {
		return err
	}
	begin := Obj{}
	if d.feat.codePackageMeta {
		begin = append(begin, KV{"code_package_metadata", ""})
	}
	begin = append(begin, Obj{{"code_package_sha", nil}, {"code_package_ds", nil}, {"code_package_url", nil}, {"retry_count", t.attempt}}...)
	if err := d.put(t.attemptFile("task_begin"), mustPyJSON(begin)); err != nil {
		return err
	}
	tags := attemptTag(t.attempt)
	if err := t.meta.write(d.now(), tags, r.systemInfo()...); err != nil {
		return err
	}
	originRun := "None"
	if r.origin != nil {
		originRun = r.origin.id
	}
	fields := []field{
		sysField("ds-root", d.opts.DSRoot),
		sysField("origin-run-id", originRun),
		sysField("attempt", strconv.Itoa(t.attempt)),
		sysField("ds-type", "local"),
	}
	if fe := t.opts.Foreach; fe != nil && d.feat.foreachStack {
		fields = append(fields,
			sysField("foreach-stack", []string{fe.Var + "=" + fe.Value}),
			sysField("foreach-execution-path", t.step.name+":"+strconv.Itoa(fe.Index)))
	}
	return t.meta.write(d.now(), tags, fields...)
}

// SetArtifact adds or replaces a user artifact persisted by Finish.
func (t *Task) SetArtifact(name string, value any) {
	for i := range t.artifacts {
		if t.artifacts[i].name == name {
			t.artifacts[i].value = value
			return
		}
	}
	t.artifacts = append(t.artifacts, namedValue{name, value})
}

// Print records a line of the task's stdout; logs reach the datastore
// only at Exit, as with a local run.
func (t *Task) Print(line string) {
	t.stdout = append(t.stdout, logLine{t.ds().now(), line})
}

// PrintErr records a line of the task's stderr.
func (t *Task) PrintErr(line string) {
	t.stderr = append(t.stderr, logLine{t.ds().now(), line})
}

// Fail records why the attempt will fail: the _exception artifact and the
// stderr lines Metaflow prints.
func (t *Task) Fail(message string) {
	t.failure = message
	t.PrintErr(fmt.Sprintf("<flow %s step %s> failed:", t.step.run.flow.name, t.step.name))
	t.PrintErr("    Internal error")
	for _, l := range strings.Split(message, "\n") {
		t.PrintErr(l)
	}
}

// Finish ends the current attempt as the task process does: task_end, the
// artifact blobs and index, the artifact records, attempt_ok, attempt-done
// and DONE.lock — written for failed attempts too. Cards are not final yet.
func (t *Task) Finish(ok bool) error {
	d := t.ds()
	r := t.step.run
	if !ok && t.failure == "" {
		t.Fail("RuntimeError: simulated failure in " + t.step.name)
	}
	if err := d.put(t.attemptFile("task_end"), []byte("{}")); err != nil {
		return err
	}
	tEnd := d.now()
	arts, err := r.storeArtifacts(t.standardArtifacts(ok), tEnd)
	if err != nil {
		return err
	}
	t.lastData = arts
	if err := d.put(t.attemptFile("data.json"), d.dataJSON(t.attempt, arts)); err != nil {
		return err
	}
	if err := r.writeArtifactRecords(t.step.name, t.id, t.attempt, arts, tEnd); err != nil {
		return err
	}
	okStr := "False"
	if ok {
		okStr = "True"
	}
	tags := attemptTag(t.attempt)
	tOK := d.now()
	if err := t.meta.write(tOK, tags,
		field{"attempt_ok", "internal_attempt_status", okStr},
		sysField("attempt-done", strconv.Itoa(t.attempt))); err != nil {
		return err
	}
	if err := d.put(t.attemptFile("DONE.lock"), doneLock); err != nil {
		return err
	}
	t.done = true
	t.finishedAt = tOK
	t.ok = ok
	if ok {
		r.recordOutput(t.step.name, t.artifacts)
	}
	return nil
}

// FinalizeCards renders every card of the attempt for the last time,
// after DONE and only on success: final HTML, then final data JSON, card
// after card starting with the @card nearest the def (the last declared).
func (t *Task) FinalizeCards() error {
	if !t.ok {
		return nil
	}
	for i := len(t.cards) - 1; i >= 0; i-- {
		if err := t.cards[i].RenderFinal(); err != nil {
			return err
		}
	}
	return nil
}

// Exit is the orchestrator noticing the task process exited: <a>.runtime,
// then the stdout and stderr logs in mflog format.
func (t *Task) Exit() error {
	d := t.ds()
	rc, success := 0, true
	if !t.ok {
		rc, success = 1, false
		if len(t.stderr) > 0 || t.failure != "" {
			t.PrintErr("")
			t.PrintErr("Task failed.")
		}
	}
	rt := Obj{{"return_code", rc}, {"killed", false}, {"success", success}}
	if err := d.put(t.attemptFile("runtime"), mustPyJSON(rt)); err != nil {
		return err
	}
	if err := d.put(t.attemptFile("runtime_stdout.log"), t.mflog(t.stdout)); err != nil {
		return err
	}
	if err := d.put(t.attemptFile("runtime_stderr.log"), t.mflog(t.stderr)); err != nil {
		return err
	}
	return nil
}

// Complete is Finish, FinalizeCards and Exit.
func (t *Task) Complete(ok bool) error {
	if err := t.Finish(ok); err != nil {
		return err
	}
	if err := t.FinalizeCards(); err != nil {
		return err
	}
	return t.Exit()
}

// Retry starts the next attempt the way the orchestrator does after a
// failure: <a+1>.attempt.json. Call Begin next, and Card again: card uuids
// are per attempt, and the old attempt's cards stay where they are.
func (t *Task) Retry() error {
	if !t.done {
		return fmt.Errorf("mfsim: retry %s: attempt %d has not finished", t.Pathspec(), t.attempt)
	}
	t.attempt++
	t.cards = nil
	t.stdout, t.stderr, t.failure, t.done, t.ok = nil, nil, "", false, false
	t.attemptStart = t.ds().now()
	return t.ds().put(t.attemptFile("attempt.json"), attemptJSON(t.attemptStart))
}

// mflog formats log lines: [MFLOG|0|<UTC ISO time>|runtime|<uuid>]<text>.
func (t *Task) mflog(lines []logLine) []byte {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString("[MFLOG|0|")
		b.WriteString(l.t.UTC().Format("2006-01-02T15:04:05.000000Z"))
		b.WriteString("|runtime|")
		b.WriteString(t.ds().dashedUUID())
		b.WriteString("]")
		b.WriteString(l.text)
		b.WriteString("\n")
	}
	return []byte(b.String())
}
