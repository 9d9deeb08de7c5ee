package app

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"flowdeck/internal/fixture"
)

// fakeDemos stands in for main.go's demo: each writer owns a temporary
// folder (a copy of a fixture) until its context ends, then removes it, as
// startDemo does. A writer runs while its context is live.
type fakeDemos struct {
	t       *testing.T
	mu      sync.Mutex
	ctxs    []context.Context
	dirs    []string
	overlap int // the most writers live when one started
	wg      sync.WaitGroup
}

func (d *fakeDemos) start(ctx context.Context) (string, error) {
	dir := filepath.Join(d.t.TempDir(), "flowdeck-demo")
	if err := fixture.CopyDir(fixture.Path(d.t, "retry"), dir); err != nil {
		return "", err
	}
	d.mu.Lock()
	d.ctxs = append(d.ctxs, ctx)
	d.dirs = append(d.dirs, dir)
	d.overlap = max(d.overlap, d.liveLocked())
	d.mu.Unlock()
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		<-ctx.Done()
		os.RemoveAll(dir)
	}()
	return filepath.Join(dir, ".metaflow"), nil
}

func (d *fakeDemos) liveLocked() int {
	n := 0
	for _, c := range d.ctxs {
		if c.Err() == nil {
			n++
		}
	}
	return n
}

func (d *fakeDemos) live() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.liveLocked()
}

// Issue 12, point 2: repeated demo opens run one writer at a time, each
// stops when the next datastore opens, and the datastore the server was
// started on can be returned to.
func TestDemoOneWriter(t *testing.T) {
	d := &fakeDemos{t: t}
	s := newTestServer(t, "hostile", Options{})
	s.app.opts.Demo = d.start
	post := func(body string) (int, string) {
		req, _ := http.NewRequest("POST", s.URL+"/api/open", strings.NewReader(body))
		req.Header.Set("X-Flowdeck-Token", s.app.Secret())
		req.Header.Set("Origin", s.URL)
		code, b := s.do(t, req)
		return code, string(b)
	}
	status := func() (st struct {
		Root string `json:"root"`
		Demo bool   `json:"demo"`
		Home string `json:"home"`
	}) {
		s.getJSON(t, "/api/datastore", &st)
		return st
	}
	for i := 0; i < 6; i++ {
		if code, b := post(`{"demo":true}`); code != 200 {
			t.Fatalf("demo %d: %d %s", i, code, b)
		}
		if n := d.live(); n != 1 {
			t.Fatalf("after demo %d: %d writers running", i, n)
		}
	}
	if st := status(); !st.Demo || st.Home != s.root {
		t.Fatalf("status in the demo: %+v", st)
	}
	// Concurrent requests still leave one writer.
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); post(`{"demo":true}`) }()
	}
	wg.Wait()
	if n := d.live(); n != 1 || d.overlap != 1 {
		t.Fatalf("after concurrent demos: %d running, %d at once", n, d.overlap)
	}
	if code, b := post(`{"home":true}`); code != 200 {
		t.Fatalf("leave the demo: %d %s", code, b)
	}
	if st := status(); st.Demo || st.Root != s.root {
		t.Fatalf("status after leaving: %+v", st)
	}
	if n := d.live(); n != 0 {
		t.Fatalf("%d demo writers still running after leaving", n)
	}
	d.wg.Wait()
	for _, dir := range d.dirs {
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("%s outlived its demo: %v", dir, err)
		}
	}
	var w map[string]any
	s.getJSON(t, "/api/welcome", &w)
	if b, _ := json.Marshal(w["home"]); string(b) != `"`+s.root+`"` {
		t.Errorf("welcome home: %s", b)
	}
}

// Closing the App (SIGTERM, Ctrl-C) stops the demo it started.
func TestDemoStopsOnClose(t *testing.T) {
	d := &fakeDemos{t: t}
	a := New(Options{Shell: "serve", Assets: testAssets, Demo: d.start})
	if err := a.startDemo(); err != nil {
		t.Fatal(err)
	}
	a.Close()
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the demo writer did not stop")
	}
}
