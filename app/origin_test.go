package app

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// Issue 12, point 1: a page on another origin (another port of the same
// host included) cannot change anything, whatever it sends.
func TestCrossOriginWritesRefused(t *testing.T) {
	s := newTestServer(t, "hostile", Options{RequireSecret: true, Demo: func(context.Context) (string, error) {
		t.Error("a cross-origin request started the demo")
		return "", context.Canceled
	}})
	other := strings.Replace(s.URL, s.Listener.Addr().String(), "127.0.0.1:18602", 1)
	post := func(path, ctype, body string, hdr map[string]string) int {
		req, _ := http.NewRequest("POST", s.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		code, _ := s.do(t, req)
		return code
	}
	tok := s.app.Secret()
	for _, path := range []string{"/api/open", "/api/runs/HostileFlow/" + hostileRun + "/reload", "/api/test/log"} {
		for name, hdr := range map[string]map[string]string{
			// The attack from the issue: a text/plain form from another port,
			// here even with the secret itself.
			"other port":           {"Origin": other, "X-Flowdeck-Token": tok},
			"other port by fetch":  {"Origin": other, "Sec-Fetch-Site": "same-site", "X-Flowdeck-Token": tok},
			"other scheme":         {"Origin": strings.Replace(s.URL, "http:", "https:", 1), "X-Flowdeck-Token": tok},
			"sandboxed card":       {"Origin": "null", "X-Flowdeck-Token": tok},
			"no origin":            {"X-Flowdeck-Token": tok},
			"cross-site":           {"Sec-Fetch-Site": "cross-site", "X-Flowdeck-Token": tok},
			"same-site, no origin": {"Sec-Fetch-Site": "same-site", "X-Flowdeck-Token": tok},
			"old cookie":           {"Origin": s.URL, "Cookie": secretCookieName + "=" + tok},
		} {
			code := post(path, "text/plain", `{"demo":true,"x":"="}`, hdr)
			want := http.StatusForbidden
			if name == "old cookie" {
				want = http.StatusUnauthorized // cookies are not credentials
			}
			if code != want {
				t.Errorf("POST %s (%s): %d, want %d", path, name, code, want)
			}
		}
	}
	// The app's own page passes: its origin, or Sec-Fetch-Site alone.
	if code := post("/api/runs/HostileFlow/"+hostileRun+"/reload", "application/json", "{}", map[string]string{"Origin": s.URL, "X-Flowdeck-Token": tok}); code != 200 {
		t.Errorf("own origin: %d", code)
	}
	if code := post("/api/runs/HostileFlow/"+hostileRun+"/reload", "application/json", "{}", map[string]string{"Sec-Fetch-Site": "same-origin", "X-Flowdeck-Token": tok}); code != 200 {
		t.Errorf("same-origin fetch: %d", code)
	}
}

// secretCookieName is the cookie Flowdeck set before issue 12.
const secretCookieName = "flowdeck_token"

// The window's AssetServer refuses a card frame's (opaque) origin and any
// other foreign one, and serves the page's own requests.
func TestWindowOriginCheck(t *testing.T) {
	s := newTestServer(t, "hostile", Options{Shell: "window"})
	for origin, want := range map[string]int{"": 200, "null": 403, "http://127.0.0.1:47291": 403, s.URL: 200} {
		req, _ := http.NewRequest("POST", s.URL+"/api/runs/HostileFlow/"+hostileRun+"/reload", strings.NewReader("{}"))
		req.Header.Set("X-Flowdeck-Token", s.app.Secret())
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		if code, b := s.do(t, req); code != want {
			t.Errorf("Origin %q: %d %s, want %d", origin, code, b, want)
		}
	}
}

// With --allow-remote nothing sets a cookie, and a card frame loads its
// file with its own capability, which opens no other card.
func TestCardCapability(t *testing.T) {
	s := newTestServer(t, "hostile", Options{RequireSecret: true})
	var d struct {
		HTMLURL string `json:"html_url"`
	}
	s.getJSON(t, "/api/cards/"+hostileKey, &d)
	if !strings.HasPrefix(d.HTMLURL, "/card/"+hostileKey+"?cap=") || strings.Contains(d.HTMLURL, s.app.Secret()) {
		t.Fatalf("html_url = %q", d.HTMLURL)
	}
	resp, _ := rawGet(t, s, "GET", d.HTMLURL, map[string]string{"Sec-Fetch-Dest": "iframe"})
	if resp.StatusCode != 200 || len(resp.Cookies()) != 0 {
		t.Errorf("card with its capability: %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
	resp, _ = rawGet(t, s, "GET", d.HTMLURL+"&download=1", nil)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("export with the capability: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
	for _, bad := range []string{"/card/" + hostileKey + "?cap=0", "/card/" + hostileKey + "x" + d.HTMLURL[len("/card/"+hostileKey):], "/card/" + hostileKey} {
		if resp, _ := rawGet(t, s, "GET", bad, nil); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: %d", bad, resp.StatusCode)
		}
	}
	// A capability is no secret: the API refuses it.
	if resp, _ := rawGet(t, s, "GET", "/api/flows?cap="+s.app.cardCap(hostileKey), nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("API with a card capability: %d", resp.StatusCode)
	}
}

// Issue 12, point 6: the Host header must name the port listened on; any
// loopback address works.
func TestHostPort(t *testing.T) {
	s := newTestServer(t, "hostile", Options{CheckHost: true})
	port := s.Listener.Addr().(*netAddr).Port
	ps := itoa(port)
	s.app.Listening(ps)
	for host, want := range map[string]int{
		"127.0.0.1:" + ps: 200, "localhost:" + ps: 200, "[::1]:" + ps: 200, "127.0.0.2:" + ps: 200,
		"127.0.0.1:1": 403, "127.0.0.1": 403, "localhost:" + itoa(port+1): 403, "evil.example:" + ps: 403,
	} {
		req, _ := http.NewRequest("GET", s.URL+"/api/flows", nil)
		req.Host = host
		req.Header.Set("X-Flowdeck-Token", s.app.Secret())
		if code, _ := s.do(t, req); code != want {
			t.Errorf("Host %q: %d, want %d", host, code, want)
		}
	}
}

type netAddr = net.TCPAddr

func itoa(i int) string { return strconv.Itoa(i) }
