package watcher

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"flowdeck/datastore"
)

// writeInPlace writes like Metaflow before 2.19.20 (docs/format.md §13):
// open the final name with O_TRUNC (Create for a new file, then Write
// events, same inode) and write, here in two chunks with a pause between
// them, so the half-written file is on disk for a while.
func writeInPlace(t testing.TB, path string, b []byte, pause time.Duration, during func()) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	half := len(b) / 2
	if _, err := f.Write(b[:half]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(pause)
	during()
	if _, err := f.Write(b[half:]); err != nil {
		t.Fatal(err)
	}
}

// TestInPlaceWrites: card data JSON and HTML rewritten in place, and a new
// card created in place, each half-written for longer than the retry
// delay. The half-written state never produces a change (nor an error);
// the whole file produces exactly one. Detection is by mtime and size, so
// it works in polling mode too.
func TestInPlaceWrites(t *testing.T) {
	for _, mode := range []Mode{Inotify, Polling} {
		t.Run(string(mode), func(t *testing.T) {
			root := copyFixture(t, "live_midrun")
			ix := openIndex(t, root)
			if err := ix.LoadAll(context.Background()); err != nil {
				t.Fatal(err)
			}
			rt := &recordingTarget{Index: ix}
			_, c := start(t, rt, Options{Mode: mode, PollInterval: 50 * time.Millisecond})
			task := filepath.Join(root, "mf.cards", liveFlow, "runs", liveRun, "steps", "train", "tasks", "2")
			data := glob1(t, filepath.Join(task, "runtime", "blank-live-*.data.json"))
			html := glob1(t, filepath.Join(task, "cards", "blank-live-*.html"))
			evs := loadReplay(t)
			last := func(substr string) []byte {
				var b []byte
				for _, e := range evs {
					if strings.Contains(e.Path, substr) {
						b = blob(t, e)
					}
				}
				return b
			}
			settled := func() int {
				// Let the start rescan pass.
				time.Sleep(300 * time.Millisecond)
				return len(c.changes())
			}
			n := settled()

			check := func(name, path string, content []byte, kind datastore.ChangeKind, stem string) {
				t.Helper()
				quiet := func() {
					// The half file has been read and handed back for a
					// re-read, and has produced nothing.
					if rt.retries(path) == 0 {
						t.Errorf("%s: the half-written file was never handed back for a re-read", name)
					}
					for _, ch := range c.changes()[n:] {
						if cardName(ch.Card) == stem {
							t.Errorf("%s: half-written file produced %s (token %q, error %q)", name, ch.Kind, ch.Token, ch.Err)
						}
					}
				}
				writeInPlace(t, path, content, 400*time.Millisecond, quiet)
				all := c.waitFor(t, name+" change", func(cs []datastore.Change) bool {
					for _, ch := range cs[n:] {
						if ch.Kind == kind && cardName(ch.Card) == stem {
							return true
						}
					}
					return false
				})
				time.Sleep(300 * time.Millisecond) // retries of the half file must not add more
				all = c.changes()
				var got []string
				for _, ch := range all[n:] {
					if cardName(ch.Card) == stem {
						got = append(got, string(ch.Kind))
					}
				}
				if len(got) != 1 || got[0] != string(kind) {
					t.Errorf("%s: changes %v, want one %s", name, got, kind)
				}
				n = len(all)
			}
			stem := func(p string) string {
				b := filepath.Base(p)
				return strings.TrimSuffix(strings.TrimSuffix(b, ".data.json"), ".html")
			}
			check("data JSON", data, last("runtime/blank-live-"), datastore.CardDataChanged, stem(data))
			check("card HTML", html, last("cards/blank-live-"), datastore.CardHTMLChanged, stem(html))
			newCard := filepath.Join(task, "cards", "blank-extra-0123456789abcdef0123456789abcdef.html")
			check("new card", newCard, last("cards/blank-live-"), datastore.CardAdded, stem(newCard))
		})
	}
}

func glob1(t testing.TB, pattern string) string {
	t.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil || len(m) != 1 {
		t.Fatalf("glob %s: %v %v", pattern, m, err)
	}
	return m[0]
}
