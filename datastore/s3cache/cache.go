// Package s3cache keeps the finished runs of an S3 datastore on disk, so
// that a run opened once opens again instantly, and offline (on a plane).
//
// FS is a datastore.FS over another one (s3fs). It writes what it reads to
// the cache folder: listings, and whole objects up to MaxObject bytes
// (metadata files, card HTML, final card data, logs, small artifacts). An
// entry is served instead of S3 only when it is final:
//
//   - the objects of a run are final once the run is known finished
//     (MarkFinal, from the poller) and the entry was read after the run's
//     finish plus the linger within which Metaflow still writes final cards
//     and N.runtime (docs/s3.md): what was read of a live run is never
//     served as final;
//   - content-addressed artifact blobs (<flow>/data/…, Immutable) are final
//     at once.
//
// When S3 cannot be reached (s3fs.ErrOffline), every read falls back to
// the cache: final objects, and the last listing seen of a folder.
//
// The cache is capped (Store.Max); the least recently used entries go
// first. Nothing in the datastore is written: the cache is the user's own
// folder.
package s3cache

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// DefaultMax is the cache's size cap when none is given (--s3-cache-size).
const DefaultMax = 2 << 30

// MaxObject is the biggest object the cache keeps.
const MaxObject = 1 << 20

// Linger is how long after a run's finish its objects may still change:
// the last DONE comes before the final cards and N.runtime. It matches
// s3poll's default.
const Linger = 30 * time.Second

// Store is the cache folder of one S3 endpoint:
// <dir>/<bucket>/<key> for objects, <dir>/.dirs/<bucket>/<key>/.list for
// listings (a bucket name never starts with a dot), <dir>/.final for the
// finished runs.
type Store struct {
	dir string
	max int64

	mu     sync.Mutex
	finals map[string]time.Time // FS folder path (/bucket/key) -> run finish
	// size is the bytes of entries, known after the first trim.
	size  int64
	sized bool
}

// DefaultDir is os.UserCacheDir()/flowdeck/s3/<endpoint host>: one folder
// per endpoint, since the same bucket name can exist on two stores.
func DefaultDir(endpoint string) (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("s3cache: %w", err)
	}
	host := "s3.amazonaws.com"
	if endpoint != "" {
		h := endpoint
		if _, rest, ok := strings.Cut(h, "://"); ok {
			h = rest
		}
		h, _, _ = strings.Cut(h, "/")
		host = strings.NewReplacer(":", "_", "\\", "_").Replace(h)
	}
	return filepath.Join(base, "flowdeck", "s3", host), nil
}

// Open opens (creating) the cache folder dir with a size cap of max bytes
// (DefaultMax when max <= 0).
func Open(dir string, max int64) (*Store, error) {
	if max <= 0 {
		max = DefaultMax
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("s3cache: %w", err)
	}
	s := &Store{dir: dir, max: max, finals: map[string]time.Time{}}
	if b, err := os.ReadFile(filepath.Join(dir, ".final")); err == nil {
		// A damaged file loses finals: runs are then read from S3 again.
		_ = json.Unmarshal(b, &s.finals)
	}
	return s, nil
}

// Dir is the cache folder.
func (s *Store) Dir() string { return s.dir }

// MarkFinal records that the folders dirs (a run's prefix and its card
// prefix, FS paths) hold a run that finished at finished. It is the hook
// the poller calls for every run it knows finished; it is persisted, so a
// run stays final when Flowdeck opens offline.
func (s *Store) MarkFinal(finished time.Time, dirs ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	changed := false
	for _, d := range dirs {
		d = clean(d)
		if old, ok := s.finals[d]; !ok || !old.Equal(finished) {
			s.finals[d] = finished
			changed = true
		}
	}
	if !changed {
		return nil
	}
	b, _ := json.Marshal(s.finals)
	tmp := filepath.Join(s.dir, ".final.tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("s3cache: %w", err)
	}
	return os.Rename(tmp, filepath.Join(s.dir, ".final"))
}

