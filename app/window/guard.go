//go:build desktop

package window

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// BrowserGuard is a folder whose xdg-open, x-www-browser and www-browser do
// nothing, meant to be first on the process's PATH. Wails hands any URL a
// frame posts as "BO:<url>" to pkg/browser, which runs the first of those
// it finds on PATH (and offers no other seam); with the guard, none reaches
// the desktop. Flowdeck's own "open folder" runs the real opener (Opener)
// by absolute path.
//
// The guard does not change the environment itself: the composition root
// sets PATH once, at start (main_window.go), and Run checks that it did.
type BrowserGuard struct {
	// PATH is the search path with the guard's folder first.
	PATH string
	// Opener is the real xdg-open on the PATH the guard was made from, as
	// an absolute path ("" if there is none).
	Opener string
	dir    string
}

var guardNames = []string{"xdg-open", "x-www-browser", "www-browser"}

// NewBrowserGuard makes the guard's folder for a process whose PATH is
// path. Outside Linux and FreeBSD it is empty and PATH is path.
func NewBrowserGuard(path string) (*BrowserGuard, error) {
	if runtime.GOOS != "linux" && runtime.GOOS != "freebsd" {
		return &BrowserGuard{PATH: path}, nil
	}
	g := &BrowserGuard{}
	for _, d := range filepath.SplitList(path) {
		if d == "" || !filepath.IsAbs(d) {
			continue // exec.LookPath refuses relative results too
		}
		if p := filepath.Join(d, "xdg-open"); isExecutable(p) {
			g.Opener = p
			break
		}
	}
	dir, err := os.MkdirTemp("", "flowdeck-guard-")
	if err != nil {
		return nil, fmt.Errorf("window: browser guard: %w", err)
	}
	script := []byte("#!/bin/sh\necho \"flowdeck: refused to open $*\" >&2\nexit 0\n")
	for _, name := range guardNames {
		if err := os.WriteFile(filepath.Join(dir, name), script, 0o700); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("window: browser guard: %w", err)
		}
	}
	g.dir = dir
	g.PATH = dir + string(os.PathListSeparator) + path
	return g, nil
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode().Perm()&0o111 != 0
}

// check fails unless every browser pkg/browser would run is the guard's.
func (g *BrowserGuard) check() error {
	if g.dir == "" {
		return nil
	}
	for _, name := range guardNames {
		p, err := exec.LookPath(name)
		if err != nil || !strings.HasPrefix(p, g.dir+string(filepath.Separator)) {
			return errors.New("window: the browser guard is not first on PATH (set PATH to Platform.GuardedPATH before Run)")
		}
	}
	return nil
}

// Close removes the guard's folder.
func (g *BrowserGuard) Close() error {
	if g.dir == "" {
		return nil
	}
	return os.RemoveAll(g.dir)
}
