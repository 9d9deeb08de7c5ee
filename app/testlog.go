package app

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"
)

// TestLog records, as JSON lines, what tests of the shells need to see from
// outside the process: every HTTP request the handler serves, every message
// that reaches Wails' message channel, quit requests and their answers, the
// state of the channel mitigation, and what the page reports about card
// frames. main.go opens one when started with --debug-api and
// FLOWDECK_TEST_LOG names a file; it is never on otherwise. It records; it
// changes no behaviour.
type TestLog struct {
	mu sync.Mutex
	w  io.Writer
	c  io.Closer
	t0 time.Time
}

// OpenTestLog appends to the file at path.
func OpenTestLog(path string) (*TestLog, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("app: test log: %w", err)
	}
	return &TestLog{w: f, c: f, t0: time.Now()}, nil
}

// NewTestLog writes to w (tests).
func NewTestLog(w io.Writer) *TestLog { return &TestLog{w: w, t0: time.Now()} }

// Event writes one record: {"t": ms since start, "kind": kind, ...fields}.
// A nil TestLog records nothing.
func (l *TestLog) Event(kind string, fields map[string]any) {
	if l == nil {
		return
	}
	rec := make(map[string]any, len(fields)+2)
	for k, v := range fields {
		rec[k] = v
	}
	rec["kind"] = kind
	rec["t"] = time.Since(l.t0).Milliseconds()
	rec["unix_ms"] = time.Now().UnixMilli()
	b, err := json.Marshal(rec)
	if err != nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.w.Write(append(b, '\n'))
}

// Close closes the file.
func (l *TestLog) Close() error {
	if l == nil || l.c == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.c.Close()
}

// logRequests records every request before it is handled: method, path,
// query (the token redacted), the fetch destination and Origin the browser
// sent (a sandboxed card frame's own requests say Origin: null), and
// whether it carried the API secret.
func (a *App) logRequests(next http.Handler) http.Handler {
	l := a.opts.TestLog
	if l == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := map[string]any{"method": r.Method, "path": r.URL.EscapedPath(), "auth": a.authorized(r)}
		if r.URL.RawQuery != "" {
			f["query"] = redactToken(r.URL.Query())
		}
		if v := r.Header.Get("Sec-Fetch-Dest"); v != "" {
			f["dest"] = v
		}
		if v, ok := r.Header["Origin"]; ok {
			f["origin"] = v
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			l.Event("http", f)
			next.ServeHTTP(w, r)
			return
		}
		// Requests that change something are recorded once answered, with
		// their status, so a test sees whether the guard refused them.
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		f["status"] = sw.status
		l.Event("http", f)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func redactToken(q map[string][]string) string {
	out := make([]string, 0, len(q))
	for k, vs := range q {
		for _, v := range vs {
			if k == "token" {
				v = "…"
			}
			out = append(out, k+"="+v)
		}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// postTestLog takes what the page reports about card frames (only with
// Options.DebugAPI and while a test log is open; otherwise the route does
// not exist).
func (a *App) postTestLog(w http.ResponseWriter, r *http.Request) {
	if a.opts.TestLog == nil {
		writeError(w, http.StatusNotFound, "not found")
		return
	}
	var body map[string]any
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "bad test log record")
		return
	}
	a.opts.TestLog.Event("page", body)
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}
