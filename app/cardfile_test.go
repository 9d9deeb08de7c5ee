package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"flowdeck/cards"
	"flowdeck/datastore"
)

const (
	hostileRun  = "1795642761955764"
	hostileStem = "html-hostile_original-edc3ef390bde4375a5a6c1dd7d5cf783"
)

func hostileFile(root string) string {
	return filepath.Join(root, "mf.cards", "HostileFlow", "runs", hostileRun, "steps", "start", "tasks", "1", "cards", hostileStem+".html")
}

var hostileKey = datastore.CardKey("HostileFlow", hostileRun, "start", "1", hostileStem)

func rawGet(t *testing.T, s *testServer, method, path string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.URL.Opaque = path
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	if h, ok := hdr["Host"]; ok {
		req.Host = h
	}
	return s.send(t, req)
}

// GET /card/{key}: the file from the index with the bridge, a CSP that
// forbids every request, nosniff, no caching; ?download=1: the file as
// written, as an attachment; HEAD: no body.
func TestCardFile(t *testing.T) {
	s := newTestServer(t, "hostile", Options{})
	want, err := os.ReadFile(hostileFile(s.root))
	if err != nil {
		t.Fatal(err)
	}
	resp, body := rawGet(t, s, "GET", "/card/"+hostileKey, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	h := resp.Header
	csp := h.Get("Content-Security-Policy")
	for _, d := range []string{"default-src 'none'", "script-src 'unsafe-inline'", "style-src 'unsafe-inline'", "img-src data:",
		"font-src data:", "media-src data:", "form-action 'none'", "base-uri 'none'", "frame-src 'none'", "worker-src 'none'",
		"frame-ancestors 'self'", "sandbox allow-scripts"} {
		if !strings.Contains(csp, d) {
			t.Errorf("CSP lacks %q: %s", d, csp)
		}
	}
	for _, d := range strings.Split(csp, ";") {
		if strings.Contains(d, "http") || strings.Contains(d, "*") || (strings.Contains(d, "'self'") && !strings.Contains(d, "frame-ancestors")) {
			t.Errorf("CSP directive allows a network source: %q", d)
		}
	}
	for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
		"Content-Type": "text/html; charset=utf-8", "Cross-Origin-Resource-Policy": "same-origin", "Referrer-Policy": "no-referrer"} {
		if h.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, h.Get(k), v)
		}
	}
	script := cards.BridgeScript()
	at := bytes.Index(body, script)
	if at < 0 {
		t.Fatal("no bridge in the served card")
	}
	if !bytes.Equal(append(append([]byte{}, body[:at]...), body[at+len(script):]...), want) {
		t.Error("the served card is not the file plus the bridge")
	}
	if !bytes.HasPrefix(body[:at], []byte("<!DOCTYPE html>\n<html><head>")) {
		t.Errorf("bridge not after <head>: %q", body[:at])
	}

	resp, body = rawGet(t, s, "GET", "/card/"+hostileKey+"?download=1", nil)
	if !bytes.Equal(body, want) {
		t.Error("the download is not the file as written")
	}
	if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename=HostileFlow-`+hostileRun+`-start-1-`+hostileStem+`.html` {
		t.Errorf("Content-Disposition %q", cd)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/octet-stream" {
		t.Errorf("download Content-Type %q", ct)
	}

	resp, body = rawGet(t, s, "HEAD", "/card/"+hostileKey, nil)
	if resp.StatusCode != 200 || len(body) != 0 {
		t.Errorf("HEAD: %d with %d bytes", resp.StatusCode, len(body))
	}
	resp, _ = rawGet(t, s, "POST", "/card/"+hostileKey, map[string]string{"Origin": s.URL})
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", resp.StatusCode)
	}
}

// Path and header attacks on /card/: .. in every encoding, unknown keys,
// keys that name no card, keys of another datastore: 404; a foreign Host:
// 403. Never a file, never a redirect.
func TestCardFileAttacks(t *testing.T) {
	s := newTestServer(t, "hostile", Options{CheckHost: true})
	other := newTestServer(t, "default", Options{})
	otherKey := datastore.CardKey("DefaultCardFlow", "1795642620378112", "start", "1", "default-51d73f4799664dd88288a08869a832c3")
	if code, _ := other.get(t, "/card/"+otherKey); code != 200 {
		t.Fatalf("the other datastore's card: %d", code)
	}
	key := func(parts ...string) string {
		return datastore.CardKey(parts[0], parts[1], parts[2], parts[3], parts[4])
	}
	attacks := []string{
		"/card/" + otherKey,
		"/card/" + key("HostileFlow", hostileRun, "start", "1", "html-nothere-00000000000000000000000000000000"),
		"/card/" + key("HostileFlow", hostileRun, "start", "1", "0.data"),
		"/card/" + key("HostileFlow", hostileRun, "start", "..", hostileStem),
		"/card/" + key("..", "..", "..", "..", "etc"),
		"/card/" + key("HostileFlow", hostileRun, "start", "1", "..%2f..%2fetc%2fpasswd"),
		"/card/" + strings.Repeat("A", 2000),
		"/card/",
		"/card",
		"/card/" + hostileKey + "/..",
		"/card/" + hostileKey + "/x",
		"/card/" + hostileKey + "%2f..%2f..",
		"/card/..",
		"/card/%2e%2e",
		"/card/%2E%2E/%2e%2e/etc/passwd",
		"/card/%252e%252e%252f%252e%252e",
		"/card/..%2F..%2F..%2Fetc%2Fpasswd",
		"/card/..%5c..%5cetc%5cpasswd",
		"/card/%c0%ae%c0%ae%c0%afetc%c0%afpasswd",
		"/card/%ef%bc%8e%ef%bc%8e%ef%bc%8fetc",
		"/card/..;/..;/etc/passwd",
		"/card/.%2e/.%2e/etc/passwd",
		"/card/%00",
		"/card/x%00y",
		"/card/" + hostileKey + "%00",
		"/card/%2Fetc%2Fpasswd",
		"/card/file:%2F%2F%2Fetc%2Fpasswd",
		"/card//etc/passwd",
		"/card/./" + hostileKey,
		"/./card/" + hostileKey,
		"/x/../card/" + hostileKey,
		"/card/" + strings.ToLower(hostileKey),
		"/card/" + hostileKey + "=",
		"/card/" + hostileKey[:10] + "/" + hostileKey[10:],
		"/card/" + hostileKey[:len(hostileKey)-1] + "Z",
	}
	for _, p := range attacks {
		resp, body := rawGet(t, s, "GET", p, nil)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d %.80s", p, resp.StatusCode, body)
		}
		if bytes.Contains(body, []byte("root:x:0")) || bytes.Contains(body, []byte("Hostile card")) {
			t.Errorf("%s leaked a file", p)
		}
	}
	// Headers: a foreign Host (DNS rebinding) is refused; forwarding
	// headers change nothing.
	for _, hdr := range []map[string]string{
		{"Host": "evil.example"},
		{"Host": "evil.example:80"},
		{"Host": "127.0.0.1.evil.example"},
		{"Host": "localhost.evil.example"},
	} {
		resp, body := rawGet(t, s, "GET", "/card/"+hostileKey, hdr)
		if resp.StatusCode != http.StatusForbidden || bytes.Contains(body, []byte("Hostile card")) {
			t.Errorf("%v: %d", hdr, resp.StatusCode)
		}
	}
	resp, _ := rawGet(t, s, "GET", "/card/"+hostileKey, map[string]string{"X-Forwarded-Host": "evil.example", "X-Original-URL": "/etc/passwd", "X-Rewrite-URL": "/etc/passwd"})
	if resp.StatusCode != 200 {
		t.Errorf("forwarding headers: %d", resp.StatusCode)
	}
	// An absolute-form request line naming another host is judged by its Host.
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET http://evil.example/card/"+hostileKey+" HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
	r, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.StatusCode != http.StatusForbidden {
		t.Errorf("absolute-form request: %d", r.StatusCode)
	}
}

// A key of a datastore that was open before is unknown once another one is
// opened in the same app.
func TestCardFileAfterSwitch(t *testing.T) {
	s := newTestServer(t, "hostile", Options{})
	if code, _ := s.get(t, "/card/"+hostileKey); code != 200 {
		t.Fatalf("before the switch: %d", code)
	}
	if _, err := s.app.Open(copyFixture(t, "default")); err != nil {
		t.Fatal(err)
	}
	<-s.app.Loaded()
	if code, body := s.get(t, "/card/"+hostileKey); code != http.StatusNotFound {
		t.Errorf("after the switch: %d %.80s", code, body)
	}
}

// In the window, card files and the page wait for the card script policy;
// when Wails' channel could not be closed (ask), a card is served without
// any script unless the page asks for ?scripts=1 (after the user agreed).
func TestCardFileScriptGate(t *testing.T) {
	s := newTestServer(t, "hostile", Options{})
	g := newScriptGate(2 * time.Second)
	s.app.gate = g
	done := make(chan int, 1)
	go func() {
		resp, _ := rawGet(t, s, "GET", "/card/"+hostileKey, nil)
		done <- resp.StatusCode
	}()
	select {
	case <-done:
		t.Fatal("the card was served before the policy was decided")
	case <-time.After(200 * time.Millisecond):
	}
	g.decide(ScriptsAsk)
	if code := <-done; code != 200 {
		t.Fatalf("status %d", code)
	}
	resp, body := rawGet(t, s, "GET", "/card/"+hostileKey, nil)
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'none'") || !strings.HasSuffix(csp, "; sandbox") {
		t.Errorf("ask: CSP %q", csp)
	}
	if bytes.Contains(body, cards.BridgeScript()) {
		t.Error("ask: the bridge was injected")
	}
	resp, body = rawGet(t, s, "GET", "/card/"+hostileKey+"?scripts=1", nil)
	if csp := resp.Header.Get("Content-Security-Policy"); csp != cardCSP || !bytes.Contains(body, cards.BridgeScript()) {
		t.Errorf("ask + consent: CSP %q", csp)
	}
	_, page := rawGet(t, s, "GET", "/", nil)
	if !bytes.Contains(page, []byte(`<meta name="flowdeck-card-scripts" content="ask">`)) {
		t.Errorf("the page does not say ask: %s", page)
	}
	// Undecided past the wait: ask.
	s.app.gate = newScriptGate(50 * time.Millisecond)
	if got := s.app.cardScriptPolicy(context.Background()); got != ScriptsAsk {
		t.Errorf("undecided policy %q", got)
	}
	s.app.gate = nil
	_, page = rawGet(t, s, "GET", "/", nil)
	if !bytes.Contains(page, []byte(`<meta name="flowdeck-card-scripts" content="run">`)) {
		t.Errorf("serve mode does not say run: %s", page)
	}
}

// The test log records requests (with the secret's presence and Origin)
// and page reports; without it, /api/test/log does not exist.
func TestTestLog(t *testing.T) {
	var buf bytes.Buffer
	s := newTestServer(t, "hostile", Options{DebugAPI: true, TestLog: NewTestLog(&buf)})
	rawGet(t, s, "GET", "/card/"+hostileKey+"?token=secret-value", map[string]string{"Origin": "null"})
	req, _ := http.NewRequest("POST", s.URL+"/api/test/log", strings.NewReader(`{"event":"x"}`))
	req.Header.Set("X-Flowdeck-Token", s.app.Secret())
	req.Header.Set("Origin", s.URL)
	if code, _ := s.do(t, req); code != 200 {
		t.Fatalf("post test log: %d", code)
	}
	var recs []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var r map[string]any
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	if recs[0]["kind"] != "http" || recs[0]["auth"] != false || !strings.Contains(recs[0]["query"].(string), "token=…") ||
		strings.Contains(buf.String(), "secret-value") || recs[0]["origin"].([]any)[0] != "null" {
		t.Errorf("request record: %v", recs[0])
	}
	// A POST is recorded once answered, so the page's own record comes first.
	if pg, post := recs[len(recs)-2], recs[len(recs)-1]; pg["kind"] != "page" || pg["event"] != "x" || post["status"] != float64(200) {
		t.Errorf("page record: %v, then %v", pg, post)
	}
	plain := newTestServer(t, "hostile", Options{})
	req, _ = http.NewRequest("POST", plain.URL+"/api/test/log", strings.NewReader(`{}`))
	req.Header.Set("X-Flowdeck-Token", plain.app.Secret())
	req.Header.Set("Origin", plain.URL)
	if code, _ := plain.do(t, req); code != http.StatusNotFound {
		t.Errorf("test log route without a test log: %d", code)
	}
}
