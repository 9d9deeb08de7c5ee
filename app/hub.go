package app

import (
	"encoding/json"
	"sync"
)

// Event is one message for the frontend: a typed change, or a status update.
type Event struct {
	Name string // "change" or "status"
	Data json.RawMessage
}

// hub fans events out to subscribers. A subscriber that falls behind is
// dropped rather than allowed to block the watcher; its client reconnects
// and refetches what it shows (the frontend does that on every connect).
type hub struct {
	mu   sync.Mutex
	subs map[chan Event]struct{}
	// seq counts the change events published so far. A stream's first
	// status carries it as of the subscription and every API answer the
	// value it was read at (SeqHeader), so a page that loads before its
	// stream is open knows whether a change fell in between.
	seq uint64
}

// SeqHeader carries hub.current() on every API answer.
const SeqHeader = "X-Flowdeck-Seq"

func (h *hub) current() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.seq
}

const subscriberBuffer = 4096

func newHub() *hub { return &hub{subs: map[chan Event]struct{}{}} }

// subscribe returns the channel and the seq at the subscription: every
// change after it reaches the channel.
func (h *hub) subscribe() (chan Event, uint64) {
	ch := make(chan Event, subscriberBuffer)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.subs[ch] = struct{}{}
	return ch, h.seq
}

func (h *hub) unsubscribe(ch chan Event) {
	h.mu.Lock()
	if _, ok := h.subs[ch]; ok {
		delete(h.subs, ch)
		close(ch)
	}
	h.mu.Unlock()
}

func (h *hub) publish(events ...Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, e := range events {
		if e.Name == "change" {
			h.seq++
		}
	}
	for ch := range h.subs {
		for _, e := range events {
			select {
			case ch <- e:
			default:
				delete(h.subs, ch)
				close(ch)
				goto next
			}
		}
	next:
	}
}

// closeAll ends every stream (shutdown, or the datastore was switched).
func (h *hub) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		delete(h.subs, ch)
		close(ch)
	}
}
