package mfsim

import (
	"context"
	"fmt"
	"time"
)

// Ready-made datastores shaped like the fixtures. They take the same
// Options as New (zero value: Metaflow 2.19.38, atomic writes, SimClock),
// write into root (a .metaflow folder) and return the runs they made. With
// a real Clock they take as long as the flows they imitate.

// sleep advances the datastore's clock; scenarios use no context because
// with the default SimClock they never block.
func (d *Datastore) sleep(dur time.Duration) { _ = d.clock.Sleep(context.Background(), dur) }

// simpleTask runs a task with no cards from start to finish.
func simpleTask(s *Step, o TaskOptions, lines ...string) (*Task, error) {
	t, err := s.NewTask(o)
	if err != nil {
		return nil, err
	}
	if err := t.Begin(); err != nil {
		return nil, err
	}
	for _, l := range lines {
		t.Print(l)
	}
	s.run.ds().sleep(20 * time.Millisecond)
	return t, t.Complete(true)
}

// WriteRetry mirrors fixtures/retry: RetryFlow start -> flaky -> end, where
// flaky's attempt 0 renders its blank card once and fails, and attempt 1
// succeeds with its own card in the same cards folder.
func WriteRetry(root string, opts Options) (*Run, error) {
	return writeRetry(New(root, opts))
}

func writeRetry(d *Datastore) (*Run, error) {
	r, err := d.Flow("RetryFlow").NewRun(RunOptions{Graph: LinearGraph("start", "flaky", "end")})
	if err != nil {
		return nil, err
	}
	if _, err := simpleTask(r.Step("start"), TaskOptions{}); err != nil {
		return nil, err
	}
	t, err := r.Step("flaky").NewTask(TaskOptions{})
	if err != nil {
		return nil, err
	}
	for attempt := 0; attempt < 2; attempt++ {
		if attempt > 0 {
			if err := t.Retry(); err != nil {
				return nil, err
			}
		}
		if err := t.Begin(); err != nil {
			return nil, err
		}
		c := t.Card(CardSpec{Type: "blank", RefreshInterval: 1})
		md := Markdown("attempt_md", fmt.Sprintf("# attempt %d", attempt))
		c.Append(md)
		if err := c.Refresh(); err != nil {
			return nil, err
		}
		d.sleep(2500 * time.Millisecond)
		if attempt == 0 {
			t.Fail("RuntimeError: attempt 0 fails on purpose")
			if err := t.Complete(false); err != nil {
				return nil, err
			}
			continue
		}
		c.Set(Markdown("attempt_md", "# attempt 1 succeeded"))
		t.SetArtifact("attempt_seen", 1)
		if err := t.Complete(true); err != nil {
			return nil, err
		}
	}
	if _, err := simpleTask(r.Step("end"), TaskOptions{}); err != nil {
		return nil, err
	}
	return r, nil
}

// WriteFailing mirrors fixtures/failing: FailingFlow start -> work, where
// work's live blank card updates six times and the task then fails. The
// card keeps its runtime token; the plain default card of the step never
// rendered, so it has no file; there is no end step.
func WriteFailing(root string, opts Options) (*Run, error) {
	d := New(root, opts)
	r, err := d.Flow("FailingFlow").NewRun(RunOptions{Graph: LinearGraph("start", "work", "end")})
	if err != nil {
		return nil, err
	}
	if _, err := simpleTask(r.Step("start"), TaskOptions{}); err != nil {
		return nil, err
	}
	t, err := r.Step("work").NewTask(TaskOptions{})
	if err != nil {
		return nil, err
	}
	if err := t.Begin(); err != nil {
		return nil, err
	}
	live := t.Card(CardSpec{Type: "blank", ID: "live", RefreshInterval: 1})
	t.Card(CardSpec{Type: "default"})
	live.Append(Markdown("status", "# working"), ProgressBar("progress", 10, 0).With("label", "work"))
	if err := live.Refresh(); err != nil {
		return nil, err
	}
	for i := 1; i <= 6; i++ {
		d.sleep(600 * time.Millisecond)
		live.Set(Markdown("status", fmt.Sprintf("# working\nstep %d", i)), ProgressBar("progress", 10, i).With("label", "work"))
		if err := live.Refresh(); err != nil {
			return nil, err
		}
	}
	d.sleep(2 * time.Second)
	t.Fail("RuntimeError: deliberate failure in FailingFlow.work")
	return r, t.Complete(false)
}

