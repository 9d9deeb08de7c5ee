package watcher

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"flowdeck/datastore"
)

const (
	liveFlow = "LiveCardFlow"
	liveRun  = "1795642679591111"
)

// TestReplayLive replays every write of the real live task into an empty
// datastore, atomically, at real speed and at 10x, and checks what a viewer
// sees: the run and task appearing, each card appearing, every data update
// of the blank card, its token change when a component is added, DONE
// before the final cards, the final HTML and data, the run succeeding; and
// finally an index equal to a fresh one and to fixtures/live.
func TestReplayLive(t *testing.T) {
	for _, speed := range []float64{1, 10} {
		t.Run(map[float64]string{1: "1x", 10: "10x"}[speed], func(t *testing.T) {
			if speed == 1 && testing.Short() {
				t.Skip("real speed takes 27 s")
			}
			t.Parallel()
			root := filepath.Join(t.TempDir(), ".metaflow")
			if err := os.MkdirAll(root, 0o755); err != nil {
				t.Fatal(err)
			}
			ix := openIndex(t, root)
			opts := Options{}
			_, c := start(t, ix, opts)
			evs := loadReplay(t)
			replay(t, root, evs, speed)
			c.waitRunSucceeded(t)
			got := sameAsFresh(t, ix, root)
			if want := dump(t, openIndex(t, copyFixture(t, "live"))); !bytes.Equal(got, want) {
				t.Errorf("replayed index differs from fixtures/live:\n%s", firstDiff(got, want))
			}
			all := c.changes()
			checkLiveOrder(t, all)

			// Every write of the blank card's data is a change, except that
			// writes closer together than MaxDelay may coalesce.
			writes := blankDataWrites(evs)
			var n int
			for _, c := range all {
				if c.Kind == datastore.CardDataChanged && cardType(c.Card) == "blank" {
					n++
				}
			}
			// At real speed the writes are a second apart, far more than
			// MaxDelay: each one is a change. Faster, a watcher slowed down
			// (the race detector makes Apply 10-20 times slower) reads two
			// writes at once; the coalescer's own bound is proved with a
			// fake clock in package coalesce.
			t.Logf("%d blank data changes for %d writes", n, len(writes))
			if (speed == 1 && n != len(writes)) || n < 1 || n > len(writes) {
				t.Errorf("blank data changes = %d, writes = %d", n, len(writes))
			}
		})
	}
}

// checkLiveOrder checks the order of the typed changes of the live run.
func checkLiveOrder(t *testing.T, all []datastore.Change) {
	t.Helper()
	pos := func(pred func(c datastore.Change) bool) int { return slices.IndexFunc(all, pred) }
	last := func(pred func(c datastore.Change) bool) int {
		for i := len(all) - 1; i >= 0; i-- {
			if pred(all[i]) {
				return i
			}
		}
		return -1
	}
	runAdded := pos(func(c datastore.Change) bool { return c.Kind == datastore.RunAdded && c.Run == liveRun })
	taskAdded := pos(func(c datastore.Change) bool {
		return c.Kind == datastore.TaskAdded && c.Step == "train" && c.Task == "2"
	})
	done := pos(func(c datastore.Change) bool {
		return c.Kind == datastore.TaskChanged && c.Step == "train" && c.Status == datastore.StatusSucceeded
	})
	runDone := pos(func(c datastore.Change) bool {
		return c.Kind == datastore.RunChanged && c.Run == liveRun && c.Status == datastore.StatusSucceeded
	})
	if !(runAdded >= 0 && runAdded < taskAdded && taskAdded < done && done < runDone) {
		t.Fatalf("order: run %d task %d done %d run done %d\n%s", runAdded, taskAdded, done, runDone, kinds(all))
	}
	for _, typ := range []string{"blank", "default", "corpus_always"} {
		added := pos(func(c datastore.Change) bool { return c.Kind == datastore.CardAdded && cardType(c.Card) == typ })
		firstData := pos(func(c datastore.Change) bool {
			return c.Kind == datastore.CardDataChanged && cardType(c.Card) == typ
		})
		finalHTML := pos(func(c datastore.Change) bool {
			return c.Kind == datastore.CardHTMLChanged && cardType(c.Card) == typ && c.Token == "final"
		})
		finalData := last(func(c datastore.Change) bool {
			return c.Kind == datastore.CardDataChanged && cardType(c.Card) == typ && c.Token == "final"
		})
		switch {
		case added < taskAdded:
			t.Errorf("%s card added at %d, task at %d", typ, added, taskAdded)
		case firstData < added:
			t.Errorf("%s: first data at %d, card added at %d", typ, firstData, added)
		case finalHTML < done || finalData < done:
			t.Errorf("%s: final HTML %d / final data %d not after DONE %d", typ, finalHTML, finalData, done)
		case finalHTML > runDone || finalData > runDone:
			t.Errorf("%s: final HTML %d / final data %d after the run succeeded %d", typ, finalHTML, finalData, runDone)
		case !all[finalData].Final:
			t.Errorf("%s: the last final data change does not say final", typ)
		}
	}
	// The component added mid-run: the blank card's HTML token goes from
	// one runtime token to another, then to final.
	var tokens []string
	for _, c := range all {
		if (c.Kind == datastore.CardHTMLChanged || c.Kind == datastore.CardAdded) && cardType(c.Card) == "blank" {
			tokens = append(tokens, c.Token)
		}
	}
	if len(tokens) != 3 || !strings.HasPrefix(tokens[0], "runtime-") || !strings.HasPrefix(tokens[1], "runtime-") ||
		tokens[0] == tokens[1] || tokens[2] != "final" {
		t.Errorf("blank card HTML tokens = %v, want runtime-A, runtime-B, final", tokens)
	}
	// The data written with the new token follows the token change.
	tokenChange := pos(func(c datastore.Change) bool {
		return c.Kind == datastore.CardHTMLChanged && cardType(c.Card) == "blank" && c.Token == tokens[1]
	})
	newData := pos(func(c datastore.Change) bool {
		return c.Kind == datastore.CardDataChanged && cardType(c.Card) == "blank" && c.Token == tokens[1]
	})
	if tokenChange < 0 || newData < tokenChange {
		t.Errorf("token change at %d, first data with the new token at %d", tokenChange, newData)
	}
}

