package app

import (
	"mime"
	"net/http"

	"flowdeck/cards"
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
	b, c, err := ix.CardHTML(r.Context(), key)
	if err != nil {
		writeLookupError(w, err)
		return
	}
	q := r.URL.Query()
	download := q.Get("download") == "1"
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Referrer-Policy", "no-referrer")
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
		b = cards.InjectBridge(b)
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(b)
	}
}
