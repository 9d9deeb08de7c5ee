package watcher

import (
	"context"
	"time"

	"flowdeck/watcher/coalesce"
)

// upkeep is the watcher's own periodic work, beside the polling backend's:
// every PollInterval it looks for missing roots that no anchor announces
// (and, in polling mode, compares every root, since nothing announces a
// root replaced by another folder of the same name), and every WatchRetry
// it tries to turn polled folders back into watches; released watches make
// it try at once. With nothing polled and every root present it sleeps.
func (w *Watcher) upkeep(ctx context.Context) {
	defer w.workers.Done()
	tick := lazyTicker{every: w.opts.PollInterval}
	defer tick.stop()
	for {
		w.mu.Lock()
		active := w.poll.count() > 0 || len(w.missingRoots()) > 0
		w.mu.Unlock()
		tc := tick.set(active)
		select {
		case <-ctx.Done():
			return
		case <-w.upkeepWake:
			w.mu.Lock()
			retry := w.retryNow && w.be != nil
			w.mu.Unlock()
			if retry {
				w.retryWatches(time.Now())
			}
		case <-tc:
			w.upkeepOnce()
		}
	}
}

// upkeepOnce checks the roots that need looking at, then retries watches
// when WatchRetry has passed.
func (w *Watcher) upkeepOnce() {
	w.mu.Lock()
	for _, r := range w.roots {
		if w.be == nil || (!r.present && !r.anchorOK) {
			w.checkRoot(r, time.Now())
		}
	}
	due := w.be != nil && w.poll.count() > 0 && time.Since(w.lastTry) >= w.opts.WatchRetry
	w.mu.Unlock()
	w.signal(w.wake) // a root that came back queued its rescan
	if due {
		w.retryWatches(time.Now())
	}
}

// retryWatches tries to watch polled folders again, parents first, until
// the limit bites again. A folder that gets its watch is compared once
// more, for what changed between its last poll and the watch.
func (w *Watcher) retryWatches(now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.retryNow = false
	w.lastTry = now
	if w.be == nil {
		return
	}
	for _, d := range w.poll.polled() {
		if !w.poll.has(d) {
			continue // released by an event handled below
		}
		err := w.be.Add(d)
		if isLimit(err) {
			w.limitErr = err
			break
		}
		old := w.poll.take(d)
		if err != nil {
			w.handle(d, coalesce.Remove, now)
			continue
		}
		w.watched[d] = true
		if cur, err := snapshot(w.fs, d); err == nil && old != nil {
			for _, ev := range diff(d, old, cur) {
				w.handle(ev.Name, opOf(ev.Op), now)
			}
		}
	}
	if w.poll.count() == 0 {
		w.limitErr = nil
	}
	w.signal(w.wake)
}

// lazyTicker ticks every interval while it is on and not at all while it is
// off, so that a loop with nothing to look at sleeps.
type lazyTicker struct {
	every time.Duration
	t     *time.Ticker
}

// set turns the ticker on or off and returns its channel (nil while off:
// a select never takes it).
func (l *lazyTicker) set(on bool) <-chan time.Time {
	switch {
	case on && l.t == nil:
		l.t = time.NewTicker(l.every)
	case !on && l.t != nil:
		l.t.Stop()
		l.t = nil
	}
	if l.t == nil {
		return nil
	}
	return l.t.C
}

func (l *lazyTicker) stop() { l.set(false) }
