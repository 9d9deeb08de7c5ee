package app

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// Recent is the list of recently opened datastores, kept in the user's
// config folder (never in a datastore).
type Recent struct {
	mu   sync.Mutex
	path string
	max  int
}

// NewRecent stores the list at <dir>/recent.json.
func NewRecent(dir string) *Recent { return &Recent{path: filepath.Join(dir, "recent.json"), max: 10} }

// DefaultRecent uses <user config dir>/flowdeck.
func DefaultRecent() (*Recent, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return nil, fmt.Errorf("app: recent folders: %w", err)
	}
	return NewRecent(filepath.Join(dir, "flowdeck")), nil
}

// List returns the folders, most recent first, leaving out ones that are gone.
func (r *Recent) List() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := []string{}
	for _, p := range r.load() {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			out = append(out, p)
		}
	}
	return out
}

// Add puts a folder first.
func (r *Recent) Add(p string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	list := r.load()
	list = slices.DeleteFunc(list, func(s string) bool { return s == p })
	list = append([]string{p}, list...)
	if len(list) > r.max {
		list = list[:r.max]
	}
	if err := os.MkdirAll(filepath.Dir(r.path), 0o700); err != nil {
		return fmt.Errorf("app: recent folders: %w", err)
	}
	b, _ := json.MarshalIndent(map[string][]string{"recent": list}, "", "  ")
	tmp := r.path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("app: recent folders: %w", err)
	}
	return os.Rename(tmp, r.path)
}

func (r *Recent) load() []string {
	b, err := os.ReadFile(r.path)
	if err != nil {
		return nil
	}
	var v struct {
		Recent []string `json:"recent"`
	}
	if json.Unmarshal(b, &v) != nil {
		return nil
	}
	return v.Recent
}
