package app

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// Big cards (images inline make cards of tens of MB) are handled so that
// memory stays bounded: the original view and Export stream the file from
// disk (bigCardStream at once), and decoding one for the native view,
// which needs the file in memory, runs bigCardDecode at once. A request
// that finds no slot waits up to bigCardWait in line, then gets 503 with
// a sentence the page shows.
const (
	bigCardBytes  = 4 << 20
	bigCardStream = 4
	bigCardDecode = 1
	bigCardWait   = 15 * time.Second
)

// limiter is a counting semaphore whose wait ends with the request.
type limiter struct {
	slots chan struct{}
	wait  time.Duration
}

func newLimiter(n int, wait time.Duration) *limiter {
	return &limiter{slots: make(chan struct{}, n), wait: wait}
}

// acquire takes a slot, waiting at most l.wait; it returns the release
// function, or nil when none came free or ctx ended.
func (l *limiter) acquire(ctx context.Context) func() {
	select {
	case l.slots <- struct{}{}:
		return l.release
	default:
	}
	t := time.NewTimer(l.wait)
	defer t.Stop()
	select {
	case l.slots <- struct{}{}:
		return l.release
	case <-t.C:
	case <-ctx.Done():
	}
	return nil
}

func (l *limiter) release() { <-l.slots }

// writeBusy answers a big-card request that found no slot.
func writeBusy(w http.ResponseWriter, n int) {
	w.Header().Set("Retry-After", "5")
	writeError(w, http.StatusServiceUnavailable, "Flowdeck is busy reading other large cards ("+strconv.Itoa(n)+
		" at a time, over 4 MB each); this one will show when you try again in a moment")
}
