package mfsim

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"
)

// LiveOptions configure Live.
type LiveOptions struct {
	// Options are the datastore options; a nil Clock means the real clock.
	Options Options
	// Flow is the flow name (default "DemoFlow").
	Flow string
	// Interval is the time between card updates (default 500 ms).
	Interval time.Duration
	// Epochs is the number of updates of the train step's cards (default
	// 40); SkipTrain leaves the train step out.
	Epochs    int
	SkipTrain bool
	// Width is the number of foreach tasks (default 4).
	Width int
	// TaskUpdates is the number of card updates per foreach task (default 10).
	TaskUpdates int
	// LearningRate, when set, is recorded as the run's learning_rate
	// parameter and scales how fast the loss curve falls (0.01 is the
	// default curve), so that runs differ for the compare page.
	LearningRate float64
	// NoRetry turns off the foreach task (index Width/2) whose attempt 0
	// fails halfway and whose attempt 1 succeeds.
	NoRetry bool
	// MaxWorkers is how many foreach tasks run at once (default 16, as
	// Metaflow's --max-workers).
	MaxWorkers int
	// Repeat starts a new run after each run ends, until ctx is done.
	Repeat bool
	// RepeatPause is the wait between runs (default 3 s).
	RepeatPause time.Duration
	// OnRun, if set, is called with each run as it starts.
	OnRun func(*Run)
	// Until, if set, ends each foreach task's updates at that time even
	// before it has made TaskUpdates of them, so that a soak lasts its
	// duration on a slow machine too.
	Until time.Time
	// OnTaskDone, if set, is called as each foreach task succeeds, with the
	// number of updates its card got.
	OnTaskDone func(task string, updates int)
	// TaskMetrics adds a "Score" value box and a line chart of the score
	// (its last 20 points) to each foreach task's card, as a training shard
	// would report them: what the foreach dashboard summarises per task.
	TaskMetrics bool
	// OnTaskUpdate, if set, is called after each data JSON write of a
	// foreach task's card, with the batch number the write shows.
	OnTaskUpdate func(task string, batch int)
}

func (o *LiveOptions) defaults() {
	if o.Options.Clock == nil {
		o.Options.Clock = RealClock()
	}
	if o.Flow == "" {
		o.Flow = "DemoFlow"
	}
	if o.Interval <= 0 {
		o.Interval = 500 * time.Millisecond
	}
	if o.Epochs <= 0 {
		o.Epochs = 40
	}
	if o.Width <= 0 {
		o.Width = 4
	}
	if o.TaskUpdates <= 0 {
		o.TaskUpdates = 10
	}
	if o.MaxWorkers <= 0 {
		o.MaxWorkers = 16
	}
	if o.RepeatPause <= 0 {
		o.RepeatPause = 3 * time.Second
	}
}

// Live writes a run that is alive: start -> train (a blank card whose
// markdown, progress bar, value box and Vega-Lite loss chart change every
// Interval, a component added halfway, and a default card) -> process (a
// foreach of Width tasks, each with a blank card that updates, one failing
// on attempt 0 and succeeding on retry) -> join (a default card) -> end.
// Every update is one atomic data JSON write; a layout change renders the
// HTML again with a new token. It returns when the run ends (nil) or, with
// Repeat, only when ctx is done; on cancellation it returns ctx.Err() and
// the run stays unfinished on disk, like a killed orchestrator's.
func Live(ctx context.Context, root string, o LiveOptions) error {
	if root == "" {
		return errEmptyRoot
	}
	o.defaults()
	d := New(root, o.Options)
	for {
		if err := liveRun(ctx, d, &o); err != nil {
			return err
		}
		if !o.Repeat {
			return nil
		}
		if err := d.clock.Sleep(ctx, o.RepeatPause); err != nil {
			return err
		}
	}
}

