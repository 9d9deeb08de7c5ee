package datastore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// subfolderCards lays out what Metaflow 2.11.0 writes when a run starts in
// a subfolder (docs/format.md, "Where the cards go, before 2.18.13"): the
// run in <base>/.metaflow, its cards in <base>/project/.metaflow/mf.cards.
func subfolderCards(t *testing.T) (root, cardRoot string) {
	root = copyFixture(t, "older-2.11.0/default")
	base := filepath.Dir(root)
	cardRoot = filepath.Join(base, "project", ".metaflow", "mf.cards")
	if err := os.MkdirAll(filepath.Dir(cardRoot), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(root, "mf.cards"), cardRoot); err != nil {
		t.Fatal(err)
	}
	return root, cardRoot
}

// TestSubfolderCards: a run whose cards are not under the card root gets
// them from the subfolder's card root, found once per flow, and says where.
func TestSubfolderCards(t *testing.T) {
	root, cardRoot := subfolderCards(t)
	// A symlink to the subfolder is not followed (the root appears once).
	if err := os.Symlink(filepath.Join(filepath.Dir(root), "project"), filepath.Join(filepath.Dir(root), "link")); err != nil {
		t.Fatal(err)
	}
	ix := openIndex(t, root, Options{})
	const flow, run = "DefaultCardFlow", "1795644053426934"
	if s := ix.CardSearchOf(flow); s != nil {
		t.Fatalf("searched before any run was opened: %+v", s)
	}
	d, err := ix.Run(context.Background(), flow, run)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, st := range d.Steps {
		for _, tk := range st.Tasks {
			for _, c := range tk.Cards {
				n++
				if !strings.HasPrefix(c.HTML.Path, cardRoot+string(filepath.Separator)) {
					t.Errorf("card %s at %s, want under %s", c.Name(), c.HTML.Path, cardRoot)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no cards found in the subfolder")
	}
	if got := ix.RunCardRoot(flow, run); got != cardRoot {
		t.Errorf("RunCardRoot = %q, want %q", got, cardRoot)
	}
	s := ix.CardSearchOf(flow)
	if s == nil || len(s.Roots) != 1 || s.Roots[0] != cardRoot || s.Base != filepath.Dir(root) {
		t.Errorf("search = %+v", s)
	}
	if m := ix.MissingCards(flow, run); m != nil {
		t.Errorf("MissingCards on a run whose cards were found: %+v", m)
	}
	// The card opens from there.
	tk := taskOf(t, ix, flow, run, "start", "1")
	if len(tk.Cards) == 0 {
		t.Fatal("start/1 has no card")
	}
	if cc, err := ix.CardContent(context.Background(), tk.Cards[0].Key); err != nil || cc.Tree == nil {
		t.Errorf("card content: %v", err)
	}
}

// TestSubfolderCardsNone: with no card root anywhere, the run says where
// Flowdeck looked.
func TestSubfolderCardsNone(t *testing.T) {
	root := copyFixture(t, "older-2.11.0/default")
	if err := os.RemoveAll(filepath.Join(root, "mf.cards")); err != nil {
		t.Fatal(err)
	}
	ix := openIndex(t, root, Options{})
	const flow, run = "DefaultCardFlow", "1795644053426934"
	if _, err := ix.Run(context.Background(), flow, run); err != nil {
		t.Fatal(err)
	}
	m := ix.MissingCards(flow, run)
	if m == nil || len(m.Roots) != 0 || m.Base != filepath.Dir(root) || m.Dirs == 0 {
		t.Errorf("MissingCards = %+v", m)
	}
}

// TestSearchCardRootsBounds: three levels down and no further, 2,000
// folders at most, node_modules, .git and hidden folders skipped.
func TestSearchCardRootsBounds(t *testing.T) {
	base := t.TempDir()
	mk := func(rel string) string {
		p := filepath.Join(base, filepath.FromSlash(rel), ".metaflow", "mf.cards", "F")
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		return filepath.Dir(p)
	}
	want := []string{mk("."), mk("a"), mk("a/b/c")}
	mk("a/b/c/d")          // level 4
	mk("node_modules/x")   // skipped
	mk(".git/x")           // skipped
	mk(".cache")           // hidden
	mk("a/node_modules")   // skipped below too
	other := mk("a/other") // another flow's cards only
	os.Rename(filepath.Join(other, "F"), filepath.Join(other, "G"))
	res := SearchCardRoots(context.Background(), OSFS{}, base, "F", "")
	if fmt.Sprint(res.Roots) != fmt.Sprint(want) || res.Capped {
		t.Errorf("roots = %v (capped %v), want %v", res.Roots, res.Capped, want)
	}
	// The main card root is left out.
	if res := SearchCardRoots(context.Background(), OSFS{}, base, "F", want[0]); len(res.Roots) != 2 {
		t.Errorf("with the main root excluded: %v", res.Roots)
	}

	// 2,000 folders at most: cards in the 2,100th folder are not found.
	wide := t.TempDir()
	for i := 0; i < 2100; i++ {
		if err := os.Mkdir(filepath.Join(wide, fmt.Sprintf("d%04d", i)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(wide, "d2099", ".metaflow", "mf.cards", "F"), 0o755); err != nil {
		t.Fatal(err)
	}
	res = SearchCardRoots(context.Background(), OSFS{}, wide, "F", "")
	if !res.Capped || res.Dirs != maxCardSearchDirs || len(res.Roots) != 0 {
		t.Errorf("wide: dirs %d capped %v roots %v", res.Dirs, res.Capped, res.Roots)
	}
	// Within the cap the same folder is found.
	if err := os.MkdirAll(filepath.Join(wide, "d0005", ".metaflow", "mf.cards", "F"), 0o755); err != nil {
		t.Fatal(err)
	}
	if res := SearchCardRoots(context.Background(), OSFS{}, wide, "F", ""); len(res.Roots) != 1 {
		t.Errorf("wide, early folder: %v", res.Roots)
	}
	// A cancelled search stops.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if res := SearchCardRoots(ctx, OSFS{}, wide, "F", ""); res.Dirs != 0 {
		t.Errorf("cancelled search looked at %d folders", res.Dirs)
	}
}
