package watcher

import (
	"context"
	"strings"
	"time"

	"flowdeck/datastore"
	"flowdeck/watcher/coalesce"
)

// loop is the one goroutine that calls the index (Apply, Rescan, Tick) and
// sends on Changes, so changes leave in the order they were made. It
// sleeps until the next batch, retry or run check is due.
func (w *Watcher) loop(ctx context.Context) {
	defer w.workers.Done()
	tick := time.NewTicker(w.opts.TickInterval)
	defer tick.Stop()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		w.step(ctx, time.Now())
		wait := time.Hour
		if at, ok := w.nextDue(); ok {
			wait = max(time.Until(at), 0)
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-timer.C:
		case <-tick.C:
			if cs := w.ix.Tick(); len(cs) > 0 {
				w.send(ctx, cs)
			}
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
	}
}

// nextDue is the earliest of the pending batch, the retries and the run
// checks.
func (w *Watcher) nextDue() (time.Time, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	at, ok := w.queue.Due()
	earlier := func(t time.Time) {
		if !ok || t.Before(at) {
			at, ok = t, true
		}
	}
	for _, t := range w.retries {
		earlier(t)
	}
	for _, rw := range w.wide {
		earlier(rw.check)
	}
	return at, ok
}

// step does whatever is due: run-loaded hooks, retries, the pending batch,
// run checks, and reporting the state.
func (w *Watcher) step(ctx context.Context, now time.Time) {
	w.hooks.mu.Lock()
	hooks := w.hooks.pending
	w.hooks.pending = nil
	cardRoots := w.hooks.cardRoots
	w.hooks.cardRoots = nil
	w.hooks.mu.Unlock()

	w.mu.Lock()
	for _, r := range cardRoots {
		w.addCardRoot(r, now)
	}
	for _, h := range hooks {
		rw := w.runs[h.run]
		switch {
		case h.live:
			// Read before its watches existed: widen, then read it again.
			w.widen(h.run, now)
		case rw != nil && rw.wide:
			rw.check = rw.last.Add(w.opts.Linger)
		}
	}
	for p, at := range w.retries {
		if !now.Before(at) {
			delete(w.retries, p)
			w.queue.Add(p, coalesce.Write, now)
		}
	}
	batch, ok := w.queue.Flush(now)
	if ok && len(batch.Rescan) > 0 {
		w.stats.rescans++
	}
	w.mu.Unlock()

	if ok {
		w.apply(ctx, batch)
	}
	w.checkRuns(now)
	w.report()
}

// apply hands a batch to the index and the changes to the app.
func (w *Watcher) apply(ctx context.Context, b coalesce.Batch) {
	var res datastore.ApplyResult
	merge := func(r datastore.ApplyResult) {
		res.Changes = append(res.Changes, r.Changes...)
		res.Retry = append(res.Retry, r.Retry...)
		res.LiveRuns = append(res.LiveRuns, r.LiveRuns...)
		res.FinishedRuns = append(res.FinishedRuns, r.FinishedRuns...)
	}
	if len(b.Rescan) > 0 {
		merge(w.ix.Rescan(b.Rescan...))
	}
	if len(b.Paths) > 0 {
		merge(w.ix.Apply(b.Paths))
	}
	now := time.Now()
	w.mu.Lock()
	for _, p := range res.Retry {
		if _, ok := w.retries[p]; !ok {
			w.retries[p] = now.Add(w.opts.RetryDelay)
		}
	}
	for _, run := range res.LiveRuns {
		// A run new to the index is wide already (its folder was just
		// made); one that comes back to life was watched narrowly and
		// is read again once its watches are in place.
		w.widen(run, now)
	}
	for _, run := range res.FinishedRuns {
		if rw := w.runs[run]; rw != nil && rw.wide {
			rw.check = rw.last.Add(w.opts.Linger)
		}
	}
	w.mu.Unlock()
	if len(res.Changes) > 0 {
		w.send(ctx, res.Changes)
	}
}

// checkRuns narrows the wide runs that are due for a check, quiet for
// Linger and finished according to the index.
func (w *Watcher) checkRuns(now time.Time) {
	w.mu.Lock()
	var due []string
	for run, rw := range w.wide {
		if !now.Before(rw.check) {
			due = append(due, run)
		}
	}
	w.mu.Unlock()
	if len(due) == 0 {
		return
	}
	live := make(map[string]bool, len(due))
	for _, run := range due {
		flow, id, _ := strings.Cut(run, "/")
		live[run] = w.ix.RunLive(flow, id)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, run := range due {
		rw := w.wide[run]
		if rw == nil {
			continue
		}
		quietUntil := rw.last.Add(w.opts.Linger)
		switch {
		case now.Before(quietUntil):
			rw.check = quietUntil
		case live[run]:
			rw.check = now.Add(w.opts.Linger)
		default:
			w.narrow(run)
		}
	}
}

// send delivers a batch unless the watcher stops first.
func (w *Watcher) send(ctx context.Context, cs []datastore.Change) {
	select {
	case w.out <- cs:
	case <-ctx.Done():
	}
}

// report calls OnState when the state changed.
func (w *Watcher) report() {
	w.mu.Lock()
	s := w.stateLocked()
	changed := s != w.reported
	w.reported = s
	w.mu.Unlock()
	if changed && w.opts.OnState != nil {
		w.opts.OnState(s)
	}
}
