package watcher

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"flowdeck/datastore"
)

// TestSubfolderCardsLive: Metaflow before 2.18.13, started in a subfolder,
// writes a run's cards under <subfolder>/.metaflow/mf.cards, not under the
// datastore's card root, while the run goes (docs/format.md, "Where the
// cards go, before 2.18.13"). Once the run is opened, the index finds that
// card root and the watcher watches it too: new card data there, and the
// card of a task that starts later, reach Changes and the index, as they
// would under the main card root.
func TestSubfolderCardsLive(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, ".metaflow")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	cardRoot := filepath.Join(base, "project", ".metaflow", "mf.cards")
	const flow, run = "SubfolderCardFlow", "1795643000000002"
	ix := openIndex(t, root)
	w, c := start(t, ix, Options{})

	s := newSim(t, root, flow, run)
	s.cards = cardRoot
	tok := "runtime-1795642680.5"
	s.begin()
	s.startTask("start", "1")
	s.cardHTML("start", "1", tok)
	s.cardData("start", "1", tok, 1)
	c.waitFor(t, "the start task", func(cs []datastore.Change) bool {
		return slices.ContainsFunc(cs, func(c datastore.Change) bool { return c.Kind == datastore.TaskAdded && c.Task == "1" })
	})

	// The UI opens the run: no card under the card root, so the index
	// looks in the subfolders and takes the one that holds this run.
	d, err := ix.Run(context.Background(), flow, run)
	if err != nil {
		t.Fatal(err)
	}
	if got := ix.RunCardRoot(flow, run); got != cardRoot {
		t.Fatalf("RunCardRoot = %q, want %q", got, cardRoot)
	}
	if len(d.Steps) == 0 || len(d.Steps[0].Tasks) == 0 || len(d.Steps[0].Tasks[0].Cards) != 1 {
		t.Fatalf("start/1 has no card from the subfolder: %+v", d.Steps)
	}
	eventually(t, func() string { return "the subfolder's card root is not watched" }, func() bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		return w.watched[filepath.Join(cardRoot, flow, "runs", run, "steps", "start", "tasks", "1", "runtime")]
	})

	// Live: each new value written there is reported, the last one too.
	for n := 2; n <= 4; n++ {
		s.cardData("start", "1", tok, n)
	}
	c.waitFor(t, "the start card's new data", func(cs []datastore.Change) bool {
		return slices.ContainsFunc(cs, func(c datastore.Change) bool {
			return c.Kind == datastore.CardDataChanged && c.Task == "1"
		})
	})
	dataDir := filepath.Join(cardRoot, flow, "runs", run, "steps", "start", "tasks", "1", "runtime")
	eventually(t, func() string { return "the index never read the last value" }, func() bool {
		tk, err := ix.Task(context.Background(), flow, run, "start", "1")
		if err != nil || len(tk.Cards) != 1 || tk.Cards[0].Data == nil {
			return false
		}
		data := tk.Cards[0].Data
		// cardData writes created_on 1795642680+n.25.
		return filepath.Dir(data.Path) == dataDir && data.CreatedOn != nil && *data.CreatedOn == 1795642684.25
	})

	// A task that starts afterwards has its card there too.
	s.finishTask("start", "1")
	s.startTask("end", "2")
	s.cardHTML("end", "2", tok)
	s.cardData("end", "2", tok, 1)
	c.waitFor(t, "the end task's card", func(cs []datastore.Change) bool {
		return slices.ContainsFunc(cs, func(c datastore.Change) bool { return c.Kind == datastore.CardAdded && c.Task == "2" })
	})
	s.finishTask("end", "2")
	s.cardHTML("end", "2", "final")
	s.cardData("end", "2", "final", 2)
	c.waitRunSucceeded(t)
	c.waitFor(t, "the end card turning final", func(cs []datastore.Change) bool {
		return slices.ContainsFunc(cs, func(c datastore.Change) bool {
			return c.Task == "2" && c.Kind == datastore.CardHTMLChanged && c.Token == "final"
		})
	})

	// The next run of the flow writes its cards there from its start:
	// nobody opens it, and its cards are reported as they come.
	const run2 = "1795643000000003"
	s2 := newSim(t, root, flow, run2)
	s2.cards = cardRoot
	s2.begin()
	s2.startTask("start", "1")
	s2.cardHTML("start", "1", tok)
	s2.cardData("start", "1", tok, 1)
	c.waitFor(t, "the second run's card", func(cs []datastore.Change) bool {
		return slices.ContainsFunc(cs, func(c datastore.Change) bool {
			return c.Run == run2 && c.Kind == datastore.CardAdded && c.Task == "1"
		})
	})
	if got := ix.RunCardRoot(flow, run2); got != cardRoot {
		t.Errorf("second run: RunCardRoot = %q, want %q", got, cardRoot)
	}
	s2.cardData("start", "1", tok, 2)
	c.waitFor(t, "the second run's new data", func(cs []datastore.Change) bool {
		return slices.ContainsFunc(cs, func(c datastore.Change) bool {
			return c.Run == run2 && c.Kind == datastore.CardDataChanged
		})
	})
	s2.finishTask("start", "1")
	s2.startTask("end", "2")
	s2.finishTask("end", "2")
	sameAsFresh(t, ix, root)
}
