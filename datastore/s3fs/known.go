package s3fs

import (
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// known holds whole-prefix listings a poller has just made (ListTree), so
// that the index, re-reading what changed, finds folders and sizes there
// instead of listing each task's folders again: without it every changed
// card data object costs its task's card listings too, and one live run
// with 10 tasks would cost several hundred requests a minute. Objects are
// still read with GET; only listings and Lstat are answered.
type known struct {
	mu    sync.RWMutex
	trees map[string][]Object // clean FS dir -> every object below it
}

// Prime answers ReadDir and Lstat below each dir of trees from its listing
// (dir -> ListTree(dir)) until Forget. The poller primes the prefixes it
// listed in a round for the time it applies that round's changes: the
// listing is then the freshest view there is.
func (f *FS) Prime(trees map[string][]Object) {
	m := make(map[string][]Object, len(trees))
	for d, objs := range trees {
		m[clean(d)] = objs
	}
	f.known.mu.Lock()
	f.known.trees = m
	f.known.mu.Unlock()
}

// Forget drops the listings of Prime.
func (f *FS) Forget() {
	f.known.mu.Lock()
	f.known.trees = nil
	f.known.mu.Unlock()
}

func clean(p string) string { return path.Clean("/" + filepath.ToSlash(p)) }

// below returns the objects of the primed tree holding p, if any.
func (k *known) below(p string) (string, []Object, bool) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	for d, objs := range k.trees {
		if p == d || strings.HasPrefix(p, d+"/") {
			return d, objs, true
		}
	}
	return "", nil, false
}

func (k *known) readDir(dir string) ([]fs.DirEntry, error, bool) {
	dir = clean(dir)
	_, objs, ok := k.below(dir)
	if !ok {
		return nil, nil, false
	}
	prefix := dir + "/"
	seen := map[string]bool{}
	var out []fs.DirEntry
	for _, o := range objs {
		rest, ok := strings.CutPrefix(o.Path, prefix)
		if !ok {
			continue
		}
		name, sub, isDir := strings.Cut(rest, "/")
		if !validName(name) || seen[name] || (isDir && sub == "") {
			continue
		}
		seen[name] = true
		if isDir {
			out = append(out, &Info{name: name, dir: true})
		} else {
			out = append(out, &Info{name: name, size: o.Size, mod: o.ModTime, etag: o.ETag})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("s3fs: %s: %w", dir, fs.ErrNotExist), true
	}
	// S3 lists in key order; keep that.
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil, true
}

func (k *known) lstat(name string) (fs.FileInfo, error, bool) {
	name = clean(name)
	_, objs, ok := k.below(name)
	if !ok {
		return nil, nil, false
	}
	for _, o := range objs {
		if o.Path == name {
			return &Info{name: path.Base(name), size: o.Size, mod: o.ModTime, etag: o.ETag}, nil, true
		}
	}
	for _, o := range objs {
		if strings.HasPrefix(o.Path, name+"/") {
			return &Info{name: path.Base(name), dir: true}, nil, true
		}
	}
	return nil, fmt.Errorf("s3fs: %s: %w", name, fs.ErrNotExist), true
}
