package s3cache

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"flowdeck/datastore"
	"flowdeck/datastore/s3fs"
)

// FS is datastore.FS over next (an s3fs.FS) with the Store behind it.
type FS struct {
	next datastore.FS
	s    *Store
	// Immutable tells whether an object never changes once written
	// (content-addressed artifact blobs); nil: none.
	Immutable func(path string) bool
	// Linger is how long after a run's finish its objects may change
	// ([Linger]).
	Linger time.Duration

	offline atomic.Bool
	// lastTry is when a read last went to S3 while offline (unix nanos):
	// offline, reads with a cached answer skip S3 for RetryOffline, so an
	// offline open does not wait on retries for every file.
	lastTry atomic.Int64
	mu      sync.Mutex
	hits    []time.Time // reads answered from the cache, for Stats
}

var _ datastore.FS = (*FS)(nil)

// RetryOffline is how often, offline, a read with a cached answer tries S3
// again.
const RetryOffline = 5 * time.Second

// skipS3 tells whether a read with a cached answer should not try S3 now.
func (f *FS) skipS3() bool {
	if !f.offline.Load() {
		return false
	}
	now := time.Now().UnixNano()
	last := f.lastTry.Load()
	if now-last < int64(RetryOffline) {
		return true
	}
	return !f.lastTry.CompareAndSwap(last, now)
}

// New returns an FS reading through next and caching in s.
func New(next datastore.FS, s *Store) *FS { return &FS{next: next, s: s, Linger: Linger} }

// Stats is what the status bar shows about the cache.
type Stats struct {
	// Offline: the last read from S3 failed with s3fs.ErrOffline.
	Offline bool
	// Hits is the reads answered from the cache in the last minute.
	Hits int
	// Bytes is the cache's size.
	Bytes int64
}

// Stats reports the cache's recent use.
func (f *FS) Stats() Stats {
	f.mu.Lock()
	defer f.mu.Unlock()
	cut := time.Now().Add(-time.Minute)
	i := 0
	for i < len(f.hits) && f.hits[i].Before(cut) {
		i++
	}
	f.hits = f.hits[i:]
	return Stats{Offline: f.offline.Load(), Hits: len(f.hits), Bytes: f.s.Size()}
}

func (f *FS) hit() {
	f.mu.Lock()
	f.hits = append(f.hits, time.Now())
	f.mu.Unlock()
}

// note records whether S3 answered: any answer, even an error from S3,
// means it is reachable.
func (f *FS) note(err error) bool {
	off := errors.Is(err, s3fs.ErrOffline)
	f.offline.Store(off)
	return off
}

// final tells whether an entry of path p read at read is final (see the
// package doc).
func (f *FS) final(p string, read time.Time) bool {
	if f.Immutable != nil && f.Immutable(p) {
		return true
	}
	fin, ok := f.s.finishOf(clean(p))
	return ok && read.After(fin.Add(f.Linger))
}

// Open answers a final cached object from the cache; otherwise it reads
// from S3 and caches small objects whole. Offline, a final cached object
// is served.
func (f *FS) Open(name string) (datastore.File, error) {
	file := f.s.objPath(name)
	if fl, err, ok := f.cachedObj(name, file); ok {
		return fl, err
	}
	read := time.Now()
	if f.skipS3() {
		return nil, fmt.Errorf("%w: %s (not in the cache of finished runs)", s3fs.ErrOffline, name)
	}
	fl, err := f.next.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		f.note(nil)
		f.s.putMissing(file, read)
		return nil, err
	}
	if err != nil {
		if f.note(err) {
			if fl, cerr, ok := f.cachedObj(name, file); ok {
				return fl, cerr
			}
		}
		return nil, err
	}
	f.note(nil)
	fi, err := fl.Stat()
	if err != nil || fi.Size() > MaxObject {
		return fl, err
	}
	defer fl.Close()
	body, err := io.ReadAll(io.LimitReader(fl, MaxObject+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) <= MaxObject {
		// A failed write only loses the entry: the read succeeded.
		_ = f.s.put(file, header{Mod: fi.ModTime(), Read: read, Size: int64(len(body))}, body)
	}
	return newMemFile(path.Base(name), fi.ModTime(), body), nil
}

// listing is a cached ReadDir.
type listing struct {
	Entries []entry `json:"entries"`
}

type entry struct {
	Name string    `json:"name"`
	Size int64     `json:"size"`
	Mod  time.Time `json:"mod"`
	Dir  bool      `json:"dir"`
}

