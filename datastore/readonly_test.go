package datastore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// treeHash hashes every path, mode, size, mtime and content under dir.
func treeHash(t testing.TB, dir string) string {
	t.Helper()
	h := sha256.New()
	var paths []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
		return nil
	})
	sort.Strings(paths)
	for _, p := range paths {
		fi, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(h, p+"\x00"+fi.Mode().String()+"\x00"+fi.ModTime().String()+"\x00")
		if fi.Mode().IsRegular() {
			f, err := os.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(h, f)
			f.Close()
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestReadOnly indexes every fixture, reads every card token, log and
// artifact list, applies a rescan, and checks not a byte, mode or mtime
// changed and no file appeared.
func TestReadOnly(t *testing.T) {
	for _, name := range []string{"default", "components", "foreach", "retry", "failing", "live_midrun", "hostile", "older-2.11.0/retry", "older-2.12.39/live_midrun"} {
		t.Run(name, func(t *testing.T) {
			root := copyFixture(t, name)
			before := treeHash(t, filepath.Dir(root))
			ix := openIndex(t, root, Options{})
			ctx := context.Background()
			if _, err := ix.Dump(ctx); err != nil {
				t.Fatal(err)
			}
			for _, f := range ix.Flows() {
				runs, _ := ix.Runs(f.Name)
				for _, r := range runs {
					d, _ := ix.Run(ctx, f.Name, r.ID)
					for _, st := range d.Steps {
						for _, tk := range st.Tasks {
							ix.TaskArtifacts(ctx, f.Name, r.ID, st.Name, tk.ID, -1)
							ix.TaskLog(ctx, f.Name, r.ID, st.Name, tk.ID, -1, Stdout)
							for _, c := range tk.Cards {
								ix.Card(ctx, c.Key)
							}
						}
					}
				}
			}
			ix.Rescan()
			ix.Tick()
			if after := treeHash(t, filepath.Dir(root)); after != before {
				t.Fatal("the datastore changed while it was indexed")
			}
		})
	}
}
