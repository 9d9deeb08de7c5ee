package watcher

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"flowdeck/datastore"
	"flowdeck/internal/fixture"
)

// fixtures is the read-only corpus of real Metaflow output.
var fixtures = fixture.Dir()

// Generous deadlines: tests wait for outcomes, never assert timings.
const settle = 30 * time.Second

func copyFixture(t testing.TB, name string) string { return fixture.Copy(t, name) }

func copyTree(t testing.TB, src, dst string) { fixture.CopyTree(t, src, dst) }

// writeAtomic writes like Metaflow 2.19.20+: folders made with mkdir -p,
// then a tmp file in the target folder renamed over the final name.
func writeAtomic(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := fixture.WriteAtomic(path, b); err != nil {
		t.Fatal(err)
	}
}

// atomicWrite is writeAtomic for goroutines other than the test's own,
// which must not call t.Fatal.
func atomicWrite(path string, b []byte) error { return fixture.WriteAtomic(path, b) }

// bulkTempDir is a temporary folder for tests that write thousands of
// files: on tmpfs (/dev/shm) when there is one, because on the ext4 of some
// CI machines every file creation costs milliseconds; else t.TempDir().
// inotify behaves the same on both.
func bulkTempDir(t testing.TB) string {
	t.Helper()
	if os.Getenv("TMPDIR") == "" {
		if d, err := os.MkdirTemp("/dev/shm", "flowdeck-watcher-"); err == nil {
			t.Cleanup(func() { os.RemoveAll(d) })
			return d
		}
	}
	return t.TempDir()
}

