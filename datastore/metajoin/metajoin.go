// Package metajoin joins a local metadata folder to a datastore that has
// none (an S3 bucket): Metaflow's local metadata provider keeps each run's
// _meta folders and latest_run files in the user's .metaflow while the
// task files, artifacts and cards are in S3 (docs/format.md §7). FS reads
// every path with a _meta element, and every latest_run file, from the
// folder, and everything else from the datastore; a listing of the
// datastore gains the folder's _meta and latest_run entries.
package metajoin

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"flowdeck/datastore"
)

// FS is datastore.FS: data for the datastore, with meta's _meta folders
// and latest_run files joined in.
type FS struct {
	data datastore.FS
	root string // the datastore root as data names it (/bucket/prefix)
	dir  string // the metadata folder (a .metaflow)
	meta datastore.FS
}

var _ datastore.FS = (*FS)(nil)

// Dir resolves --metadata DIR: DIR itself when it holds flows, or
// DIR/.metaflow when there is one.
func Dir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("--metadata: %w", err)
	}
	if fi, err := os.Stat(filepath.Join(abs, ".metaflow")); err == nil && fi.IsDir() {
		return filepath.Join(abs, ".metaflow"), nil
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", fmt.Errorf("--metadata: %w", err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("--metadata: %s is not a folder", abs)
	}
	return abs, nil
}

// New joins the metadata folder dir (a .metaflow) to data, whose root is
// root.
func New(data datastore.FS, root, dir string) *FS {
	return &FS{data: data, root: path.Clean("/" + filepath.ToSlash(root)), dir: dir, meta: datastore.OSFS{}}
}

// local maps a datastore path to the folder when the path is metadata.
func (f *FS) local(name string) (string, bool) {
	p := path.Clean(filepath.ToSlash(name))
	rel, ok := strings.CutPrefix(p, f.root+"/")
	if !ok {
		return "", false
	}
	parts := strings.Split(rel, "/")
	isMeta := parts[len(parts)-1] == "latest_run"
	for _, e := range parts {
		isMeta = isMeta || e == "_meta"
	}
	if !isMeta {
		return "", false
	}
	return filepath.Join(f.dir, filepath.FromSlash(rel)), true
}

func (f *FS) Open(name string) (datastore.File, error) {
	if l, ok := f.local(name); ok {
		return f.meta.Open(l)
	}
	return f.data.Open(name)
}

func (f *FS) Lstat(name string) (fs.FileInfo, error) {
	if l, ok := f.local(name); ok {
		return f.meta.Lstat(l)
	}
	return f.data.Lstat(name)
}

// ReadDir lists the datastore's folder and adds the folder's _meta and
// latest_run entries at the same place.
func (f *FS) ReadDir(dir string) ([]fs.DirEntry, error) {
	if l, ok := f.local(dir); ok {
		return f.meta.ReadDir(l)
	}
	ents, err := f.data.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	p := path.Clean(filepath.ToSlash(dir))
	rel, ok := strings.CutPrefix(p, f.root)
	if !ok || (rel != "" && !strings.HasPrefix(rel, "/")) {
		return ents, err
	}
	extra, merr := f.meta.ReadDir(filepath.Join(f.dir, filepath.FromSlash(rel)))
	if merr != nil {
		return ents, err
	}
	have := map[string]bool{}
	for _, e := range ents {
		have[e.Name()] = true
	}
	added := false
	for _, e := range extra {
		if (e.Name() == "_meta" && e.IsDir()) || e.Name() == "latest_run" {
			if !have[e.Name()] {
				ents = append(ents, e)
				added = true
			}
		}
	}
	if err != nil && !added {
		return nil, err
	}
	return ents, nil
}
