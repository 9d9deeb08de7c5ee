package app

import (
	"bytes"
	"html"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// appCSP is the app page's policy. frame-src 'self' also governs where a
// card frame may navigate itself, so a card cannot leave the app that way.
const appCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
	"font-src 'self' data:; connect-src 'self'; frame-src 'self'; worker-src 'self' blob:; object-src 'none'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// serveAsset serves the built frontend. index.html gets the per-launch
// secret and the shell name; unknown paths are 404 (routing is in the URL
// hash, so there is no fallback page).
func (a *App) serveAsset(w http.ResponseWriter, r *http.Request) {
	if a.opts.Assets == nil {
		writeError(w, http.StatusNotFound, "not found")
		return
	}
	name := strings.TrimPrefix(r.URL.Path, "/")
	if name == "" {
		name = "index.html"
	}
	if !fs.ValidPath(name) {
		writeError(w, http.StatusNotFound, "not found")
		return
	}
	b, err := fs.ReadFile(a.opts.Assets, name)
	if err != nil {
		writeError(w, http.StatusNotFound, "not found")
		return
	}
	h := w.Header()
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = http.DetectContentType(b)
	}
	h.Set("Content-Type", ct)
	if name == "index.html" {
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Security-Policy", appCSP)
		h.Set("X-Frame-Options", "DENY")
		// With --allow-remote the page is served to anyone, without the
		// secret: the printed URL carries it in its fragment, which never
		// reaches a server, and the page's script reads it from there.
		token := a.secret
		if a.opts.RequireSecret && !a.authorized(r) {
			token = ""
		}
		b = a.injectMetaToken(b, a.cardScriptPolicy(r.Context()), token)
		if s := a.session(); s != nil {
			s.pacer.PageLoaded()
		}
	} else if strings.HasPrefix(name, "assets/") {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(b)
	}
}

func (a *App) injectMeta(page []byte, scripts string) []byte {
	return a.injectMetaToken(page, scripts, a.secret)
}

func (a *App) injectMetaToken(page []byte, scripts, token string) []byte {
	meta := `<meta name="flowdeck-token" content="` + html.EscapeString(token) + `">` +
		`<meta name="flowdeck-shell" content="` + html.EscapeString(a.opts.Shell) + `">` +
		`<meta name="flowdeck-card-scripts" content="` + html.EscapeString(scripts) + `">`
	if a.opts.TestLog != nil {
		meta += `<meta name="flowdeck-test-log" content="1">`
	}
	if i := bytes.Index(page, []byte("</head>")); i >= 0 {
		out := make([]byte, 0, len(page)+len(meta))
		out = append(out, page[:i]...)
		out = append(out, meta...)
		return append(out, page[i:]...)
	}
	return append([]byte(meta), page...)
}
