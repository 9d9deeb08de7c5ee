package watcher

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"testing"

	"flowdeck/datastore"
	"flowdeck/internal/fixture"
)

// TestMidrunToLive opens fixtures/live_midrun (a copy taken while the task
// ran), starts watching, then makes the rest of the real task's writes: the
// index ends identical to a fresh index of fixtures/live.
func TestMidrunToLive(t *testing.T) {
	root := copyFixture(t, "live_midrun")
	ix := openIndex(t, root)
	if err := ix.LoadAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !ix.RunLive(liveFlow, liveRun) {
		t.Fatal("live_midrun's run is not live")
	}
	w, c := start(t, ix, Options{})
	// The live run is watched in full from the start.
	_, cards := w.lay.runDirs(liveFlow + "/" + liveRun)
	runtimeDir := filepath.Join(cards[0], "steps", "train", "tasks", "2", "runtime")
	w.mu.Lock()
	watched := w.watched[runtimeDir]
	w.mu.Unlock()
	if !watched {
		t.Fatalf("%s not watched at start", runtimeDir)
	}

	evs := loadReplay(t)
	replay(t, root, evs[fixture.MidrunCut(t, root, evs):], 10)
	c.waitRunSucceeded(t)
	got := sameAsFresh(t, ix, root)
	if want := dump(t, openIndex(t, copyFixture(t, "live"))); !bytes.Equal(got, want) {
		t.Errorf("index differs from fixtures/live:\n%s", firstDiff(got, want))
	}
	all := c.changes()
	for _, typ := range []string{"blank", "default", "corpus_always"} {
		if !slices.ContainsFunc(all, func(c datastore.Change) bool {
			return c.Kind == datastore.CardHTMLChanged && cardType(c.Card) == typ && c.Token == "final"
		}) {
			t.Errorf("%s: no final HTML change\n%s", typ, kinds(all))
		}
	}
}
