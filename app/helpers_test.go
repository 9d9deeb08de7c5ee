package app

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"

	"flowdeck/internal/fixture"
)

func copyFixture(t testing.TB, name string) string { return fixture.Copy(t, name) }

// testAssets stands in for the built frontend (which has its own tests).
var testAssets = fstest.MapFS{
	"index.html":       {Data: []byte("<!doctype html><html><head><title>Flowdeck</title></head><body></body></html>")},
	"assets/app-1.js":  {Data: []byte("console.log(1)")},
	"assets/app-1.css": {Data: []byte("body{}")},
}

type testServer struct {
	*httptest.Server
	app  *App
	root string
}

func newTestServer(t testing.TB, fixture string, opts Options) *testServer {
	t.Helper()
	root := ""
	if fixture != "" {
		root = copyFixture(t, fixture)
	}
	if opts.Assets == nil {
		opts.Assets = testAssets
	}
	if opts.Shell == "" {
		opts.Shell = "serve"
	}
	a := New(opts)
	if root != "" {
		if _, err := a.Open(root); err != nil {
			t.Fatal(err)
		}
		<-a.Loaded()
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	return &testServer{Server: srv, app: a, root: root}
}

// get fetches a path with the API secret and returns status and body.
func (s *testServer) get(t testing.TB, path string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+path, nil)
	req.Header.Set("X-Flowdeck-Token", s.app.Secret())
	return s.do(t, req)
}

func (s *testServer) do(t testing.TB, req *http.Request) (int, []byte) {
	t.Helper()
	resp, b := s.send(t, req)
	return resp.StatusCode, b
}

// send does req without following redirects and returns the response with
// its body read.
func (s *testServer) send(t testing.TB, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func (s *testServer) getJSON(t testing.TB, path string, v any) {
	t.Helper()
	code, b := s.get(t, path)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, code, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v in %s", path, err, b)
	}
}

// newTestServerFor serves an App the test made itself.
func newTestServerFor(t testing.TB, a *App) *testServer {
	t.Helper()
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	return &testServer{Server: srv, app: a}
}