func liveRun(ctx context.Context, d *Datastore, o *LiveOptions) error {
	graph := ForeachGraph("process", "join", "train")
	if o.SkipTrain {
		graph = ForeachGraph("process", "join")
	}
	params := []Param{{Name: "epochs", Value: o.Epochs}, {Name: "width", Value: o.Width}}
	if o.LearningRate > 0 {
		params = append(params, Param{Name: "learning_rate", Value: o.LearningRate})
	}
	r, err := d.Flow(o.Flow).NewRun(RunOptions{
		Params: params,
		Graph:  graph,
		Tags:   []string{"demo"},
	})
	if err != nil {
		return err
	}
	if o.OnRun != nil {
		o.OnRun(r)
	}
	pause := func(div int) error { return d.clock.Sleep(ctx, o.Interval/time.Duration(div)) }
	items := make([]string, o.Width)
	for i := range items {
		items[i] = fmt.Sprintf("shard_%03d", i)
	}
	var split *Split
	if o.SkipTrain {
		split = &Split{Var: "shards", Values: items}
	}
	if err := liveSimple(ctx, r.Step("start"), TaskOptions{Split: split}, pause); err != nil {
		return err
	}
	if !o.SkipTrain {
		if err := liveTrain(ctx, r, o, items, pause); err != nil {
			return err
		}
	}
	if err := liveForeach(ctx, r, o, items); err != nil {
		return err
	}
	join, err := r.Step("join").NewTask(TaskOptions{})
	if err != nil {
		return err
	}
	if err := pause(2); err != nil {
		return err
	}
	if err := join.Begin(); err != nil {
		return err
	}
	join.Card(CardSpec{Type: "default"})
	join.SetArtifact("shards_done", o.Width)
	if err := pause(2); err != nil {
		return err
	}
	if err := join.Complete(true); err != nil {
		return err
	}
	return liveSimple(ctx, r.Step("end"), TaskOptions{}, pause)
}

func liveSimple(ctx context.Context, s *Step, o TaskOptions, pause func(int) error) error {
	t, err := s.NewTask(o)
	if err != nil {
		return err
	}
	if err := pause(2); err != nil {
		return err
	}
	if err := t.Begin(); err != nil {
		return err
	}
	t.Print(s.name + " done")
	if err := pause(2); err != nil {
		return err
	}
	return t.Complete(true)
}

func liveTrain(ctx context.Context, r *Run, o *LiveOptions, items []string, pause func(int) error) error {
	d := r.ds()
	t, err := r.Step("train").NewTask(TaskOptions{Split: &Split{Var: "shards", Values: items}})
	if err != nil {
		return err
	}
	if err := pause(2); err != nil {
		return err
	}
	if err := t.Begin(); err != nil {
		return err
	}
	live := t.Card(CardSpec{Type: "blank", ID: "live", Title: "Live training", RefreshInterval: 1})
	dflt := t.Card(CardSpec{Type: "default", RefreshInterval: 3})
	n := o.Epochs
	var points []Obj
	comps := func(epoch int, loss float64) []Obj {
		return []Obj{
			Markdown("status_md", fmt.Sprintf("# Training\nepoch **%d** of %d, loss = %.4f", epoch, n, loss)),
			ProgressBar("epoch_progress", n, epoch).With("label", "Epochs").With("unit", "epoch"),
			ValueBox("loss_box", "Loss", math.Round(loss*1e4)/1e4).With("subtitle", "lower is better").With("change_indicator", fmt.Sprintf("epoch %d", epoch)),
			VegaChart("loss_chart", LineChart("loss", "epoch", "loss", points)),
		}
	}
	live.Append(comps(0, 1)...)
	dflt.Append(ProgressBar("default_progress", n, 0).With("label", "default-card progress"))
	if err := live.Refresh(); err != nil {
		return err
	}
	if err := dflt.Refresh(); err != nil {
		return err
	}
	var loss float64
	for i := 0; i < n; i++ {
		if err := d.clock.Sleep(ctx, o.Interval); err != nil {
			return err
		}
		speed := 1.0
		if o.LearningRate > 0 {
			speed = o.LearningRate / 0.01
		}
		loss = math.Exp(-float64(i)*speed/(float64(n)/4)) + 0.05*math.Sin(float64(i))
		points = append(points, Obj{{"epoch", i}, {"loss", math.Round(loss*1e4) / 1e4}})
		live.Set(comps(i+1, loss)...)
		dflt.Set(ProgressBar("default_progress", n, i+1).With("label", "default-card progress"))
		t.Print(fmt.Sprintf("epoch %d loss %s", i, pyFloat(loss)))
		if i == n/2 {
			live.Append(Markdown("halfway_md", "### Halfway: component added mid-run"))
		}
		if err := live.Refresh(); err != nil {
			return err
		}
		if i%3 == 2 {
			if err := dflt.Refresh(); err != nil {
				return err
			}
		}
	}
	t.SetArtifact("final_loss", loss)
	if err := t.Finish(true); err != nil {
		return err
	}
	for i := len(t.cards) - 1; i >= 0; i-- {
		if err := pause(2); err != nil {
			return err
		}
		if err := t.cards[i].RenderFinal(); err != nil {
			return err
		}
	}
	return t.Exit()
}

