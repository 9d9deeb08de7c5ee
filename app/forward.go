package app

import (
	"context"
	"encoding/json"
)

// ShellEvent is one item of a forwarded batch: the SSE event's name
// ("change", "status", or "reset": the stream restarted, refetch) and data.
// The window sends batches of these to the page as Wails events
// (app/window, TransportWails).
type ShellEvent struct {
	Name string          `json:"name"`
	Data json.RawMessage `json:"data,omitempty"`
}

// ForwardEvents sends the hub's events to emit, in batches (everything
// already queued goes in one call, as the SSE stream writes a burst with one
// flush), until ctx or the app ends. When the hub drops the subscription
// (the forwarder fell behind, or the datastore was switched) it subscribes
// again and sends a "reset" with the current status first, so the page
// refetches what it shows, as an SSE client does when it reconnects.
func (a *App) ForwardEvents(ctx context.Context, emit func(batch []ShellEvent)) {
	for first := true; ; first = false {
		ch := a.hub.subscribe()
		batch := []ShellEvent{{Name: "status", Data: mustJSON(a.status())}}
		if !first {
			batch = append([]ShellEvent{{Name: "reset"}}, batch...)
		}
		emit(batch)
		if !a.forwardFrom(ctx, ch, emit) {
			a.hub.unsubscribe(ch)
			return
		}
	}
}

// forwardFrom forwards until ch is closed (true) or ctx ends (false).
func (a *App) forwardFrom(ctx context.Context, ch chan Event, emit func([]ShellEvent)) bool {
	for {
		select {
		case <-ctx.Done():
			return false
		case <-a.ctx.Done():
			return false
		case ev, ok := <-ch:
			if !ok {
				return true
			}
			batch := []ShellEvent{{Name: ev.Name, Data: ev.Data}}
		drain:
			for len(batch) < 1000 {
				select {
				case ev, ok := <-ch:
					if !ok {
						emit(batch)
						return true
					}
					batch = append(batch, ShellEvent{Name: ev.Name, Data: ev.Data})
				default:
					break drain
				}
			}
			emit(batch)
		}
	}
}