// IsFinal tells whether the run folder dir is marked final.
func (s *Store) IsFinal(dir string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.finals[clean(dir)]
	return ok
}

// finishOf is the finish of the final run holding p, if any.
func (s *Store) finishOf(p string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for d := p; d != "/" && d != "."; d = path.Dir(d) {
		if t, ok := s.finals[d]; ok {
			return t, true
		}
	}
	return time.Time{}, false
}

func clean(p string) string { return path.Clean("/" + filepath.ToSlash(p)) }

// objPath and listPath map an FS path (/bucket/key) into the folder.
func (s *Store) objPath(p string) string { return filepath.Join(s.dir, filepath.FromSlash(clean(p))) }
func (s *Store) listPath(p string) string {
	return filepath.Join(s.dir, ".dirs", filepath.FromSlash(clean(p)), ".list")
}

// header is the first line of a cache file.
type header struct {
	Mod  time.Time `json:"mod"`  // the object's LastModified
	Read time.Time `json:"read"` // when Flowdeck read it from S3
	Size int64     `json:"size"`
	// Missing: S3 answered that nothing has the key (a run's absent
	// _meta, an attempt's absent file), kept so that it is known offline.
	Missing bool `json:"missing,omitempty"`
}

// errMissing is a cached "no such key".
var errMissing = fmt.Errorf("s3cache: not in S3 when last read: %w", fs.ErrNotExist)

// putMissing records that S3 had nothing at file's key when read at read.
func (s *Store) putMissing(file string, read time.Time) {
	_ = s.put(file, header{Read: read, Missing: true}, nil)
}

// put writes one entry: a JSON header line, then the body.
func (s *Store) put(file string, h header, body []byte) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return err
	}
	hb, _ := json.Marshal(h)
	tmp, err := os.CreateTemp(filepath.Dir(file), ".put-*")
	if err != nil {
		return err
	}
	w := bufio.NewWriter(tmp)
	w.Write(hb)
	w.WriteByte('\n')
	w.Write(body)
	err = errors.Join(w.Flush(), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return err
	}
	s.mu.Lock()
	s.size += int64(len(hb) + 1 + len(body))
	over := s.sized && s.size > s.max
	s.mu.Unlock()
	if over || !s.sized {
		s.Trim()
	}
	return nil
}

// get reads one entry and notes the access (the LRU order is the files'
// access times, set here since filesystems mounted noatime keep none).
func (s *Store) get(file string) (header, []byte, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return header{}, nil, err
	}
	line, body, ok := strings.Cut(string(b), "\n")
	var h header
	if !ok || json.Unmarshal([]byte(line), &h) != nil {
		os.Remove(file)
		return header{}, nil, fmt.Errorf("s3cache: damaged entry %s: %w", file, fs.ErrNotExist)
	}
	now := time.Now()
	os.Chtimes(file, now, now)
	if h.Missing {
		return h, nil, errMissing
	}
	return h, []byte(body), nil
}

// Trim removes the least recently used entries until the cache is under
// its cap.
func (s *Store) Trim() {
	type ent struct {
		path string
		size int64
		at   time.Time
	}
	var ents []ent
	var total int64
	filepath.WalkDir(s.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".final") || strings.HasPrefix(d.Name(), ".put-") {
			return nil
		}
		if fi, err := d.Info(); err == nil {
			ents = append(ents, ent{p, fi.Size(), fi.ModTime()})
			total += fi.Size()
		}
		return nil
	})
	sort.Slice(ents, func(i, j int) bool { return ents[i].at.Before(ents[j].at) })
	for _, e := range ents {
		if total <= s.max {
			break
		}
		if os.Remove(e.path) == nil {
			total -= e.size
		}
	}
	s.mu.Lock()
	s.size, s.sized = total, true
	s.mu.Unlock()
}

// Size is the bytes the cache holds (after the first Trim).
func (s *Store) Size() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.size
}
