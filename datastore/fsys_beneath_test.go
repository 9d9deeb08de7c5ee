//go:build unix

package datastore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// Every element below a root is checked, with openat2 and with the
// O_NOFOLLOW walk kernels without it use; a link at the root is followed.
func TestOpenBeneath(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "real")
	out := filepath.Join(base, "outside")
	for _, d := range []string{filepath.Join(root, "a", "b"), filepath.Join(out, "b")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(root, "a", "b", "f"), []byte("inside"), 0o644)
	os.WriteFile(filepath.Join(out, "b", "f"), []byte("outside"), 0o644)
	os.Symlink(out, filepath.Join(root, "l"))                                    // a folder link
	os.Symlink(filepath.Join(out, "b", "f"), filepath.Join(root, "a", "b", "g")) // a file link
	os.Symlink(root, filepath.Join(base, "rootlink"))                            // a link at the root

	fsys := OSFS{Roots: []string{filepath.Join(base, "rootlink")}}
	if b, err := readFile(fsys, filepath.Join(base, "rootlink", "a", "b", "f"), 100); err != nil || string(b) != "inside" {
		t.Errorf("through a linked root: %q %v", b, err)
	}
	for _, p := range []string{"l/b/f", "a/b/g", "l"} {
		_, err := readFile(fsys, filepath.Join(base, "rootlink", p), 100)
		var se *SymlinkError
		if !errors.As(err, &se) || !errors.Is(err, ErrSymlink) || !strings.HasSuffix(se.Path, strings.Split(p, "/")[0]) && !strings.HasSuffix(se.Path, "g") {
			t.Errorf("%s: %v", p, err)
		}
	}
	if _, err := fsys.ReadDir(filepath.Join(base, "rootlink", "l", "b")); !errors.Is(err, ErrSymlink) {
		t.Errorf("ReadDir through a link: %v", err)
	}
	if _, err := fsys.Lstat(filepath.Join(base, "rootlink", "l", "b", "f")); !errors.Is(err, ErrSymlink) {
		t.Errorf("Lstat through a link: %v", err)
	}
	if fi, err := fsys.Lstat(filepath.Join(base, "rootlink", "l")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("Lstat of the link itself: %v %v", fi, err)
	}
	if _, err := readFile(fsys, filepath.Join(base, "outside", "b", "f"), 100); !errors.Is(err, ErrOutside) {
		t.Errorf("outside every root: %v", err)
	}

	// The walk, as on kernels without openat2.
	rfd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(rfd)
	for rel, want := range map[string]error{"a/b/f": nil, "l/b/f": unix.ENOTDIR, "a/b/g": unix.ELOOP, "a/../l/b/f": unix.EXDEV} {
		fd, err := walkNoFollow(rfd, rel, unix.O_RDONLY)
		if fd >= 0 {
			unix.Close(fd)
		}
		if !errors.Is(err, want) && !(want == unix.ENOTDIR && errors.Is(err, unix.ELOOP)) {
			t.Errorf("walk %s: %v, want %v", rel, err, want)
		}
	}
}
