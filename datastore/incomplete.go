package datastore

import (
	"sync"
	"time"
)

// incompleteFiles is the ledger of files caught mid-write: when each was
// first seen incomplete, so that one that stays so past
// Options.GiveUpAfter is reported broken instead of retried for ever.
type incompleteFiles struct {
	now         func() time.Time
	giveUpAfter time.Duration

	mu    sync.Mutex
	first map[string]time.Time // path -> first time it was incomplete
}

func newIncompleteFiles(now func() time.Time, giveUpAfter time.Duration) *incompleteFiles {
	return &incompleteFiles{now: now, giveUpAfter: giveUpAfter, first: map[string]time.Time{}}
}

// note records files caught mid-write, for GiveUpAfter.
func (f *incompleteFiles) note(paths []string) {
	if len(paths) == 0 {
		return
	}
	now := f.now()
	f.mu.Lock()
	for _, p := range paths {
		if _, ok := f.first[p]; !ok {
			f.first[p] = now
		}
	}
	f.mu.Unlock()
}

// giveUp records that path is incomplete and reports whether it has been
// so for longer than GiveUpAfter.
func (f *incompleteFiles) giveUp(path string) bool {
	now := f.now()
	f.mu.Lock()
	defer f.mu.Unlock()
	first, ok := f.first[path]
	if !ok {
		f.first[path] = now
		return false
	}
	return now.Sub(first) > f.giveUpAfter
}

func (f *incompleteFiles) markComplete(path string) {
	f.mu.Lock()
	delete(f.first, path)
	f.mu.Unlock()
}

// filter drops paths that were given up on, and duplicates.
func (f *incompleteFiles) filter(paths []string) []string {
	if len(paths) == 0 {
		return nil
	}
	now := f.now()
	seen := map[string]bool{}
	var out []string
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range paths {
		if seen[p] {
			continue
		}
		seen[p] = true
		first, ok := f.first[p]
		if !ok {
			f.first[p] = now
		} else if now.Sub(first) > f.giveUpAfter+time.Second {
			continue
		}
		out = append(out, p)
	}
	return out
}
