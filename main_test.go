package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"flowdeck/app"
	"flowdeck/internal/fixture"
)

// debugRoutes are the test and benchmark routes, with their methods.
var debugRoutes = []struct{ method, path string }{
	{"GET", "/api/debug/runtime"},
	{"GET", "/api/debug/dump"},
	{"GET", "/api/debug/pprof/"},
	{"GET", "/api/debug/pprof/heap"},
	{"POST", "/api/test/log"},
}

// productHandler builds the App from the command line exactly as start
// does (parse, then appOptions) and opens the datastore.
func productHandler(t *testing.T, args ...string) *app.App {
	t.Helper()
	cfg, err := parse(args, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	opts, closeHooks, err := appOptions(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeHooks)
	opts.Shell = "serve"
	a := app.New(opts)
	t.Cleanup(func() { a.Close() })
	if _, err := a.Open(cfg.path); err != nil {
		t.Fatal(err)
	}
	return a
}

func call(t *testing.T, a *app.App, method, path string) int {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(`{"event":"x"}`))
	req.Header.Set("X-Flowdeck-Token", a.Secret())
	req.Header.Set("Content-Type", "application/json")
	if method == "POST" {
		// The origin guard lets a same-origin POST through.
		req.Header.Set("Origin", "http://"+req.Host)
	}
	rec := httptest.NewRecorder()
	a.Handler().ServeHTTP(rec, req)
	return rec.Code
}

// The product (no --debug-api) has no /api/debug or /api/test route, even
// with every test variable set; with --debug-api the same binary has them
// (so the 404s are not the secret or the guard refusing).
func TestProductHasNoDebugRoutes(t *testing.T) {
	root := fixture.Copy(t, "default")
	log := filepath.Join(t.TempDir(), "test.jsonl")
	t.Setenv("FLOWDECK_TEST_LOG", log)

	product := productHandler(t, "serve", root)
	for _, r := range debugRoutes {
		if code := call(t, product, r.method, r.path); code != http.StatusNotFound {
			t.Errorf("product: %s %s = %d, want 404", r.method, r.path, code)
		}
	}
	if product.TestLog() != nil {
		t.Error("product: FLOWDECK_TEST_LOG opened a test log without --debug-api")
	}
	if _, err := os.Stat(log); err == nil {
		t.Error("product: FLOWDECK_TEST_LOG created its file without --debug-api")
	}
	if h := windowHooks(config{}); h != (testHooks{}) {
		t.Errorf("product: window hooks %+v, want none", h)
	}

	debug := productHandler(t, "serve", root, "--debug-api")
	for _, r := range debugRoutes {
		if code := call(t, debug, r.method, r.path); code != http.StatusOK {
			t.Errorf("--debug-api: %s %s = %d, want 200", r.method, r.path, code)
		}
	}
	if debug.TestLog() == nil {
		t.Error("--debug-api: FLOWDECK_TEST_LOG opened no test log")
	}
}
