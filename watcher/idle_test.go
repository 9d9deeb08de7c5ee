package watcher

import (
	"context"
	"io/fs"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"flowdeck/datastore"
)

// countingIndexFS counts the index's own file access.
type countingIndexFS struct {
	datastore.OSFS
	calls atomic.Int64
}

func (c *countingIndexFS) ReadDir(dir string) ([]fs.DirEntry, error) {
	c.calls.Add(1)
	return c.OSFS.ReadDir(dir)
}

func (c *countingIndexFS) Open(name string) (datastore.File, error) {
	c.calls.Add(1)
	return c.OSFS.Open(name)
}

func (c *countingIndexFS) Lstat(name string) (fs.FileInfo, error) {
	c.calls.Add(1)
	return c.OSFS.Lstat(name)
}

// TestIdleNoScans: with nothing changing and inotify working, neither the
// watcher nor the index touches the disk over 2 s, although the index's
// time rule ticks and a live run is checked for narrowing many times
// meanwhile. In polling mode the same setup does scan (the hooks see it).
func TestIdleNoScans(t *testing.T) {
	for _, mode := range []Mode{Inotify, Polling} {
		t.Run(string(mode), func(t *testing.T) {
			root := copyFixture(t, "live_midrun")
			loc, err := datastore.Discover(root)
			if err != nil {
				t.Fatal(err)
			}
			ixFS := &countingIndexFS{}
			ix, err := datastore.Open(context.Background(), loc, datastore.Options{FS: ixFS, StaleAfter: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			if err := ix.LoadAll(context.Background()); err != nil {
				t.Fatal(err)
			}
			wFS := &countingFS{}
			ticks := &tickCounter{Index: ix}
			_, c := start(t, ticks, Options{Mode: mode, FS: wFS, TickInterval: 50 * time.Millisecond,
				Linger: 100 * time.Millisecond, PollInterval: 100 * time.Millisecond})
			// Start reads the live run once more; let that pass.
			c.waitFor(t, "the start rescan", func(cs []datastore.Change) bool {
				return slices.ContainsFunc(cs, func(c datastore.Change) bool { return c.Kind == datastore.Rescanned })
			})
			time.Sleep(200 * time.Millisecond)
			w0, i0, t0 := wFS.total(), ixFS.calls.Load(), ticks.n.Load()
			time.Sleep(2 * time.Second)
			dw, di, dt := wFS.total()-w0, ixFS.calls.Load()-i0, ticks.n.Load()-t0
			t.Logf("%s: %d watcher and %d index file calls, %d ticks in 2 s", mode, dw, di, dt)
			if dt < 10 {
				t.Errorf("only %d ticks in 2 s", dt)
			}
			switch mode {
			case Inotify:
				if dw != 0 || di != 0 {
					t.Errorf("idle with inotify: %d watcher calls (%d ReadDir), %d index calls", dw, wFS.readDirs.Load(), di)
				}
			case Polling:
				if dw == 0 {
					t.Error("polling mode did not scan: the hook sees nothing")
				}
			}
		})
	}
}

// tickCounter counts the index's Tick calls.
type tickCounter struct {
	*datastore.Index
	n atomic.Int64
}

func (c *tickCounter) Tick() []datastore.Change {
	c.n.Add(1)
	return c.Index.Tick()
}