// WriteForeach mirrors fixtures/foreach with n items: ForeachFlow start ->
// process (n tasks, ids 2…n+1, each with a blank card rendered only at the
// end) -> join (a default card) -> end.
func WriteForeach(root string, n int, opts Options) (*Run, error) {
	return writeForeach(New(root, opts), n)
}

func writeForeach(d *Datastore, n int) (*Run, error) {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf("item_%03d", i)
	}
	r, err := d.Flow("ForeachFlow").NewRun(RunOptions{
		Params: []Param{{"width", n}},
		Graph:  ForeachGraph("process", "join"),
	})
	if err != nil {
		return nil, err
	}
	start, err := r.Step("start").NewTask(TaskOptions{Split: &Split{Var: "items", Values: items}})
	if err != nil {
		return nil, err
	}
	if err := start.Begin(); err != nil {
		return nil, err
	}
	start.SetArtifact("items", stringsToAny(items))
	if err := start.Complete(true); err != nil {
		return nil, err
	}
	sum := 0
	for i, item := range items {
		t, err := r.Step("process").NewTask(TaskOptions{Foreach: &Foreach{Var: "items", Value: item, Index: i, Num: n}})
		if err != nil {
			return nil, err
		}
		if err := t.Begin(); err != nil {
			return nil, err
		}
		result := len(item) * i
		sum += result
		t.SetArtifact("result", result)
		c := t.Card(CardSpec{Type: "blank", Title: "foreach task"})
		c.Append(Markdown("", fmt.Sprintf("# %s\nindex %d", item, i)),
			Table("", []string{"input", "index", "result"}, [][]any{{item, i, result}}))
		if err := t.Complete(true); err != nil {
			return nil, err
		}
	}
	join, err := r.Step("join").NewTask(TaskOptions{})
	if err != nil {
		return nil, err
	}
	if err := join.Begin(); err != nil {
		return nil, err
	}
	join.Card(CardSpec{Type: "default"})
	join.SetArtifact("results", sum)
	if err := join.Complete(true); err != nil {
		return nil, err
	}
	if _, err := simpleTask(r.Step("end"), TaskOptions{}, fmt.Sprintf("sum %d", sum)); err != nil {
		return nil, err
	}
	return r, nil
}

// WriteSeveralCards mirrors fixtures/components: ComponentsFlow whose start
// step has three cards (blank with id, default with id, blank without id)
// holding one of each component type.
func WriteSeveralCards(root string, opts Options) (*Run, error) {
	d := New(root, opts)
	r, err := d.Flow("ComponentsFlow").NewRun(RunOptions{})
	if err != nil {
		return nil, err
	}
	t, err := r.Step("start").NewTask(TaskOptions{})
	if err != nil {
		return nil, err
	}
	if err := t.Begin(); err != nil {
		return nil, err
	}
	all := t.Card(CardSpec{Type: "blank", ID: "components", Title: "All components"})
	extra := t.Card(CardSpec{Type: "default", ID: "extra"})
	plain := t.Card(CardSpec{Type: "blank"})
	all.Append(
		Markdown("intro", "# All components\nSome *markdown* text."),
		Table("mixed_table", []string{"col A", "col B", "col C"}, [][]any{
			{"plain string", 42, 3.14},
			{Markdown("", "**md in cell**"), Artifacts("", ArtifactEntry("", "dict", "{'in': 'cell'}")), Image("", tinyPNG, "tiny")},
		}),
		ProgressBar("static_progress", 10, 7).With("label", "static bar").With("unit", "items").With("details", "7 of 10"),
		ValueBox("acc_box", "Accuracy", 0.93).With("subtitle", "val set").With("theme", "success").With("change_indicator", "+2%"),
		VegaChart("bar_chart", Obj{
			{"$schema", "https://vega.github.io/schema/vega-lite/v5.json"},
			{"data", Obj{{"values", []any{Obj{{"k", "a"}, {"v", 3}}, Obj{{"k", "b"}, {"v", 5}}}}}},
			{"mark", "bar"},
			{"encoding", Obj{{"x", Obj{{"field", "k"}, {"type", "nominal"}}}, {"y", Obj{{"field", "v"}, {"type", "quantitative"}}}}},
		}),
		JSONViewer("", "config", `{"lr": 0.01, "layers": [64, 32]}`),
		PythonCode("", "print('hello')"),
		Log("", "An Error component\n\nValueError('demo error')"),
	)
	extra.Append(Markdown("", "## Appended to the default card with id=extra"))
	plain.Append(Markdown("", "# Card without id\nappended via current.card.append"))
	t.SetArtifact("png", tinyPNG)
	if err := t.Complete(true); err != nil {
		return nil, err
	}
	if _, err := simpleTask(r.Step("end"), TaskOptions{}); err != nil {
		return nil, err
	}
	return r, nil
}

