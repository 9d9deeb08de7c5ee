package app

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// guard applies the checks every request passes: the Host header (serve
// mode, against DNS rebinding), path hygiene (no traversal element in any
// encoding), the origin of every request that changes something, the API
// secret on /api/, and headers that keep the app page and its responses
// from being framed or sniffed.
//
// There is no cookie. A cookie is scoped to a host, not a port, so any
// other server on the same host (a page on another port, or a link a card
// points there) would receive it, and SameSite counts other ports of a
// host as the same site. The secret travels only in the
// X-Flowdeck-Token header the page's own script adds (it reads the secret
// from the printed URL's fragment, which no request carries); a card frame
// gets a capability for its one card file instead (cardCap).
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
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !a.sameOrigin(r) {
			writeError(w, http.StatusForbidden, "cross-origin request refused: only Flowdeck's own page may change anything")
			return
		}
		if a.opts.RequireSecret && !a.authorized(r) && !a.publicPath(r) {
			writeError(w, http.StatusUnauthorized, "open the URL with the token that flowdeck serve printed")
			return
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

// publicPath reports the requests that need no secret even with
// --allow-remote: the built frontend (index.html carries the secret only
// when the request did; see serveAsset), and a card file whose URL
// carries that card's capability.
func (a *App) publicPath(r *http.Request) bool {
	p := r.URL.Path
	if strings.HasPrefix(p, "/assets/") || p == "/" || p == "/index.html" {
		return true
	}
	if key, ok := strings.CutPrefix(p, "/card/"); ok && validKey(key) {
		got := r.URL.Query().Get("cap")
		return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(a.cardCap(key))) == 1
	}
	return false
}

// cardCap is the capability that lets a card frame load its own card file
// without the secret (a frame's URL is readable by the card inside it, so
// it must not hold the secret): an HMAC of the key under the secret.
func (a *App) cardCap(key string) string {
	m := hmac.New(sha256.New, []byte(a.secret))
	m.Write([]byte("card-file\x00" + key))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// cardURL is the URL the original view frames for a card.
func (a *App) cardURL(key string) string {
	u := "/card/" + key
	if a.opts.RequireSecret {
		u += "?cap=" + a.cardCap(key)
	}
	return u
}

// sameOrigin reports whether a request that changes something comes from
// Flowdeck's own page. A form, a fetch or a beacon from another origin,
// another port of the same host included, carries that origin in Origin
// (and Sec-Fetch-Site says cross-site or same-site), whatever credentials
// it sends. In serve mode the request must show the app's own origin:
// scheme, host and port. The window's AssetServer is no network server and
// its scheme is Wails' own, so there only a foreign origin is refused
// (a sandboxed card frame's is "null").
func (a *App) sameOrigin(r *http.Request) bool {
	site := r.Header.Get("Sec-Fetch-Site")
	origin := r.Header.Get("Origin")
	if site != "" && site != "same-origin" {
		return false
	}
	if a.opts.Shell == "window" {
		if origin == "" {
			return true
		}
		u, err := url.Parse(origin)
		return err == nil && strings.EqualFold(u.Host, r.Host)
	}
	if origin == "" {
		return site == "same-origin"
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return strings.EqualFold(origin, scheme+"://"+r.Host)
}

// authorized reports whether a request carries the secret. On loopback and
// in the window the event stream may carry it as ?token= (EventSource
// sends no headers); with --allow-remote only the header counts, so the
// secret is in no request line (the page reads it from the URL's fragment
// and streams events over fetch).
func (a *App) authorized(r *http.Request) bool {
	got := r.Header.Get("X-Flowdeck-Token")
	if got == "" && !a.opts.RequireSecret {
		got = r.URL.Query().Get("token")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(a.secret)) == 1
}

// hostAllowed accepts loopback names and addresses on the port the server
// listens on. A page on
// another origin that rebinds its DNS name to 127.0.0.1 still sends its
// own name, and is refused; a Host naming another port is not this server.
func (a *App) hostAllowed(hostport string) bool {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, ""
	}
	if want := a.listenPort.Load(); want != nil && port != *want {
		return false
	}
	host = strings.Trim(strings.ToLower(host), "[]")
	if host == "localhost" {
		return true
	}
	// Any loopback address literal (127.0.0.2 too): DNS rebinding needs a
	// name, so an address cannot be a foreign site's.
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return true
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
