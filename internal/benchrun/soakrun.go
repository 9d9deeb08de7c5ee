package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"flowdeck/internal/mfsim"
)

// soakRun writes the run of mfsim.Live with SkipTrain, Width tasks and
// MaxWorkers = Width (start -> a foreach whose tasks all run at once, each
// with a blank card holding a markdown and a progress bar -> join with a
// default card -> end), through mfsim's own task and card writers. The one
// difference: each foreach task updates its card every interval until the
// deadline instead of a fixed number of times, so the soak lasts its
// duration on a slow machine too. last receives each task's final update
// number (its progress value, out of planned).
func soakRun(ctx context.Context, root string, opts mfsim.Options, flow string, width int, interval time.Duration, until time.Time, planned int,
	onRun func(*mfsim.Run), last func(task string, k int)) error {
	if opts.Clock == nil {
		opts.Clock = mfsim.RealClock()
	}
	d := mfsim.New(root, opts)
	items := make([]string, width)
	for i := range items {
		items[i] = fmt.Sprintf("shard_%03d", i)
	}
	r, err := d.Flow(flow).NewRun(mfsim.RunOptions{
		Params: []mfsim.Param{{Name: "width", Value: width}},
		Graph:  mfsim.ForeachGraph("process", "join"),
		Tags:   []string{"soak"},
	})
	if err != nil {
		return err
	}
	if onRun != nil {
		onRun(r)
	}
	sleep := func(dd time.Duration) error { return d.Clock().Sleep(ctx, dd) }
	simple := func(step string, o mfsim.TaskOptions, card bool) error {
		t, err := r.Step(step).NewTask(o)
		if err != nil {
			return err
		}
		if err := sleep(interval / 2); err != nil {
			return err
		}
		if err := t.Begin(); err != nil {
			return err
		}
		if card {
			t.Card(mfsim.CardSpec{Type: "default"})
			t.SetArtifact("shards_done", width)
		}
		t.Print(step + " done")
		if err := sleep(interval / 2); err != nil {
			return err
		}
		return t.Complete(true)
	}
	if err := simple("start", mfsim.TaskOptions{Split: &mfsim.Split{Var: "shards", Values: items}}, false); err != nil {
		return err
	}
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fail := func(err error) { once.Do(func() { firstErr = err; cancel() }) }
	for i, item := range items {
		t, err := r.Step("process").NewTask(mfsim.TaskOptions{Foreach: &mfsim.Foreach{Var: "shards", Value: item, Index: i, Num: width}})
		if err != nil {
			fail(err)
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := soakTask(fctx, d, t, i, interval, until, planned, last); err != nil {
				fail(err)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	if firstErr != nil {
		return firstErr
	}
	if err := simple("join", mfsim.TaskOptions{}, true); err != nil {
		return err
	}
	return simple("end", mfsim.TaskOptions{}, false)
}

func soakTask(ctx context.Context, d *mfsim.Datastore, t *mfsim.Task, index int, interval time.Duration, until time.Time, planned int, last func(string, int)) error {
	if err := d.Clock().Sleep(ctx, interval/2); err != nil {
		return err
	}
	if err := t.Begin(); err != nil {
		return err
	}
	c := t.Card(mfsim.CardSpec{Type: "blank", Title: fmt.Sprintf("shard %d", index), RefreshInterval: 1})
	state := func(k int) []mfsim.Obj {
		return []mfsim.Obj{
			mfsim.Markdown("shard_md", fmt.Sprintf("# shard %d\nbatch %d of %d", index, k, planned)),
			mfsim.ProgressBar("shard_progress", planned, k).With("label", "batches"),
		}
	}
	c.Append(state(0)...)
	if err := c.Refresh(); err != nil {
		return err
	}
	k := 0
	for time.Now().Before(until) && k < planned {
		if err := d.Clock().Sleep(ctx, interval); err != nil {
			return err
		}
		k++
		c.Set(state(k)...)
		if err := c.Refresh(); err != nil {
			return err
		}
	}
	t.SetArtifact("shard_result", index*index)
	if err := t.Complete(true); err != nil {
		return err
	}
	last(t.ID(), k)
	return nil
}