// tinyPNG is a 1x1 PNG.
var tinyPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// WriteResume writes a run that fails in step b and its `resume`: a new
// run whose start and a tasks are clones (origin-run-id/origin-task-id, no
// cards, logs or .runtime), whose b and end run again with new cards, and
// after which latest_run still names the origin.
func WriteResume(root string, opts Options) (origin, resumed *Run, err error) {
	d := New(root, opts)
	graph := LinearGraph("start", "a", "b", "end")
	origin, err = d.Flow("ResumeFlow").NewRun(RunOptions{Graph: graph, Params: []Param{{"alpha", 0.5}}})
	if err != nil {
		return nil, nil, err
	}
	var done []*Task
	for _, step := range []string{"start", "a"} {
		t, err := cardTask(origin.Step(step), true)
		if err != nil {
			return nil, nil, err
		}
		done = append(done, t)
	}
	if _, err := cardTask(origin.Step("b"), false); err != nil {
		return nil, nil, err
	}
	d.sleep(5 * time.Second)
	resumed, err = d.Flow("ResumeFlow").NewRun(RunOptions{Graph: graph, Params: []Param{{"alpha", 0.5}}, Origin: origin})
	if err != nil {
		return nil, nil, err
	}
	for _, t := range done {
		if _, err := resumed.Step(t.step.name).CloneTask(t); err != nil {
			return nil, nil, err
		}
	}
	for _, step := range []string{"b", "end"} {
		if _, err := cardTask(resumed.Step(step), true); err != nil {
			return nil, nil, err
		}
	}
	return origin, resumed, nil
}

// cardTask runs a task with one default card, succeeding or failing.
func cardTask(s *Step, ok bool) (*Task, error) {
	t, err := s.NewTask(TaskOptions{})
	if err != nil {
		return nil, err
	}
	if err := t.Begin(); err != nil {
		return nil, err
	}
	c := t.Card(CardSpec{Type: "default"})
	c.Append(Markdown("status", "# "+s.name))
	if err := c.Refresh(); err != nil {
		return nil, err
	}
	s.run.ds().sleep(300 * time.Millisecond)
	t.SetArtifact(s.name+"_value", len(s.name))
	t.Print("running " + s.name)
	if !ok {
		t.Fail("ValueError: " + s.name + " fails before the resume")
	}
	return t, t.Complete(ok)
}

// WriteLegacy writes the retry and a five-task foreach scenario the way
// Metaflow 2.12 does (opts.Version V2_12 unless V2_11 is asked for): card
// HTML written twice, to steps/ and to the legacy tasks/ path, in place,
// with no card-info, foreach-stack or script-name. With legacyOnly the
// cards go only to the legacy path, as before Metaflow 2.7.10.
func WriteLegacy(root string, legacyOnly bool, opts Options) ([]*Run, error) {
	if opts.Version == V2_19 {
		opts.Version = V2_12
	}
	if opts.Mode == Atomic {
		opts.Mode = InPlace
	}
	opts.CardLayout = LayoutDual
	if legacyOnly {
		opts.CardLayout = LayoutLegacy
	}
	d := New(root, opts)
	r1, err := writeRetry(d)
	if err != nil {
		return nil, err
	}
	r2, err := writeForeach(d, 5)
	if err != nil {
		return nil, err
	}
	return []*Run{r1, r2}, nil
}