func openIndex(t testing.TB, root string) *datastore.Index {
	t.Helper()
	loc, err := datastore.Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	// A run that looks running turns "unknown" after StaleAfter of quiet
	// (the datastore's time rule); the fixtures were written long ago, so
	// a live-updated index (which saw activity) and a fresh one would
	// differ on that alone while a run is mid-way.
	ix, err := datastore.Open(context.Background(), loc, datastore.Options{StaleAfter: 100 * 365 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func dump(t testing.TB, ix *datastore.Index) []byte {
	t.Helper()
	b, err := ix.Dump(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sameAsFresh waits until the live-updated index dumps the same bytes as a
// fresh index of the same tree, and fails with the first difference if it
// never does.
func sameAsFresh(t testing.TB, ix *datastore.Index, root string) []byte {
	t.Helper()
	var got, want []byte
	deadline := time.Now().Add(settle)
	for {
		got, want = dump(t, ix), dump(t, openIndex(t, root))
		if bytes.Equal(got, want) {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("live-updated index differs from a fresh index of the same tree:\n%s", firstDiff(got, want))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func firstDiff(a, b []byte) string {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := 0; i < len(la) && i < len(lb); i++ {
		if !bytes.Equal(la[i], lb[i]) {
			lo, hi := max(0, i-6), i+3
			return fmt.Sprintf("line %d\n got: %s\nwant: %s", i+1,
				bytes.Join(la[lo:min(len(la), hi)], []byte("\n")), bytes.Join(lb[lo:min(len(lb), hi)], []byte("\n")))
		}
	}
	return fmt.Sprintf("lengths differ: %d vs %d lines", len(la), len(lb))
}

// replayEvent is one line of fixtures/live-replay/events.jsonl.
type replayEvent = fixture.Event

func loadReplay(t testing.TB) []replayEvent { return fixture.Events(t) }

func blob(t testing.TB, e replayEvent) []byte { return e.Content(t) }

// replay writes events into root at speed times real time, atomically.
func replay(t testing.TB, root string, evs []replayEvent, speed float64) {
	t.Helper()
	if len(evs) == 0 {
		return
	}
	start, t0 := time.Now(), evs[0].T
	for _, e := range evs {
		at := start.Add(time.Duration((e.T - t0) / speed * float64(time.Second)))
		time.Sleep(time.Until(at))
		writeAtomic(t, filepath.Join(root, e.Path), blob(t, e))
	}
}

// collector gathers everything a watcher sends.
type collector struct {
	mu      sync.Mutex
	all     []datastore.Change
	batches int
	done    chan struct{}
}

func collect(w *Watcher) *collector {
	c := &collector{done: make(chan struct{})}
	go func() {
		defer close(c.done)
		for b := range w.Changes() {
			c.mu.Lock()
			c.all = append(c.all, b...)
			c.batches++
			c.mu.Unlock()
		}
	}()
	return c
}

func (c *collector) changes() []datastore.Change {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]datastore.Change(nil), c.all...)
}

// waitFor waits until pred holds for the changes so far.
func (c *collector) waitFor(t testing.TB, what string, pred func([]datastore.Change) bool) []datastore.Change {
	t.Helper()
	deadline := time.Now().Add(settle)
	for {
		cs := c.changes()
		if pred(cs) {
			return cs
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; changes:\n%s", what, kinds(cs))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitRunSucceeded waits until a run is reported succeeded.
func (c *collector) waitRunSucceeded(t testing.TB) {
	t.Helper()
	c.waitFor(t, "the run to succeed", func(cs []datastore.Change) bool {
		return slices.ContainsFunc(cs, func(c datastore.Change) bool {
			return c.Kind == datastore.RunChanged && c.Status == datastore.StatusSucceeded
		})
	})
}

func kinds(cs []datastore.Change) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "%s %s/%s/%s %s %s\n", c.Kind, c.Run, c.Step, c.Task, cardName(c.Card), c.Token)
	}
	return b.String()
}

// cardName decodes a card key (base64 of flow/run/step/task/stem) to its
// stem, for messages and for telling card types apart.
func cardName(key string) string {
	if key == "" {
		return ""
	}
	b, err := decodeKey(key)
	if err != nil {
		return key
	}
	return b[strings.LastIndexByte(b, '/')+1:]
}

func decodeKey(key string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(key)
	return string(b), err
}

func cardType(key string) string {
	typ, _, _ := strings.Cut(cardName(key), "-")
	return typ
}

// start makes and starts a watcher that is closed at the end of the test,
// and checks then that none of its goroutines is left.
func start(t testing.TB, ix Target, opts Options) (*Watcher, *collector) {
	t.Helper()
	w, err := New(ix, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	c := collect(w)
	t.Cleanup(func() {
		w.Close()
		<-c.done
	})
	return w, c
}

// noLeak fails if goroutines started after before are still running once
// settle has passed (goleak-style polling; no new dependency).
func noLeak(t testing.TB, before int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			t.Fatalf("%d goroutines left (had %d):\n%s", runtime.NumGoroutine(), before, buf[:n])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// countingFS counts the watcher's own file access.
type countingFS struct {
	readDirs, lstats atomic.Int64
}

func (c *countingFS) ReadDir(dir string) ([]fs.DirEntry, error) {
	c.readDirs.Add(1)
	return os.ReadDir(dir)
}

func (c *countingFS) Lstat(p string) (fs.FileInfo, error) {
	c.lstats.Add(1)
	return os.Lstat(p)
}

func (c *countingFS) total() int64 { return c.readDirs.Load() + c.lstats.Load() }

// eventually waits for cond, failing with msg.
func eventually(t testing.TB, msg func() string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(settle)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out: %s", msg())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// recordingTarget is an index that records the rescans it is asked for
// and the half-written files it hands back.
type recordingTarget struct {
	*datastore.Index
	mu      sync.Mutex
	rescans [][]string
	retried map[string]int
}

func (r *recordingTarget) Apply(paths []string) datastore.ApplyResult {
	res := r.Index.Apply(paths)
	r.mu.Lock()
	if r.retried == nil {
		r.retried = map[string]int{}
	}
	for _, p := range res.Retry {
		r.retried[p]++
	}
	r.mu.Unlock()
	return res
}

func (r *recordingTarget) retries(p string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.retried[p]
}

func (r *recordingTarget) Rescan(dirs ...string) datastore.ApplyResult {
	r.mu.Lock()
	r.rescans = append(r.rescans, dirs)
	r.mu.Unlock()
	return r.Index.Rescan(dirs...)
}

// rescanned reports whether dir was rescanned as a whole since call n.
func (r *recordingTarget) rescanned(dir string, n int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ds := range r.rescans[min(n, len(r.rescans)):] {
		for _, d := range ds {
			if d == dir {
				return true
			}
		}
	}
	return false
}

func (r *recordingTarget) calls() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.rescans)
}
