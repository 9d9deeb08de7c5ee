package app

import (
	"context"
	"encoding/json"
	"html"
	"strings"
)

// Transports for the live change stream in the window. The frontend has one
// code path behind its Transport interface (frontend/src/lib/transport.ts);
// which implementation it builds is named by <meta name="flowdeck-transport">.
const (
	// TransportSSE: the page reads GET /api/events, as in a browser. The
	// default in both shells (docs/benchmarks.md says why).
	TransportSSE = "sse"
	// TransportWails: the window forwards the same events with Wails'
	// EventsEmit (Go -> page: evaluate_javascript in the main frame). It
	// needs no bound method, no Go-side listener and no message from the
	// page, so it works with Wails' message channel closed. Kept for
	// measurements (FLOWDECK_TEST_TRANSPORT=wails).
	TransportWails = "wails"
)

// WailsEventName is the one Wails event the window emits.
const WailsEventName = "flowdeck:event"

// wailsEvent is one item of an emitted batch: the SSE event's name
// ("change", "status", or "reset": the stream restarted, refetch) and data.
type wailsEvent struct {
	Name string          `json:"name"`
	Data json.RawMessage `json:"data,omitempty"`
}

// forwardEvents sends the hub's events to emit, in batches (everything
// already queued goes in one call, as the SSE stream writes a burst with one
// flush), until ctx ends. When the hub drops the subscription (the forwarder
// fell behind, or the datastore was switched) it subscribes again and sends
// a "reset" with the current status first, so the page refetches what it
// shows, as an SSE client does when it reconnects.
func (a *App) forwardEvents(ctx context.Context, emit func(batch []wailsEvent)) {
	for first := true; ; first = false {
		ch := a.hub.subscribe()
		batch := []wailsEvent{{Name: "status", Data: mustJSON(a.status())}}
		if !first {
			batch = append([]wailsEvent{{Name: "reset"}}, batch...)
		}
		emit(batch)
		if !a.forwardFrom(ctx, ch, emit) {
			a.hub.unsubscribe(ch)
			return
		}
	}
}

// forwardFrom forwards until ch is closed (true) or ctx ends (false).
func (a *App) forwardFrom(ctx context.Context, ch chan Event, emit func([]wailsEvent)) bool {
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
			batch := []wailsEvent{{Name: ev.Name, Data: ev.Data}}
		drain:
			for len(batch) < 1000 {
				select {
				case ev, ok := <-ch:
					if !ok {
						emit(batch)
						return true
					}
					batch = append(batch, wailsEvent{Name: ev.Name, Data: ev.Data})
				default:
					break drain
				}
			}
			emit(batch)
		}
	}
}

// windowMeta is what the window adds to index.html besides what every shell
// gets: the transport when it is not SSE, and the test probe's settings
// (only with a test log). Empty by default.
func windowMeta(transport, probe string, testLog bool) string {
	var b strings.Builder
	if transport != "" && transport != TransportSSE {
		b.WriteString(`<meta name="flowdeck-transport" content="` + html.EscapeString(transport) + `">`)
	}
	if probe != "" && testLog {
		b.WriteString(`<meta name="flowdeck-test-probe" content="` + html.EscapeString(probe) + `">`)
	}
	return b.String()
}
