package app

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"flowdeck/datastore"
)

// TestDebugRoutes: the benchmark routes need the secret, report the
// runtime, dump the index exactly as a fresh index of the same tree does,
// and serve pprof (not its cmdline); main_test.go checks that the product
// (no --debug-api) has none of them.
func TestDebugRoutes(t *testing.T) {
	s := newTestServer(t, "live_midrun", Options{DebugAPI: true})
	for _, p := range []string{"/api/debug/runtime", "/api/debug/dump", "/api/debug/pprof/heap"} {
		req, _ := http.NewRequest("GET", s.URL+p, nil)
		if code, _ := s.do(t, req); code != http.StatusUnauthorized {
			t.Errorf("%s without the secret: %d, want 401", p, code)
		}
	}

	var rt runtimeJSON
	s.getJSON(t, "/api/debug/runtime?gc=1", &rt)
	if rt.Goroutines <= 0 || rt.HeapAlloc == 0 || rt.NumGC == 0 {
		t.Errorf("runtime = %+v", rt)
	}

	code, dump := s.get(t, "/api/debug/dump")
	if code != http.StatusOK || !json.Valid(dump) {
		t.Fatalf("dump: %d %.200s", code, dump)
	}
	loc, err := datastore.Discover(s.root)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := datastore.Open(context.Background(), loc, datastore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := ix.Dump(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if string(fresh) != string(dump) {
		t.Errorf("dump differs from a fresh index's (%d vs %d bytes)", len(dump), len(fresh))
	}

	if code, b := s.get(t, "/api/debug/pprof/heap"); code != http.StatusOK || len(b) == 0 {
		t.Errorf("pprof heap: %d", code)
	}
	if code, _ := s.get(t, "/api/debug/pprof/cmdline"); code != http.StatusNotFound {
		t.Errorf("pprof cmdline: %d, want 404", code)
	}
	if code, _ := s.get(t, "/api/debug/nothing"); code != http.StatusNotFound {
		t.Errorf("unknown debug route: %d, want 404", code)
	}
}
