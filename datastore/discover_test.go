package datastore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiscover(t *testing.T) {
	root := copyFixture(t, "retry") // <tmp>/.metaflow
	project := filepath.Dir(root)
	resolved, _ := filepath.EvalSymlinks(root)

	t.Run("the .metaflow folder", func(t *testing.T) {
		loc, err := Discover(root)
		if err != nil || loc.Root != resolved || loc.CardRoot != filepath.Join(resolved, "mf.cards") {
			t.Fatalf("got %+v, %v", loc, err)
		}
	})
	t.Run("a folder holding one", func(t *testing.T) {
		loc, err := Discover(project)
		if err != nil || loc.Root != resolved {
			t.Fatalf("got %+v, %v", loc, err)
		}
	})
	t.Run("a copy under another name", func(t *testing.T) {
		other := filepath.Join(t.TempDir(), "archive-2025")
		copyTree(t, root, other)
		loc, err := Discover(other)
		want, _ := filepath.EvalSymlinks(other)
		if err != nil || loc.Root != want {
			t.Fatalf("got %+v, %v", loc, err)
		}
	})
	t.Run("nothing there", func(t *testing.T) {
		empty := t.TempDir()
		_, err := Discover(empty)
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), filepath.Join(empty, ".metaflow")) || !strings.Contains(err.Error(), "_meta/_self.json") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("missing path", func(t *testing.T) {
		if _, err := Discover(filepath.Join(project, "nope")); err == nil || !strings.Contains(err.Error(), "nope") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("a file", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "f")
		os.WriteFile(f, nil, 0o644)
		if _, err := Discover(f); !errors.Is(err, ErrNotFound) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("sysroot env", func(t *testing.T) {
		t.Setenv(EnvSysroot, project)
		loc, err := Discover("")
		if err != nil || loc.Root != resolved {
			t.Fatalf("got %+v, %v", loc, err)
		}
		t.Setenv(EnvSysroot, t.TempDir())
		if _, err := Discover(""); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), EnvSysroot) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("working directory and parents", func(t *testing.T) {
		t.Setenv(EnvSysroot, "")
		sub := filepath.Join(project, "src", "pkg")
		os.MkdirAll(sub, 0o755)
		t.Chdir(sub)
		loc, err := Discover("")
		if err != nil || loc.Root != resolved {
			t.Fatalf("got %+v, %v", loc, err)
		}
	})
	t.Run("card root env", func(t *testing.T) {
		cards := t.TempDir()
		t.Setenv(EnvCardRoot, cards)
		loc, err := Discover(root)
		want, _ := filepath.EvalSymlinks(cards)
		if err != nil || loc.CardRoot != want {
			t.Fatalf("got %+v, %v", loc, err)
		}
	})
}
