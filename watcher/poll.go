package watcher

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Polling compares each polled folder's entries by mtime and size, never by
// inode: Metaflow before 2.19.20 rewrites files in place (same inode), and
// from 2.19.20 it renames a new file over the old one. Folders are compared
// for existence only; a folder that should be looked into is polled itself.

// stamp is what a poll remembers of an entry.
type stamp struct {
	mtime int64
	size  int64
	dir   bool
}

// dirSnap is a polled folder's entries at the last look.
type dirSnap struct {
	entries map[string]stamp
}

// snapshot lists dir. Entries that vanish between the listing and their
// stat are left out: the next look reports them if they come back.
func snapshot(fsys FS, dir string) (*dirSnap, error) {
	ents, err := fsys.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	s := &dirSnap{entries: make(map[string]stamp, len(ents))}
	for _, e := range ents {
		if e.IsDir() {
			s.entries[e.Name()] = stamp{dir: true}
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		s.entries[e.Name()] = stamp{mtime: fi.ModTime().UnixNano(), size: fi.Size()}
	}
	return s, nil
}

// diff lists the differences between two looks at dir as the events inotify
// would have sent.
func diff(dir string, old, cur *dirSnap) []fsnotify.Event {
	var out []fsnotify.Event
	ev := func(p string, op fsnotify.Op) { out = append(out, fsnotify.Event{Name: p, Op: op}) }
	for name, st := range cur.entries {
		prev, ok := old.entries[name]
		p := filepath.Join(dir, name)
		switch {
		case !ok:
			ev(p, fsnotify.Create)
		case prev.dir != st.dir:
			ev(p, fsnotify.Remove)
			ev(p, fsnotify.Create)
		case !st.dir && (prev.mtime != st.mtime || prev.size != st.size):
			ev(p, fsnotify.Write)
		}
	}
	for name := range old.entries {
		if _, ok := cur.entries[name]; !ok {
			ev(filepath.Join(dir, name), fsnotify.Remove)
		}
	}
	return out
}

// pollBackend is the Backend that compares folders every interval instead
// of being told: the whole of Polling mode, and the folders that get no
// inotify watch (watch limit) in Inotify mode. Add takes the first
// snapshot, so a folder that cannot be listed is refused at once. Its loop
// (run) sleeps while nothing is polled and stops when its context is done;
// Close, once the loop has stopped, closes the channels.
type pollBackend struct {
	fs    FS
	every time.Duration

	mu   sync.Mutex
	dirs map[string]*dirSnap

	events chan fsnotify.Event
	errs   chan error
	wake   chan struct{} // a folder was added: the loop may have to start ticking
	once   sync.Once
}

func newPollBackend(fsys FS, every time.Duration) *pollBackend {
	return &pollBackend{
		fs: fsys, every: every,
		dirs:   map[string]*dirSnap{},
		events: make(chan fsnotify.Event),
		errs:   make(chan error),
		wake:   make(chan struct{}, 1),
	}
}

func (b *pollBackend) Add(dir string) error {
	snap, err := snapshot(b.fs, dir)
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.dirs[dir] = snap
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
	return nil
}

func (b *pollBackend) Remove(dir string) error {
	b.mu.Lock()
	delete(b.dirs, dir)
	b.mu.Unlock()
	return nil
}

func (b *pollBackend) Events() <-chan fsnotify.Event { return b.events }
func (b *pollBackend) Errors() <-chan error          { return b.errs }

// Close closes the channels; call it once run has returned.
func (b *pollBackend) Close() error {
	b.once.Do(func() {
		close(b.events)
		close(b.errs)
	})
	return nil
}

// take stops polling dir and returns its last snapshot (nil if dir was not
// polled): the caller compares it with the folder once it is watched.
func (b *pollBackend) take(dir string) *dirSnap {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.dirs[dir]
	delete(b.dirs, dir)
	return s
}

// has reports whether dir is polled.
func (b *pollBackend) has(dir string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.dirs[dir] != nil
}

// polled lists the polled folders, parents first.
func (b *pollBackend) polled() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return sortedByDepth(slices.Collect(maps.Keys(b.dirs)))
}

// count is the number of polled folders.
func (b *pollBackend) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.dirs)
}

// run looks at the polled folders every interval until ctx is done. With
// nothing to poll it sleeps: while inotify works it touches nothing.
func (b *pollBackend) run(ctx context.Context) {
	tick := lazyTicker{every: b.every}
	defer tick.stop()
	for {
		tc := tick.set(b.count() > 0)
		select {
		case <-ctx.Done():
			return
		case <-b.wake:
		case <-tc:
			b.pollOnce(ctx)
		}
	}
}

// pollOnce looks at every polled folder once, parents first. Folders are
// listed without the lock. A folder that is gone is reported as one
// Remove, and the folders below it are dropped unreported, as inotify
// reports a removed tree by its top. A folder removed or added again
// meanwhile (by Remove or Add) is not reported from the old snapshot.
func (b *pollBackend) pollOnce(ctx context.Context) {
	var gone []string
	for _, d := range b.polled() {
		if ctx.Err() != nil {
			return
		}
		if slices.ContainsFunc(gone, func(g string) bool { return within(d, g) }) {
			b.Remove(d)
			continue
		}
		b.mu.Lock()
		old := b.dirs[d]
		b.mu.Unlock()
		cur, err := snapshot(b.fs, d)
		var evs []fsnotify.Event
		b.mu.Lock()
		if old != nil && b.dirs[d] == old {
			switch {
			case err == nil:
				b.dirs[d] = cur
				evs = diff(d, old, cur)
			case errors.Is(err, fs.ErrNotExist):
				delete(b.dirs, d)
				gone = append(gone, d)
				evs = []fsnotify.Event{{Name: d, Op: fsnotify.Remove}}
			}
		}
		b.mu.Unlock()
		for _, ev := range evs {
			select {
			case b.events <- ev:
			case <-ctx.Done():
				return
			}
		}
	}
}
