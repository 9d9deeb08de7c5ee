package app

import (
	"errors"
	"html"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"flowdeck/cards"
	"flowdeck/datastore"
)

// cardCSP forbids every network request from a card: inline script and
// style run; images, fonts and media come only from data: URIs; no form
// is sent, no frame or worker is started, no <base> changes URLs. What a
// CSP cannot stop, the frame's sandbox and the app page's policy do: a
// card navigating its own frame (meta refresh, location) is held to the
// app page's frame-src 'self', and it has no top navigation, popups or
// forms. frame-ancestors keeps other sites from framing card files, and
// the sandbox directive makes the card an opaque origin even if its URL
// is opened outside the frame. 'unsafe-eval' is there because Metaflow's
// bundled Vega compiles its chart expressions with new Function: without it
// every VegaChart of a real card fails to draw. eval reaches nothing more
// than inline script already does (no network, same opaque sandbox);
// docs/security.md says so.
const cardCSP = "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:; " +
	"font-src data:; media-src data:; form-action 'none'; base-uri 'none'; frame-src 'none'; child-src 'none'; " +
	"worker-src 'none'; frame-ancestors 'self'; sandbox allow-scripts"

// cardCSPNoScripts is the policy while the window waits for the user to
// allow card scripts (ScriptsAsk): the same, with no script at all.
const cardCSPNoScripts = "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data:; " +
	"font-src data:; media-src data:; form-action 'none'; base-uri 'none'; frame-src 'none'; child-src 'none'; " +
	"worker-src 'none'; frame-ancestors 'self'; sandbox"

// serveCardFile serves GET /card/{key}: the card's HTML as Metaflow wrote
// it, looked up by key in the index (no path is taken from the request),
// for the original view's sandboxed frame, with the bridge script
// injected; or, with ?download=1, the file exactly as written, as an
// attachment (export in serve mode).
//
// In the window, card files wait until Wails' message channel is closed
// (cardScriptPolicy). If it could not be closed, a card is served without
// scripts unless the page asks for ?scripts=1, which it does only after
// the user agreed.
func (a *App) serveCardFile(w http.ResponseWriter, r *http.Request, key string) {
	ix := a.cardIndex(w, key)
	if ix == nil {
		return
	}
	f, fi, c, err := ix.OpenCard(r.Context(), key)
	if err != nil {
		writeLookupError(w, err)
		return
	}
	defer f.Close()
	q := r.URL.Query()
	download := q.Get("download") == "1"
	if !download && a.topLevel(r) {
		a.serveCardStub(w, r, c)
		return
	}
	// A small card is read whole: CardHTML keeps the last complete bytes of
	// a file caught mid-write. A big one is streamed from the open file, so
	// a request costs a copy buffer, not the file.
	var b []byte
	size := fi.Size()
	if size <= bigCardBytes {
		f.Close()
		if b, c, err = ix.CardHTML(r.Context(), key); err != nil {
			writeLookupError(w, err)
			return
		}
		size = int64(len(b))
	} else {
		release := a.bigStream.acquire(r.Context())
		if release == nil {
			writeBusy(w, bigCardStream)
			return
		}
		defer release()
	}
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Referrer-Policy", "no-referrer")
	bridge := false
	switch {
	case download:
		h.Set("Content-Security-Policy", cardCSP)
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": exportName(c)}))
	case a.cardScriptPolicy(r.Context()) == ScriptsAsk && q.Get("scripts") != "1":
		h.Set("Content-Security-Policy", cardCSPNoScripts)
		h.Set("Content-Type", "text/html; charset=utf-8")
	default:
		h.Set("Content-Security-Policy", cardCSP)
		h.Set("Content-Type", "text/html; charset=utf-8")
		bridge = true
	}
	if b != nil {
		if bridge {
			b = cards.InjectBridge(b)
		}
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			w.Write(b)
		}
		return
	}
	streamCard(w, r, f, size, bridge)
}

// streamCard writes a big card file from disk: the bridge goes in after
// the first bytes (its place is found in the file's head), the rest is
// copied. The size is the one the file had when opened; a file that does
// not look whole (written in place, caught mid-write) is 503, and the
// page reads it again on its next change.
func streamCard(w http.ResponseWriter, r *http.Request, f datastore.File, size int64, bridge bool) {
	head := make([]byte, min(size, 64<<10))
	tail := make([]byte, min(size, 256))
	if _, err := f.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	if _, err := f.ReadAt(tail, size-int64(len(tail))); err != nil && !errors.Is(err, io.EOF) {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	if !cards.EndsComplete(head, tail) {
		writeLookupError(w, datastore.ErrIncomplete)
		return
	}
	at, script := 0, []byte(nil)
	if bridge {
		at, script = cards.BridgeOffset(head), cards.BridgeScript()
	}
	w.Header().Set("Content-Length", strconv.FormatInt(size+int64(len(script)), 10))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	w.Write(head[:at])
	w.Write(script)
	io.Copy(w, io.NewSectionReader(f, int64(at), size-int64(at)))
}

// topLevel reports a request for a card file as a page of its own (a
// browser's "open frame in new tab", a pasted URL) rather than as the
// original view's frame. Loaded that way the card is its own top window,
// so its sandbox cannot stop it from navigating that window anywhere
// (top.location = …), which reaches the network. Browsers say
// Sec-Fetch-Dest: document; a browser that sends no Sec-Fetch headers
// (plain HTTP to a remote host) is judged by Accept. The window sends
// what WebKit sends for its frames, so there only an explicit document
// counts.
func (a *App) topLevel(r *http.Request) bool {
	dest := r.Header.Get("Sec-Fetch-Dest")
	if dest != "" || a.opts.Shell == "window" {
		return dest == "document"
	}
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}

// cardStubCSP lets the stub page do nothing but show itself.
const cardStubCSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// serveCardStub answers a top-level card request with a page that says to
// open the card in Flowdeck, and a link to it there; the card itself is
// not sent.
func (a *App) serveCardStub(w http.ResponseWriter, r *http.Request, c datastore.Card) {
	seg := url.PathEscape
	route := "/#/flows/" + seg(c.Flow) + "/runs/" + seg(c.Run) + "/steps/" + seg(c.Step) + "/tasks/" + seg(c.Task) + "/cards/" + c.Key
	h := w.Header()
	h.Set("Content-Security-Policy", cardStubCSP)
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	name := html.EscapeString(c.Flow + "/" + c.Run + "/" + c.Step + "/" + c.Task + " " + c.Name())
	w.Write([]byte(`<!doctype html><html><head><meta charset="utf-8"><title>Open this card in Flowdeck</title>` +
		`<style>body{font:15px system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em;color:#222}code{font-size:13px}</style></head>` +
		`<body data-flowdeck-card-stub="1"><h1>Open this card in Flowdeck</h1>` +
		`<p>A card is shown only inside Flowdeck, where its scripts run in a sandboxed frame that cannot leave the app. ` +
		`Opened as a page of its own, it could navigate this tab anywhere, so Flowdeck does not send it here.</p>` +
		`<p><code>` + name + `</code></p>` +
		`<p><a href="` + html.EscapeString(route) + `">Show it in Flowdeck</a> (with <code>--allow-remote</code>, open the URL ` +
		`<code>flowdeck serve</code> printed first). To save the file, use Export in the card's menu.</p></body></html>`))
}
