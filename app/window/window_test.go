//go:build desktop

package window

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pkg/browser"
)

// Wails hands a "BO:<url>" message to pkg/browser, which runs the first of
// xdg-open, x-www-browser, www-browser on PATH. With the guard, that is a
// no-op script: a browser that is on PATH is never run.
func TestBrowserOpenGuard(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "opened")
	for _, n := range []string{"xdg-open", "x-www-browser", "www-browser"} {
		os.WriteFile(filepath.Join(dir, n), []byte("#!/bin/sh\necho \"$0 $*\" >> "+log+"\n"), 0o755)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	// Without the guard the fake browser runs (the test sees it).
	browser.Stderr, browser.Stdout = io.Discard, io.Discard
	if err := browser.OpenURL("http://127.0.0.1:47291/unguarded"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(log); !bytes.Contains(b, []byte("unguarded")) {
		t.Fatalf("the fake browser did not run without the guard: %q", b)
	}
	os.Remove(log)
	g, err := NewBrowserGuard(os.Getenv("PATH"))
	if err != nil {
		t.Fatal(err)
	}
	if g.Opener != filepath.Join(dir, "xdg-open") {
		t.Errorf("Opener %q", g.Opener)
	}
	// Made, not yet on PATH: Run would refuse.
	if err := g.check(); err == nil {
		t.Error("check passed with the guard not on PATH")
	}
	t.Setenv("PATH", g.PATH)
	if err := g.check(); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"http://127.0.0.1:47291/browser-open", "file:///etc/passwd", "--help"} {
		if err := browser.OpenURL(u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	if b, err := os.ReadFile(log); err == nil {
		t.Errorf("a browser ran behind the guard: %s", b)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(strings.SplitN(g.PATH, string(os.PathListSeparator), 2)[0]); !os.IsNotExist(err) {
		t.Errorf("Close left the guard's folder: %v", err)
	}
}
