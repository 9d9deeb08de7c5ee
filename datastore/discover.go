package datastore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Location is a datastore root (a .metaflow folder) and its card root.
type Location struct {
	Root     string `json:"root"`
	CardRoot string `json:"card_root"`
}

// ErrNotFound is returned when no datastore can be found.
var ErrNotFound = errors.New("datastore: no Metaflow datastore found")

// Environment variables Metaflow itself uses to place the datastore and cards.
const (
	EnvSysroot  = "METAFLOW_DATASTORE_SYSROOT_LOCAL"
	EnvCardRoot = "METAFLOW_CARD_LOCALROOT"
	dirName     = ".metaflow"
	cardDirName = "mf.cards"
)

// Discover finds the datastore the way Metaflow does. A non-empty path may
// name a .metaflow folder, a folder holding one, or a copied datastore
// folder under another name. With no path it uses
// METAFLOW_DATASTORE_SYSROOT_LOCAL/.metaflow, then .metaflow in the working
// directory and each parent. Cards are read from <root>/mf.cards unless
// METAFLOW_CARD_LOCALROOT is set.
func Discover(path string) (Location, error) {
	root, err := findRoot(path)
	if err != nil {
		return Location{}, err
	}
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	loc := Location{Root: root, CardRoot: filepath.Join(root, cardDirName)}
	if cr := os.Getenv(EnvCardRoot); cr != "" {
		if abs, err := filepath.Abs(cr); err == nil {
			if r, err := filepath.EvalSymlinks(abs); err == nil {
				abs = r
			}
			loc.CardRoot = abs
		}
	}
	return loc, nil
}

func findRoot(path string) (string, error) {
	if path != "" {
		abs, err := filepath.Abs(path)
		if err != nil {
			return "", fmt.Errorf("datastore: %s: %w", path, err)
		}
		fi, err := os.Stat(abs)
		if err != nil {
			return "", fmt.Errorf("datastore: %s: %w", abs, err)
		}
		if !fi.IsDir() {
			return "", fmt.Errorf("%w at %s: it is not a folder", ErrNotFound, abs)
		}
		if filepath.Base(abs) == dirName {
			return abs, nil
		}
		if isDir(filepath.Join(abs, dirName)) {
			return filepath.Join(abs, dirName), nil
		}
		if looksLikeRoot(abs) {
			return abs, nil
		}
		return "", fmt.Errorf("%w at %s: looked for %s and for flow folders (<Flow>/_meta/_self.json) or %s in it",
			ErrNotFound, abs, filepath.Join(abs, dirName), cardDirName)
	}
	if sys := os.Getenv(EnvSysroot); sys != "" {
		p := filepath.Join(sys, dirName)
		if isDir(p) {
			return filepath.Abs(p)
		}
		return "", fmt.Errorf("%w: %s=%s but %s is not a folder", ErrNotFound, EnvSysroot, sys, p)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("datastore: working directory: %w", err)
	}
	for dir := wd; ; {
		p := filepath.Join(dir, dirName)
		if isDir(p) {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return "", fmt.Errorf("%w: no %s in %s or any parent, and %s is not set", ErrNotFound, dirName, wd, EnvSysroot)
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// looksLikeRoot accepts a folder that holds flows or cards directly, so a
// datastore copied under another name still opens.
func looksLikeRoot(dir string) bool {
	if isDir(filepath.Join(dir, cardDirName)) {
		return true
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range ents {
		if e.IsDir() && !skipName(levelRoot, e.Name()) {
			if _, err := os.Stat(filepath.Join(dir, e.Name(), "_meta", "_self.json")); err == nil {
				return true
			}
		}
	}
	return false
}
