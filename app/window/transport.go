//go:build desktop

package window

import (
	"html"
	"strings"
)

// channelResult is what closing Wails' message channel achieved.
type channelResult struct {
	Closed   bool
	Webviews int
	Detail   string
}

// Transports for the live change stream in the window. The frontend has one
// code path behind its Transport interface (frontend/src/lib/transport.ts);
// which implementation it builds is named by <meta name="flowdeck-transport">.
const (
	// TransportSSE: the page reads GET /api/events, as in a browser. The
	// default in both shells (docs/benchmarks.md says why).
	TransportSSE = "sse"
	// TransportWails: the window forwards the same events with Wails'
	// EventsEmit (Go -> page: evaluate_javascript in the main frame;
	// app.ForwardEvents). It needs no bound method, no Go-side listener and
	// no message from the page, so it works with Wails' message channel
	// closed. Kept for measurements (FLOWDECK_TEST_TRANSPORT=wails).
	TransportWails = "wails"
)

// WailsEventName is the one Wails event the window emits.
const WailsEventName = "flowdeck:event"

// pageMeta is what the window adds to index.html besides what every shell
// gets: the transport when it is not SSE, and the test probe's settings
// (only with a test log). Empty by default.
func pageMeta(transport, probe string, testLog bool) string {
	var b strings.Builder
	if transport != "" && transport != TransportSSE {
		b.WriteString(`<meta name="flowdeck-transport" content="` + html.EscapeString(transport) + `">`)
	}
	if probe != "" && testLog {
		b.WriteString(`<meta name="flowdeck-test-probe" content="` + html.EscapeString(probe) + `">`)
	}
	return b.String()
}