// liveForeach runs the foreach tasks, at most MaxWorkers at a time. The
// first error (or ctx) stops the others.
func liveForeach(parent context.Context, r *Run, o *LiveOptions, items []string) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	fail := func(err error) {
		once.Do(func() { firstErr = err; cancel() })
	}
	sem := make(chan struct{}, o.MaxWorkers)
	for i, item := range items {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		// Task ids are handed out in scheduling order, as Metaflow does.
		t, err := r.Step("process").NewTask(TaskOptions{Foreach: &Foreach{Var: "shards", Value: item, Index: i, Num: len(items)}})
		if err != nil {
			fail(err)
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := liveForeachTask(ctx, t, o, i); err != nil {
				fail(err)
			}
		}()
	}
	wg.Wait()
	if err := parent.Err(); err != nil {
		return err
	}
	return firstErr
}

func liveForeachTask(ctx context.Context, t *Task, o *LiveOptions, index int) error {
	d := t.ds()
	attempts := 1
	failing := !o.NoRetry && index == o.Width/2
	if failing {
		attempts = 2
	}
	for a := 0; a < attempts; a++ {
		if a > 0 {
			if err := d.clock.Sleep(ctx, o.Interval); err != nil {
				return err
			}
			if err := t.Retry(); err != nil {
				return err
			}
		}
		if err := d.clock.Sleep(ctx, o.Interval/2); err != nil {
			return err
		}
		if err := t.Begin(); err != nil {
			return err
		}
		c := t.Card(CardSpec{Type: "blank", Title: fmt.Sprintf("shard %d", index), RefreshInterval: 1})
		updates := o.TaskUpdates
		failNow := failing && a == 0
		if failNow {
			updates = o.TaskUpdates / 2
		}
		var points []Obj
		state := func(k int) []Obj {
			comps := []Obj{
				Markdown("shard_md", fmt.Sprintf("# shard %d, attempt %d\nbatch %d of %d", index, a, k, o.TaskUpdates)),
				ProgressBar("shard_progress", o.TaskUpdates, k).With("label", "batches"),
			}
			if o.TaskMetrics {
				score := shardScore(index, k)
				points = append(points, Obj{{"batch", k}, {"score", score}})
				if len(points) > 20 {
					points = points[len(points)-20:]
				}
				comps = append(comps, ValueBox("shard_score", "Score", score),
					VegaChart("shard_chart", LineChart("score", "batch", "score", points)))
			}
			return comps
		}
		c.Append(state(0)...)
		if err := c.Refresh(); err != nil {
			return err
		}
		k := 0
		for k < updates && (o.Until.IsZero() || d.clock.Now().Before(o.Until)) {
			if err := d.clock.Sleep(ctx, o.Interval); err != nil {
				return err
			}
			k++
			c.Set(state(k)...)
			if err := c.Refresh(); err != nil {
				return err
			}
			if o.OnTaskUpdate != nil {
				o.OnTaskUpdate(t.ID(), k)
			}
		}
		if failNow {
			t.Fail(fmt.Sprintf("RuntimeError: shard %d lost its worker (simulated)", index))
			if err := t.Complete(false); err != nil {
				return err
			}
			continue
		}
		t.SetArtifact("shard_result", index*index)
		if err := t.Complete(true); err != nil {
			return err
		}
		if o.OnTaskDone != nil {
			o.OnTaskDone(t.ID(), k)
		}
	}
	return nil
}

// shardScore is a score that rises towards a shard-specific ceiling, so
// that tasks differ and sorting by it means something.
func shardScore(index, k int) float64 {
	ceil := 0.6 + 0.35*math.Abs(math.Sin(float64(index)*1.7))
	return math.Round(ceil*(1-math.Exp(-float64(k)/8))*1e4) / 1e4
}
