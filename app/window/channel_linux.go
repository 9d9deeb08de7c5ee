//go:build linux && desktop && cgo

package window

/*
#cgo linux pkg-config: gtk+-3.0
#cgo !webkit2_41 pkg-config: webkit2gtk-4.0
#cgo webkit2_41 pkg-config: webkit2gtk-4.1

void flowdeck_channel_close(int flags);
void flowdeck_channel_check(void);
*/
import "C"

import (
	"sync"
	"time"
)

// Wails registers one WebKit script message handler, "external", and every
// frame of the page, sandboxed card frames included, can post to it
// (docs/security.md). The page itself never uses it: Flowdeck's frontend talks to
// Go only over the HTTP API, and the close button, DOM-ready and dialogs
// reach Go without it. So the window unregisters the handler on the GTK
// main thread as soon as the main loop runs. WebKit then drops
// window.webkit.messageHandlers.external from every frame, and documents
// that the signal Wails listens to is no longer emitted. A probe run in
// the page confirms that the handler is gone before card scripts may run
// without asking (see app.GateScripts).

const (
	channelRecord = 1 // test hook: record every message the channel delivers
	channelKeep   = 2 // test hook: leave the channel open (the consent fallback)
)

type channelCloser struct {
	mu       sync.Mutex
	record   func(msg string)
	result   chan channelResult
	closes   int
	checks   int
	webviews int
	done     bool
}

var theCloser = &channelCloser{}

func closeWailsChannel(keep bool, record func(string)) <-chan channelResult {
	c := theCloser
	c.mu.Lock()
	c.record = record
	c.result = make(chan channelResult, 1)
	c.closes, c.checks, c.done = 1, 0, false
	flags := 0
	if record != nil {
		flags |= channelRecord
	}
	if keep {
		flags |= channelKeep
	}
	ch := c.result
	c.mu.Unlock()
	C.flowdeck_channel_close(C.int(flags))
	// Only the first attempt that finds the webview connects the recorder;
	// later attempts run only while none was found, so flags stay as they are.
	go c.retry(flags)
	return ch
}

// retry re-runs the close while no webview was found yet (the idle can in
// theory run before Wails packs the webview into the window).
func (c *channelCloser) retry(flags int) {
	for i := 0; i < 100; i++ {
		time.Sleep(50 * time.Millisecond)
		c.mu.Lock()
		stop := c.done || c.webviews > 0
		if !stop {
			c.closes++
		}
		c.mu.Unlock()
		if stop {
			return
		}
		C.flowdeck_channel_close(C.int(flags))
	}
}

func (c *channelCloser) finish(r channelResult) {
	if c.done {
		return
	}
	c.done = true
	c.result <- r
}

//export flowdeckChannelMessage
func flowdeckChannelMessage(msg *C.char) {
	s := C.GoString(msg)
	theCloser.mu.Lock()
	rec := theCloser.record
	theCloser.mu.Unlock()
	if rec != nil {
		rec(s)
	}
}

// flowdeckChannelDone reports a step: state 2 = the handler was
// unregistered on n webviews (the page probe comes next); 1 = the probe
// found no handler; 0 = the probe still found it; -1 = no webview yet, or
// the probe could not run yet.
//
//export flowdeckChannelDone
func flowdeckChannelDone(n C.int, state C.int) {
	c := theCloser
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		return
	}
	switch int(state) {
	case 2:
		c.webviews = int(n)
		c.checks = 1
		C.flowdeck_channel_check()
	case 1:
		c.finish(channelResult{Closed: true, Webviews: c.webviews, Detail: "unregistered; the page probe finds no handler"})
	case 0:
		c.finish(channelResult{Closed: false, Webviews: c.webviews, Detail: "the page probe still finds window.webkit.messageHandlers.external"})
	default:
		if c.webviews == 0 {
			if c.closes >= 100 {
				c.finish(channelResult{Detail: "no webview found"})
			}
			return // retry() tries again
		}
		// The probe could not run (no JavaScript context yet): try again.
		if c.checks >= 200 {
			c.finish(channelResult{Webviews: c.webviews, Detail: "unregistered, but the page probe never ran"})
			return
		}
		c.checks++
		go func() {
			time.Sleep(25 * time.Millisecond)
			C.flowdeck_channel_check()
		}()
	}
}
