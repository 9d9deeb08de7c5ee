package app

import (
	"crypto/subtle"
	"net"
	"net/http"
	"strings"
)

// guard applies the checks every request passes: the Host header (serve
// mode, against DNS rebinding), path hygiene (no traversal element in any
// encoding), the API secret on /api/, and headers that keep the app page
// and its responses from being framed or sniffed.
func (a *App) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.opts.CheckHost && !a.hostAllowed(r.Host) {
			writeError(w, http.StatusForbidden, "forbidden host")
			return
		}
		if !cleanPath(r) {
			writeError(w, http.StatusNotFound, "not found")
			return
		}
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if a.opts.RequireSecret {
			if !a.authorized(r) {
				writeError(w, http.StatusUnauthorized, "open the URL with the token that flowdeck serve printed")
				return
			}
			if r.URL.Query().Get("token") != "" {
				http.SetCookie(w, &http.Cookie{Name: secretCookie, Value: a.secret, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
			}
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			if !a.authorized(r) {
				writeError(w, http.StatusUnauthorized, "missing or wrong API secret")
				return
			}
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

const secretCookie = "flowdeck_token"

func (a *App) authorized(r *http.Request) bool {
	got := r.Header.Get("X-Flowdeck-Token")
	if got == "" {
		got = r.URL.Query().Get("token")
	}
	if got == "" {
		if c, err := r.Cookie(secretCookie); err == nil {
			got = c.Value
		}
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(a.secret)) == 1
}

// hostAllowed accepts loopback names and the hosts the server was told
// about. A page on another origin that rebinds its DNS name to 127.0.0.1
// still sends its own name, and is refused.
func (a *App) hostAllowed(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(strings.ToLower(host), "[]")
	switch host {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	for _, h := range a.opts.AllowedHosts {
		if strings.EqualFold(h, host) || strings.EqualFold(h, hostport) {
			return true
		}
	}
	return false
}

// cleanPath refuses any path with an empty, "." or ".." element, a
// backslash or a NUL, whether written plainly or percent-encoded, so no
// route ever sees one (and net/http's redirect to a cleaned path never
// happens).
func cleanPath(r *http.Request) bool {
	raw := r.URL.EscapedPath()
	if !strings.HasPrefix(raw, "/") {
		return false
	}
	if raw == "/" {
		return true
	}
	segs := strings.Split(strings.TrimSuffix(raw[1:], "/"), "/")
	for _, s := range segs {
		u, err := unescape(s)
		if err != nil || u == "" || u == "." || u == ".." || strings.ContainsAny(u, "/\\\x00") {
			return false
		}
		// Double encoding (%252e%252e) decodes to %2e%2e: refuse it too.
		if u2, err := unescape(u); err == nil && u2 != u && (u2 == "." || u2 == ".." || strings.ContainsAny(u2, "/\\")) {
			return false
		}
	}
	return true
}