// ReadDir answers a final folder's listing from the cache, else lists S3
// and caches the answer; offline, the last listing seen is served (a run
// folder's files are then served only if final).
func (f *FS) ReadDir(dir string) ([]fs.DirEntry, error) {
	file := f.s.listPath(dir)
	if ents, err, ok := f.cachedDir(dir, file, true); ok {
		return ents, err
	}
	read := time.Now()
	if f.skipS3() {
		if ents, err, ok := f.cachedDir(dir, file, false); ok {
			return ents, err
		}
		return nil, fmt.Errorf("%w: %s (not in the cache)", s3fs.ErrOffline, dir)
	}
	ents, err := f.next.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		f.note(nil)
		f.s.putMissing(file, read)
		return nil, err
	}
	if err != nil {
		if f.note(err) {
			if ents, cerr, ok := f.cachedDir(dir, file, false); ok {
				return ents, cerr
			}
		}
		return nil, err
	}
	f.note(nil)
	var l listing
	for _, e := range ents {
		fi, err := e.Info()
		if err != nil {
			return ents, nil
		}
		l.Entries = append(l.Entries, entry{Name: e.Name(), Size: fi.Size(), Mod: fi.ModTime(), Dir: e.IsDir()})
	}
	b, _ := json.Marshal(l)
	_ = f.s.put(file, header{Read: read, Size: int64(len(b))}, b)
	return ents, nil
}

// cachedObj answers an open from the cache when the entry is final: the
// object, or fs.ErrNotExist for a key S3 did not have.
func (f *FS) cachedObj(name, file string) (datastore.File, error, bool) {
	h, body, err := f.s.get(file)
	if (err != nil && !errors.Is(err, errMissing)) || !f.final(name, h.Read) {
		return nil, nil, false
	}
	f.hit()
	if err != nil {
		return nil, fmt.Errorf("s3cache: %s: %w", name, err), true
	}
	return newMemFile(path.Base(name), h.Mod, body), nil, true
}

// cachedDir answers a listing from the cache: a final one, or with
// needFinal false (offline) the last one seen.
func (f *FS) cachedDir(dir, file string, needFinal bool) ([]fs.DirEntry, error, bool) {
	h, body, err := f.s.get(file)
	if (err != nil && !errors.Is(err, errMissing)) || (needFinal && !f.final(dir, h.Read)) {
		return nil, nil, false
	}
	if err != nil {
		f.hit()
		return nil, fmt.Errorf("s3cache: %s: %w", dir, err), true
	}
	ents, derr := decodeListing(body)
	if derr != nil {
		return nil, nil, false
	}
	f.hit()
	return ents, nil, true
}

func decodeListing(b []byte) ([]fs.DirEntry, error) {
	var l listing
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("s3cache: listing: %w", err)
	}
	out := make([]fs.DirEntry, len(l.Entries))
	for i, e := range l.Entries {
		out[i] = s3fs.NewInfo(e.Name, e.Size, e.Mod, e.Dir)
	}
	return out, nil
}

// Lstat goes to S3; offline it answers from a cached object or listing.
func (f *FS) Lstat(name string) (fs.FileInfo, error) {
	var fi fs.FileInfo
	var err error
	if f.skipS3() {
		err = fmt.Errorf("%w: %s", s3fs.ErrOffline, name)
	} else {
		fi, err = f.next.Lstat(name)
	}
	if err == nil || !f.note(err) {
		if err == nil {
			f.note(nil)
		}
		return fi, err
	}
	if fl, cerr, ok := f.cachedObj(name, f.s.objPath(name)); ok && cerr == nil {
		return fl.Stat()
	}
	if _, _, cerr := f.s.get(f.s.listPath(name)); cerr == nil {
		f.hit()
		return s3fs.NewInfo(path.Base(name), 0, time.Time{}, true), nil
	}
	return nil, err
}

// memFile is a cached object in memory.
type memFile struct {
	*bytes.Reader
	fi *s3fs.Info
}

func newMemFile(name string, mod time.Time, b []byte) *memFile {
	return &memFile{Reader: bytes.NewReader(b), fi: s3fs.NewInfo(name, int64(len(b)), mod, false)}
}

func (m *memFile) Stat() (fs.FileInfo, error) { return m.fi, nil }
func (m *memFile) Close() error               { return nil }

// Blobs is the Immutable rule of a datastore root: Metaflow's artifact
// blobs, <root>/<flow>/data/<xx>/<sha1>, are named by their content.
func Blobs(root string) func(string) bool {
	root = clean(root)
	return func(p string) bool {
		rel, ok := strings.CutPrefix(clean(p), root+"/")
		if !ok {
			return false
		}
		parts := strings.Split(rel, "/")
		return len(parts) == 4 && parts[1] == "data"
	}
}