func blankDataWrites(evs []replayEvent) []float64 {
	var ts []float64
	for _, e := range evs {
		if strings.Contains(e.Path, "runtime/blank-live-") {
			ts = append(ts, e.T)
		}
	}
	return ts
}

// TestSeparateCardRoot replays the live task with its cards kept outside
// the datastore (METAFLOW_CARD_LOCALROOT), in a card root that does not
// exist yet when watching starts: its parent is watched until it appears.
func TestSeparateCardRoot(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "ds", ".metaflow")
	cardRoot := filepath.Join(base, "elsewhere", "cards")
	for _, d := range []string{root, filepath.Dir(cardRoot)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	loc := datastore.Location{Root: root, CardRoot: cardRoot}
	open := func() *datastore.Index {
		ix, err := datastore.Open(context.Background(), loc, datastore.Options{StaleAfter: 100 * 365 * 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		return ix
	}
	ix := open()
	w, c := start(t, ix, Options{})
	if s := w.State(); s.Err != "" {
		t.Fatalf("a missing card root is not an error: %+v", s)
	}
	evs := loadReplay(t)
	for i := range evs {
		if rest, ok := strings.CutPrefix(evs[i].Path, "mf.cards/"); ok {
			evs[i].Path = filepath.Join("..", "..", "elsewhere", "cards", rest)
		}
	}
	replay(t, root, evs, 10)
	c.waitRunSucceeded(t)
	want := dump(t, open())
	eventually(t, func() string { return firstDiff(dump(t, ix), want) }, func() bool { return bytes.Equal(dump(t, ix), want) })
	if fixture := dump(t, openIndex(t, copyFixture(t, "live"))); !bytes.Equal(want, fixture) {
		t.Errorf("index differs from fixtures/live:\n%s", firstDiff(want, fixture))
	}
	checkLiveOrder(t, c.changes())
}

// TestReplayPolling replays the live task at 10x in polling mode (for
// network filesystems that deliver no events): every card appears and
// turns final, the run succeeds, and the index equals fixtures/live.
// Updates closer together than PollInterval coalesce by design.
func TestReplayPolling(t *testing.T) {
	root := filepath.Join(t.TempDir(), ".metaflow")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	ix := openIndex(t, root)
	w, c := start(t, ix, Options{Mode: Polling, PollInterval: 50 * time.Millisecond})
	if s := w.State(); s.Mode != "polling" || s.Watches != 0 || s.Polled == 0 {
		t.Errorf("state = %+v", s)
	}
	replay(t, root, loadReplay(t), 10)
	c.waitRunSucceeded(t)
	got := sameAsFresh(t, ix, root)
	if want := dump(t, openIndex(t, copyFixture(t, "live"))); !bytes.Equal(got, want) {
		t.Errorf("replayed index differs from fixtures/live:\n%s", firstDiff(got, want))
	}
	all := c.changes()
	for _, typ := range []string{"blank", "default", "corpus_always"} {
		for _, kind := range []datastore.ChangeKind{datastore.CardAdded, datastore.CardDataChanged, datastore.CardHTMLChanged} {
			if !slices.ContainsFunc(all, func(c datastore.Change) bool { return c.Kind == kind && cardType(c.Card) == typ }) {
				t.Errorf("%s: no %s", typ, kind)
			}
		}
	}
	if s := w.State(); s.Mode != "polling" || s.Err != "" {
		t.Errorf("state = %+v", s)
	}
}
