package s3test

import (
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestWeedPathMissing(t *testing.T) {
	t.Setenv("FLOWDECK_WEED", filepath.Join(t.TempDir(), "weed"))
	_, err := WeedPath()
	if !errors.Is(err, ErrNoWeed) || !strings.Contains(err.Error(), "scripts/weed.sh") {
		t.Fatalf("WeedPath with a missing binary: %v", err)
	}
}

// TestStartUploadStop starts a real weed, uploads a tree the way a bucket
// holds a datastore, reads it back over plain HTTP, and checks that Close
// stops the server and removes its folder.
func TestStartUploadStop(t *testing.T) {
	start := time.Now()
	s, err := Start(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("weed ready in %v at %s", time.Since(start).Round(time.Millisecond), s.Endpoint)
	closed := false
	defer func() {
		if !closed {
			s.Close()
		}
	}()

	tree := t.TempDir()
	files := map[string]string{
		"Flow/_meta/_self.json":            `{"flow_id": "Flow"}`,
		"Flow/latest_run":                  "1",
		"Flow/1/start/1/0.attempt.json":    `{"time": 1}`,
		"Flow/1/start/1/0.DONE.lock":       "",
		"Flow/1/start/1/_meta/_self.json":  "{}",
		"mf.cards/Flow/runs/1/steps/x.txt": "card",
	}
	for rel, body := range files {
		p := filepath.Join(tree, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateBucket(t.Context(), "flowdeck-t"); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	keys, err := s.UploadTree(t.Context(), "flowdeck-t", "pre/fix", tree, NotInBucket)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d PUTs in %v", len(keys), time.Since(start).Round(time.Millisecond))
	slices.Sort(keys)
	want := []string{"pre/fix/Flow/1/start/1/0.DONE.lock", "pre/fix/Flow/1/start/1/0.attempt.json", "pre/fix/mf.cards/Flow/runs/1/steps/x.txt"}
	if !slices.Equal(keys, want) {
		t.Fatalf("keys %v, want %v", keys, want)
	}
	get := func(key string) (int, string) {
		resp, err := http.Get(s.Endpoint + "/flowdeck-t/" + key)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("pre/fix/Flow/1/start/1/0.attempt.json"); code != 200 || body != `{"time": 1}` {
		t.Fatalf("GET: %d %q", code, body)
	}
	if code, body := get("pre/fix/Flow/1/start/1/0.DONE.lock"); code != 200 || body != "" {
		t.Fatalf("GET of an empty object: %d %q", code, body)
	}
	if code, _ := get("pre/fix/Flow/latest_run"); code != 404 {
		t.Fatalf("latest_run was uploaded: %d", code)
	}

	s.Close()
	closed = true
	if _, err := http.Get(s.Endpoint + "/flowdeck-t/"); err == nil {
		t.Fatal("the server still answers after Close")
	}
	if _, err := os.Stat(s.dir); !os.IsNotExist(err) {
		t.Fatalf("the server's folder is still there: %v", err)
	}
}
