package mfsim

import (
	"fmt"
	"math"
	"time"
)

// WriteLiveCard mirrors fixtures/live on the simulated clock: LiveCardFlow
// start -> train -> end, where train has a blank card (markdown, progress
// bar, value box, Vega-Lite loss chart; refresh_interval 1), a default card
// (refresh_interval 3) and a custom corpus_always card (refresh_interval 2),
// 40 epochs of 0.5 s, and a component added after epoch 21. With
// stopAfter >= 0 it stops after that many epochs, leaving train running
// (like fixtures/live_midrun).
func WriteLiveCard(root string, stopAfter int, opts Options) (*Run, error) {
	d := New(root, opts)
	const iters = 40
	r, err := d.Flow("LiveCardFlow").NewRun(RunOptions{
		Params: []Param{{"iters", iters}, {"pause", 0.5}},
		Graph:  LinearGraph("start", "train", "end"),
	})
	if err != nil {
		return nil, err
	}
	if _, err := simpleTask(r.Step("start"), TaskOptions{}); err != nil {
		return nil, err
	}
	t, err := r.Step("train").NewTask(TaskOptions{})
	if err != nil {
		return nil, err
	}
	if err := t.Begin(); err != nil {
		return nil, err
	}
	live := t.Card(CardSpec{Type: "blank", ID: "live", Title: "Live training", RefreshInterval: 1})
	dflt := t.Card(CardSpec{Type: "default", RefreshInterval: 3})
	custom := t.Card(CardSpec{Type: "corpus_always", ID: "custom", RefreshInterval: 2, Policy: ReloadAlways})
	var points []Obj
	live.Append(
		Markdown("status_md", "# Training\nwaiting for first epoch"),
		ProgressBar("epoch_progress", iters, 0).With("label", "Epochs").With("unit", "epoch"),
		ValueBox("loss_box", "Loss", 1.0).With("subtitle", "lower is better"),
		VegaChart("loss_chart", LineChart("loss", "epoch", "loss", points)),
	)
	dflt.Append(ProgressBar("default_progress", iters, 0).With("label", "default-card progress"))
	lt, dt, ct := newThrottle(d, time.Second), newThrottle(d, 3*time.Second), newThrottle(d, 2*time.Second)
	for _, x := range []struct {
		c  *Card
		th *throttle
	}{{live, lt}, {dflt, dt}} {
		if x.th.ok() {
			if err := x.c.Refresh(); err != nil {
				return nil, err
			}
		}
	}
	tr := &liveTraining{d: d, t: t, live: live, dflt: dflt, custom: custom, lt: lt, dt: dt, ct: ct, started: d.now(), iters: iters}
	var loss float64
	for i := 0; i < iters; i++ {
		if stopAfter >= 0 && i >= stopAfter {
			return r, nil
		}
		if loss, err = tr.epoch(i); err != nil {
			return nil, err
		}
	}
	t.SetArtifact("final_loss", loss)
	if err := t.Complete(true); err != nil {
		return nil, err
	}
	if _, err := simpleTask(r.Step("end"), TaskOptions{}, "final loss "+pyFloat(loss)); err != nil {
		return nil, err
	}
	return r, nil
}

// liveTraining is WriteLiveCard's train task and its three cards.
type liveTraining struct {
	d                  *Datastore
	t                  *Task
	live, dflt, custom *Card
	lt, dt, ct         *throttle
	started            time.Time
	iters              int
	points             []Obj
}

// epoch runs epoch i: sets every card's components and refreshes the cards
// their refresh_interval lets through. It returns the epoch's loss.
func (tr *liveTraining) epoch(i int) (float64, error) {
	d, iters := tr.d, tr.iters
	d.sleep(500 * time.Millisecond)
	loss := math.Exp(-float64(i)/10) + 0.05*math.Sin(float64(i))
	rl := math.Round(loss*1e4) / 1e4
	tr.points = append(tr.points, Obj{{"epoch", i}, {"loss", rl}})
	rate := float64(i+1) / d.now().Sub(tr.started).Seconds()
	tr.live.Set(
		Markdown("status_md", fmt.Sprintf("# Training\nepoch **%d** of %d, loss = %.4f", i+1, iters, loss)),
		ProgressBar("epoch_progress", iters, i+1).With("label", "Epochs").With("unit", "epoch").With("details", fmt.Sprintf("%.2f epochs/s", rate)),
		ValueBox("loss_box", "Loss", rl).With("subtitle", "lower is better").With("change_indicator", fmt.Sprintf("epoch %d", i+1)),
		VegaChart("loss_chart", LineChart("loss", "epoch", "loss", tr.points)),
	)
	tr.dflt.Set(ProgressBar("default_progress", iters, i+1).With("label", "default-card progress"))
	tr.t.Print(fmt.Sprintf("epoch %d loss %s", i, pyFloat(loss)))
	if tr.lt.ok() {
		if err := tr.live.Refresh(); err != nil {
			return loss, err
		}
	}
	if tr.dt.ok() {
		if err := tr.dflt.Refresh(); err != nil {
			return loss, err
		}
	}
	tr.custom.SetUser(Obj{{"epoch", i}, {"loss", rl}})
	if tr.ct.ok() {
		if err := tr.custom.Refresh(); err != nil {
			return loss, err
		}
	}
	if i == iters/2 {
		tr.live.Append(Markdown("halfway_md", "### Halfway: component added mid-run"))
	}
	return loss, nil
}

// throttle drops refresh() calls closer together than the card's
// refresh_interval, as Metaflow does.
type throttle struct {
	d     *Datastore
	every time.Duration
	last  time.Time
}

func newThrottle(d *Datastore, every time.Duration) *throttle {
	return &throttle{d: d, every: every}
}

func (th *throttle) ok() bool {
	now := th.d.clock.Now()
	if !th.last.IsZero() && now.Sub(th.last) < th.every {
		return false
	}
	th.last = now
	return true
}
