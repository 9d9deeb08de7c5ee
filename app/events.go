package app

import (
	"fmt"
	"io"
	"net/http"
	"time"
)

const keepAlive = 15 * time.Second

// serveEvents streams typed changes as Server-Sent Events. Every event
// already queued is written before one flush, so a burst costs one write.
func (a *App) serveEvents(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	flush := func() {
		if flusher != nil {
			flusher.Flush()
		}
	}
	ch, seq := a.hub.subscribe()
	defer a.hub.unsubscribe(ch)
	if _, err := io.WriteString(w, "retry: 1000\n\n"); err != nil {
		return
	}
	if err := writeEvent(w, Event{Name: "status", Data: mustJSON(a.statusAt(seq))}); err != nil {
		return
	}
	flush()
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-a.ctx.Done():
			return
		case <-tick.C:
			if _, err := io.WriteString(w, ": keep-alive\n\n"); err != nil {
				return
			}
			flush()
		case ev, ok := <-ch:
			if !ok {
				return
			}
			if err := writeEvent(w, ev); err != nil {
				return
			}
		drain:
			for {
				select {
				case ev, ok := <-ch:
					if !ok {
						flush()
						return
					}
					if err := writeEvent(w, ev); err != nil {
						return
					}
				default:
					break drain
				}
			}
			flush()
		}
	}
}

func writeEvent(w io.Writer, ev Event) error {
	_, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.Name, ev.Data)
	return err
}
