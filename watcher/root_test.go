package watcher

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"flowdeck/datastore"
)

// TestRootLost: the datastore folder deleted and made again, or replaced
// by another folder through renames. State reports the loss; once the
// folder is back it is walked and rescanned, and changes flow again.
func TestRootLost(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode Mode
		// anchorless: the root's parent cannot be watched, so the
		// root's return is found by polling for it.
		anchorless bool
	}{
		{"inotify", Inotify, false},
		{"inotify without anchor", Inotify, true},
		{"polling", Polling, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := copyFixture(t, "live_midrun")
			ix := openIndex(t, root)
			if err := ix.LoadAll(context.Background()); err != nil {
				t.Fatal(err)
			}
			rt := &recordingTarget{Index: ix}
			opts := Options{Mode: tc.mode, PollInterval: 50 * time.Millisecond}
			if tc.anchorless {
				fb := newFaultBackend(t, 0)
				opts.Backend = &refuseBackend{Backend: fb, refuse: filepath.Dir(root)}
			}
			w, c := start(t, rt, opts)
			dataPath := func(r string) string {
				return glob1(t, filepath.Join(r, "mf.cards", liveFlow, "runs", liveRun, "steps", "train", "tasks", "2", "runtime", "blank-live-*"))
			}
			update := func(n int) {
				// A data update with new content; it must come through.
				p := dataPath(root)
				before := len(c.changes())
				writeAtomic(t, p, cardData("runtime-1795642690.863389", n))
				c.waitFor(t, fmt.Sprintf("data change %d", n), func(cs []datastore.Change) bool {
					return slices.ContainsFunc(cs[before:], func(ch datastore.Change) bool { return ch.Kind == datastore.CardDataChanged })
				})
			}
			update(1)

			t.Run("deleted and made again", func(t *testing.T) {
				if err := os.RemoveAll(root); err != nil {
					t.Fatal(err)
				}
				eventually(t, func() string { return fmt.Sprintf("state %+v", w.State()) }, func() bool {
					return strings.Contains(w.State().Err, "is gone")
				})
				if s := w.State(); s.Watches > 2 || s.Polled != 0 {
					t.Errorf("watches left on a gone root: %+v", s)
				}
				calls := rt.calls()
				// Made again the way Metaflow writes: folders, then every
				// file atomically. (A plain copy can leave the flow's
				// _meta/_self.json read while empty, an error the index keeps;
				// see the report.)
				src := filepath.Join(fixtures, "live_midrun", ".metaflow")
				err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
					if err != nil || d.IsDir() {
						return err
					}
					b, err := os.ReadFile(p)
					if err != nil {
						return err
					}
					rel, _ := filepath.Rel(src, p)
					writeAtomic(t, filepath.Join(root, rel), b)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				eventually(t, func() string { return fmt.Sprintf("state %+v", w.State()) }, func() bool {
					return w.State().Err == "" && rt.rescanned(root, calls)
				})
				update(2)
				sameAsFresh(t, ix, root)
			})

			t.Run("replaced", func(t *testing.T) {
				next := root + ".next"
				copyTree(t, filepath.Join(fixtures, "live_midrun", ".metaflow"), next)
				calls := rt.calls()
				if err := os.Rename(root, root+".old"); err != nil {
					t.Fatal(err)
				}
				if err := os.Rename(next, root); err != nil {
					t.Fatal(err)
				}
				eventually(t, func() string { return "no rescan of the new root" }, func() bool {
					return w.State().Err == "" && rt.rescanned(root, calls)
				})
				update(3)
				sameAsFresh(t, ix, root)
				// The old folder's watches are gone: writes there are not
				// reported as changes of the datastore.
				before := len(c.changes())
				writeAtomic(t, dataPath(root+".old"), cardData("runtime-1795642690.863389", 99))
				time.Sleep(300 * time.Millisecond)
				if cs := c.changes()[before:]; len(cs) != 0 {
					t.Errorf("a write in the moved-away folder produced:\n%s", kinds(cs))
				}
				os.RemoveAll(root + ".old")
			})
		})
	}
}

// refuseBackend cannot watch one folder (as when the root's parent is
// unreadable or the limit is reached just then).
type refuseBackend struct {
	Backend
	refuse string
}

func (r *refuseBackend) Add(dir string) error {
	if dir == r.refuse {
		return os.ErrPermission
	}
	return r.Backend.Add(dir)
}

// TestCardTreeMoved: the whole card tree moved away is a single event on
// the datastore root; the cards of every run go, and come back with it.
func TestCardTreeMoved(t *testing.T) {
	root := copyFixture(t, "live")
	ix := openIndex(t, root)
	if err := ix.LoadAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	// A finished run read by LoadAll is a summary without its cards; the
	// run a user has open is read in full, and its cards are what changes.
	if _, err := ix.Run(context.Background(), liveFlow, liveRun); err != nil {
		t.Fatal(err)
	}
	_, c := start(t, ix, Options{})
	count := func(kind datastore.ChangeKind, from int) func([]datastore.Change) bool {
		return func(cs []datastore.Change) bool {
			n := 0
			for _, ch := range cs[min(from, len(cs)):] {
				if ch.Kind == kind {
					n++
				}
			}
			return n == 3
		}
	}
	cards := filepath.Join(root, "mf.cards")
	if err := os.Rename(cards, cards+".away"); err != nil {
		t.Fatal(err)
	}
	c.waitFor(t, "3 cards removed", count(datastore.CardRemoved, 0))
	sameAsFresh(t, ix, root)
	n := len(c.changes())
	if err := os.Rename(cards+".away", cards); err != nil {
		t.Fatal(err)
	}
	c.waitFor(t, "3 cards back", count(datastore.CardAdded, n))
	sameAsFresh(t, ix, root)
}
