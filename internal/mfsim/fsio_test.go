package mfsim

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestAtomicWritesNeverExposePartialFiles rewrites a 1 MB card many times
// while a reader polls it: every read sees one whole version, and no temp
// file is left behind.
func TestAtomicWritesNeverExposePartialFiles(t *testing.T) {
	root := t.TempDir()
	w := &fileWriter{root: root, mode: Atomic}
	rel := "mf.cards/F/runs/1/steps/s/tasks/1/cards/blank-x.html"
	versions := make([][]byte, 8)
	for i := range versions {
		versions[i] = bytes.Repeat([]byte{'A' + byte(i)}, 1<<20)
		versions[i] = append(versions[i], "</html>\n"...)
	}
	if err := w.put(rel, versions[0]); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var reads, bad atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			b, err := os.ReadFile(filepath.Join(root, rel))
			if err != nil {
				bad.Add(1)
				continue
			}
			reads.Add(1)
			if len(b) != len(versions[0]) || bytes.Count(b, b[:1]) != 1<<20 {
				bad.Add(1)
			}
		}
	}()
	for i := 0; i < 200; i++ {
		if err := w.put(rel, versions[i%len(versions)]); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	wg.Wait()
	if bad.Load() != 0 {
		t.Fatalf("%d of %d reads saw a missing or partial file", bad.Load(), reads.Load())
	}
	entries, _ := os.ReadDir(filepath.Dir(filepath.Join(root, rel)))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "tmp") {
			t.Errorf("temp file left behind: %s", e.Name())
		}
	}
	st, _ := os.Stat(filepath.Join(root, rel))
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	t.Logf("%d reads, none partial", reads.Load())
}

// TestAtomicWriteChangesInode: Metaflow's rename gives the final name a new
// inode on every write (docs/format.md §13), and the watcher relies on renames.
func TestAtomicWriteChangesInode(t *testing.T) {
	root := t.TempDir()
	w := &fileWriter{root: root, mode: Atomic}
	p := filepath.Join(root, "x.json")
	w.put("x.json", []byte("1"))
	a, _ := os.Stat(p)
	w.put("x.json", []byte("2"))
	b, _ := os.Stat(p)
	if os.SameFile(a, b) {
		t.Fatal("atomic rewrite kept the inode")
	}
}

// TestInPlaceWritesExposeEmptyAndHalfFiles: with a pause, a reader of an
// in-place write sees the empty file and then the first half, as readers
// of Metaflow before 2.19.20 can; the inode stays the same.
func TestInPlaceWritesExposeEmptyAndHalfFiles(t *testing.T) {
	root := t.TempDir()
	w := &fileWriter{root: root, mode: InPlace, pause: 80 * time.Millisecond}
	rel := "F/1/s/1/0.data.json"
	full := filepath.Join(root, rel)
	if err := w.put(rel, []byte(`{"old": true}`)); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(full)
	data := bytes.Repeat([]byte("x"), 1000)
	done := make(chan error)
	go func() { done <- w.put(rel, data) }()
	seen := map[int]bool{}
	for {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			if !seen[0] || !seen[500] {
				t.Fatalf("sizes seen while writing: %v; want 0 and 500", seen)
			}
			after, _ := os.Stat(full)
			if !os.SameFile(before, after) || after.Mode().Perm() != 0o644 {
				t.Errorf("in-place write changed the inode or has mode %v", after.Mode().Perm())
			}
			return
		default:
			if b, err := os.ReadFile(full); err == nil {
				seen[len(b)] = true
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
}

// TestFileModes: 2.19 writes everything 0600 except latest_run (0644,
// rewritten in place); the InPlace mode of older releases writes task
// files 0644 but _meta still 0600 via a temp file.
func TestFileModes(t *testing.T) {
	for _, mode := range []WriteMode{Atomic, InPlace, Direct} {
		root := filepath.Join(t.TempDir(), ".metaflow")
		if _, err := WriteRetry(root, Options{Mode: mode}); err != nil {
			t.Fatal(err)
		}
		for _, rel := range walkFiles(t, root) {
			st, err := os.Stat(filepath.Join(root, rel))
			if err != nil {
				t.Fatal(err)
			}
			want := os.FileMode(0o600)
			switch {
			case strings.HasSuffix(rel, "latest_run"):
				want = 0o644
			case mode == InPlace && !strings.Contains(rel, "/_meta/"):
				want = 0o644
			}
			if st.Mode().Perm() != want {
				t.Errorf("%v: %s has mode %v, want %v", mode, rel, st.Mode().Perm(), want)
			}
			if strings.HasPrefix(filepath.Base(rel), "tmp") {
				t.Errorf("%v: temp file %s left", mode, rel)
			}
		}
	}
}

func TestLatestRunIsWrittenInPlace(t *testing.T) {
	root := t.TempDir()
	d := New(root, Options{})
	f := d.Flow("F")
	r1, err := f.NewRun(RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(root, "F", "latest_run")
	a, _ := os.Stat(p)
	r2, err := f.NewRun(RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.Stat(p)
	got, _ := os.ReadFile(p)
	if string(got) != r2.ID() || r2.ID() == r1.ID() || !os.SameFile(a, b) {
		t.Errorf("latest_run %q (runs %s, %s), same inode %v", got, r1.ID(), r2.ID(), os.SameFile(a, b))
	}
}
