package datastore

import (
	"context"
	"time"
)

// Landing is where the UI opens when the user named nothing (no route): a
// prefix of flow/run/step/task/card. Empty when the datastore has no run.
type Landing struct {
	Flow string `json:"flow,omitempty"`
	Run  string `json:"run,omitempty"`
	Step string `json:"step,omitempty"`
	Task string `json:"task,omitempty"`
	Card string `json:"card,omitempty"`
}

// landingScan bounds how many of the newest runs of the flow are read to
// find a running one: a running run is among the newest, and reading every
// run of a 10,000-run flow would delay the first screen.
const landingScan = 20

// Landing picks what the user most likely came for, in the flow written to
// last: the live card of the newest running task of its newest running run
// (see FirstCard), else that running run, else the flow's newest run.
func (ix *Index) Landing(ctx context.Context) (Landing, error) {
	flow := ix.lastWrittenFlow()
	if flow == "" {
		return Landing{}, nil
	}
	runs, err := ix.Runs(flow)
	if err != nil {
		return Landing{}, err
	}
	if len(runs) == 0 {
		return Landing{Flow: flow}, nil
	}
	for _, r := range runs[:min(landingScan, len(runs))] {
		if err := ctx.Err(); err != nil {
			return Landing{}, err
		}
		rs, ok := ix.runState(flow, r.ID)
		if !ok {
			continue
		}
		if s := ix.ensureLoaded(rs); s.run.Status != StatusRunning {
			continue
		}
		l := Landing{Flow: flow, Run: r.ID}
		d, err := ix.Run(ctx, flow, r.ID)
		if err != nil {
			return l, nil
		}
		if t, c, ok := newestLiveCard(d); ok {
			l.Step, l.Task, l.Card = t.Step, t.ID, c.Key
		}
		return l, nil
	}
	return Landing{Flow: flow, Run: runs[0].ID}, nil
}

// lastWrittenFlow is the flow whose runs saw the newest activity (file
// times; a run's start when nothing newer is known).
func (ix *Index) lastWrittenFlow() string {
	var best string
	var bestAt time.Time
	ix.listing.eachRun(func(name string, rs *runState) {
		r := rs.snap.Load().run
		at := laterOf(r.LastActivity, r.Started)
		if best == "" || at.After(bestAt) || (at.Equal(bestAt) && name < best) {
			best, bestAt = name, at
		}
	})
	return best
}

// newestLiveCard is the first card (FirstCard) of the running task that
// started last among those that have a card.
func newestLiveCard(d RunDetail) (Task, Card, bool) {
	var bt Task
	var bc Card
	found := false
	for _, st := range d.Steps {
		for _, t := range st.Tasks {
			if t.Status != StatusRunning {
				continue
			}
			c, ok := FirstCard(t.Cards)
			if !ok {
				continue
			}
			if !found || t.Started.After(bt.Started) {
				bt, bc, found = t, c, true
			}
		}
	}
	return bt, bc, found
}

// FirstCard is the card a task opens on: of its latest attempt's cards, a
// live one (still updating) before a final one, and within each, a `blank`
// or custom card (what the user wrote for the task) before Metaflow's
// `default` card. The order of the task's cards breaks ties.
func FirstCard(cards []Card) (Card, bool) {
	if len(cards) == 0 {
		return Card{}, false
	}
	latest := cards[0].Attempt
	for _, c := range cards {
		latest = max(latest, c.Attempt)
	}
	rank := func(c Card) int {
		r := 0
		if c.Attempt != latest {
			r += 4
		}
		if c.Final {
			r += 2
		}
		if c.Type == "default" {
			r++
		}
		return r
	}
	best := cards[0]
	for _, c := range cards[1:] {
		if rank(c) < rank(best) {
			best = c
		}
	}
	return best, true
}
