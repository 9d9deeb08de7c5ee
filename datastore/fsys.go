package datastore

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// FS is the read-only file access the index uses. Paths are absolute OS
// paths. OSFS is the real one; tests wrap it to inject faults that a root
// user cannot provoke with file modes (unreadable folders, vanishing files).
type FS interface {
	// ReadDir lists a directory without following symlinks in its entries.
	ReadDir(dir string) ([]fs.DirEntry, error)
	// Open opens a regular file for reading. It must not follow a symlink
	// in the last path element and must not block on FIFOs.
	Open(name string) (File, error)
	// Lstat describes a path without following a final symlink.
	Lstat(name string) (fs.FileInfo, error)
}

// File is an open regular file.
type File interface {
	io.ReaderAt
	io.Reader
	Stat() (fs.FileInfo, error)
	Close() error
}

// OSFS reads the real filesystem. With Roots set (Open sets the
// datastore's root and card root), no path element below a root may be a
// symbolic link: a link planted inside a datastore would otherwise let it
// serve files from anywhere (issue 12). A link AT a root is the user's
// own choice and is resolved by Discover. Without Roots (tests that wrap
// it), only the last element is refused.
type OSFS struct {
	Roots []string
	// More holds roots added while the index runs: the card roots found
	// below the datastore's parent (cardroots.go). Nil: none.
	More *RootList
}

// RootList is a list of roots that grows while readers use it.
type RootList struct {
	v  atomic.Pointer[[]string]
	mu sync.Mutex
}

// Add adds a root (once).
func (l *RootList) Add(root string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var next []string
	if cur := l.v.Load(); cur != nil {
		if slices.Contains(*cur, root) {
			return
		}
		next = slices.Clone(*cur)
	}
	next = append(next, root)
	l.v.Store(&next)
}

func (l *RootList) list() []string {
	if l == nil {
		return nil
	}
	if cur := l.v.Load(); cur != nil {
		return *cur
	}
	return nil
}

func (o OSFS) ReadDir(dir string) ([]fs.DirEntry, error) {
	f, err := o.open(dir, true)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Unsorted: callers sort what they need, and big task folders are
	// listed often during a live run.
	return f.ReadDir(-1)
}

func (o OSFS) Open(name string) (File, error) {
	f, err := o.open(name, false)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s: %w", name, ErrNotRegular)
	}
	return f, nil
}

// Lstat checks the folders above name like Open does, then describes name
// itself without following it (a link there is reported as a link).
func (o OSFS) Lstat(name string) (fs.FileInfo, error) {
	if root, rel, ok := o.beneath(name); ok && rel != "." {
		if dir := filepath.Dir(rel); dir != "." {
			f, err := openBeneath(root, dir, true)
			if err != nil {
				return nil, err
			}
			f.Close()
		}
	}
	return os.Lstat(name)
}

func (o OSFS) open(name string, dir bool) (*os.File, error) {
	root, rel, ok := o.beneath(name)
	switch {
	case len(o.Roots) == 0:
		if dir {
			return os.Open(name)
		}
		return openNoFollow(name)
	case !ok:
		return nil, fmt.Errorf("%s: %w", name, ErrOutside)
	case rel == ".":
		return os.Open(name)
	}
	return openBeneath(root, rel, dir)
}

// beneath finds the root name is in (the deepest, as the card root may lie
// inside the datastore root) and name relative to it.
func (o OSFS) beneath(name string) (root, rel string, ok bool) {
	for _, r := range slices.Concat(o.Roots, o.More.list()) {
		if r == "" {
			continue
		}
		rl, err := filepath.Rel(r, name)
		if err != nil || rl == ".." || strings.HasPrefix(rl, ".."+string(filepath.Separator)) || filepath.IsAbs(rl) {
			continue
		}
		if !ok || len(r) > len(root) {
			root, rel, ok = r, rl, true
		}
	}
	return root, rel, ok
}

// SymlinkError names a symbolic link found below a datastore root.
type SymlinkError struct{ Path string }

func (e *SymlinkError) Error() string {
	return e.Path + " is a symbolic link; Flowdeck does not follow links inside a datastore"
}

func (e *SymlinkError) Is(target error) bool { return target == ErrSymlink }

// symlinkAt names the first element of rel below root that is a link (to
// say which one in the error), or rel itself when none is found any more.
func symlinkAt(root, rel string) error {
	p := root
	for _, el := range strings.Split(rel, string(filepath.Separator)) {
		p = filepath.Join(p, el)
		if fi, err := os.Lstat(p); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return &SymlinkError{Path: p}
		}
	}
	return &SymlinkError{Path: filepath.Join(root, rel)}
}

// Errors returned by file reads.
var (
	ErrNotRegular = errors.New("datastore: not a regular file")
	// ErrSymlink: a path element below the datastore root is a symbolic
	// link (see SymlinkError).
	ErrSymlink = errors.New("datastore: symbolic link")
	// ErrOutside: a path outside the datastore's roots.
	ErrOutside  = errors.New("datastore: outside the datastore")
	ErrTooLarge = errors.New("datastore: file too large")
)

// Read caps. Metadata files are a few hundred bytes; the biggest card seen
// is about 1.2 MB, but images make cards grow, so the cap is generous while
// still protecting memory from a runaway file.
const (
	maxMetaBytes = 1 << 20
	maxDataBytes = 32 << 20
	maxCardBytes = 96 << 20
	maxLogBytes  = 8 << 20
)

// readFile reads a whole regular file, refusing files over limit.
func readFile(fsys FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%s: %d bytes (cap %d): %w", name, fi.Size(), limit, ErrTooLarge)
	}
	// The size can change between Stat and Read (in-place writers), so read
	// up to limit+1 and check again. The buffer starts at the size read by
	// Stat, so a big file is read into one allocation of its size (a
	// growing buffer would hold up to twice that).
	b := make([]byte, 0, fi.Size()+512)
	r := io.LimitReader(f, limit+1)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: over %d bytes: %w", name, limit, ErrTooLarge)
	}
	return b, nil
}

// readHead reads at most n bytes from the start of a file and returns them
// with the file's current size.
func readHead(fsys FS, name string, n int) ([]byte, fs.FileInfo, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if fi.Size() < int64(n) {
		n = int(fi.Size())
	}
	b := make([]byte, n)
	m, err := f.ReadAt(b, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, nil, err
	}
	return b[:m], fi, nil
}

// readTail reads at most n bytes from the end of a file.
func readTail(fsys FS, name string, size int64, n int) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	off := size - int64(n)
	if off < 0 {
		off, n = 0, int(size)
	}
	b := make([]byte, n)
	m, err := f.ReadAt(b, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return b[:m], nil
}
