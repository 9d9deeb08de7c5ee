package datastore

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixtures is the read-only corpus of real Metaflow output.
const fixtures = "../../shared/fixtures"

// copyFixture copies fixtures/<name> into a temp dir and returns the path
// of its .metaflow folder. Files become writable so tests can modify them.
func copyFixture(t testing.TB, name string) string {
	t.Helper()
	src := filepath.Join(fixtures, name)
	if _, err := os.Stat(src); err != nil {
		t.Fatalf("fixture %s missing: %v", name, err)
	}
	dst := t.TempDir()
	copyTree(t, src, dst)
	return filepath.Join(dst, ".metaflow")
}

func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
}

func openIndex(t testing.TB, root string, opts Options) *Index {
	t.Helper()
	loc, err := Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := Open(context.Background(), loc, opts)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

type replayEvent struct {
	T     float64 `json:"t"`
	Op    string  `json:"op"`
	Path  string  `json:"path"`
	Blob  string  `json:"blob"`
	Exact bool    `json:"exact"`
}

func loadReplay(t testing.TB) []replayEvent {
	t.Helper()
	f, err := os.Open(filepath.Join(fixtures, "live-replay", "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var evs []replayEvent
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e replayEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e)
	}
	return evs
}

func replayBlob(t testing.TB, e replayEvent) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, "live-replay", e.Blob))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// writeAtomic writes like Metaflow 2.19.20+: a tmp file in the same folder,
// then rename.
func writeAtomic(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "tmp")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(b); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.Rename(f.Name(), path); err != nil {
		t.Fatal(err)
	}
}

func kinds(cs []Change) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString(string(c.Kind))
		b.WriteByte(' ')
	}
	return b.String()
}
