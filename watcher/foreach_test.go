package watcher

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"flowdeck/datastore"
	"flowdeck/internal/mfsim"
)

// TestForeach100 runs a simulated 100-task foreach whose cards all update
// while the tasks run in parallel: every task and card appears, every
// card's data updates and turns final after its task succeeded, the run
// succeeds, and the index equals a fresh one.
func TestForeach100(t *testing.T) {
	root := filepath.Join(bulkTempDir(t), ".metaflow")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	ix := openIndex(t, root)
	_, c := start(t, ix, Options{})

	const tasks, updates = 100, 5
	s := newSim(t, root, "ForeachSimFlow", "1795643000000001")
	s.begin()
	s.startTask("start", "1")
	s.finishTask("start", "1")
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16) // tasks running at once: Metaflow's default --max-workers
	// Metaflow renders the final cards in a subprocess started after DONE,
	// 0.4-1 s later (docs/format.md §14). The index reads what is on disk, so a
	// watcher lagging behind the writer by more than that gap would see a
	// final card before the DONE marker's event; the race detector makes
	// the index that slow.
	gap := 500 * time.Millisecond
	if raceDetector {
		gap = 1500 * time.Millisecond
	}
	for i := 0; i < tasks; i++ {
		task := fmt.Sprint(i + 2)
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			tok := "runtime-1795642680.5"
			s.startTask("process", task)
			s.cardHTML("process", task, tok)
			for u := 1; u <= updates; u++ {
				time.Sleep(100 * time.Millisecond) // Metaflow: about 1 s at best
				s.cardData("process", task, tok, u)
			}
			s.finishTask("process", task)
			time.Sleep(gap)
			s.cardHTML("process", task, "final")
			s.cardData("process", task, "final", updates+1)
		}()
	}
	wg.Wait()
	for i, step := range []string{"join", "end"} {
		task := fmt.Sprint(tasks + 2 + i)
		s.startTask(step, task)
		s.finishTask(step, task)
	}
	c.waitRunSucceeded(t)
	sameAsFresh(t, ix, root)
	all := c.changes()

	type cardSeen struct{ added, runtimeData, finalHTML, finalData, done int }
	seen := map[string]*cardSeen{}
	dataChanges := 0
	for i, ch := range all {
		if ch.Step != "process" || ch.Task == "" {
			continue
		}
		cs := seen[ch.Task]
		if cs == nil {
			cs = &cardSeen{added: -1, finalHTML: -1, finalData: -1, done: -1}
			seen[ch.Task] = cs
		}
		switch {
		case ch.Kind == datastore.CardAdded:
			cs.added = i
		case ch.Kind == datastore.CardDataChanged && ch.Token != "final":
			cs.runtimeData++
			dataChanges++
		case ch.Kind == datastore.CardDataChanged:
			cs.finalData = i
			dataChanges++
		case ch.Kind == datastore.CardHTMLChanged && ch.Token == "final":
			cs.finalHTML = i
		case ch.Kind == datastore.TaskChanged && ch.Status == datastore.StatusSucceeded:
			cs.done = i
		}
	}
	if len(seen) != tasks {
		t.Fatalf("changes for %d process tasks, want %d", len(seen), tasks)
	}
	for task, cs := range seen {
		if cs.added < 0 || cs.runtimeData < 1 || cs.done < 0 || cs.finalHTML < cs.done || cs.finalData < cs.done {
			t.Errorf("task %s: %+v", task, *cs)
		}
	}
	t.Logf("%d data changes for %d data writes, %d changes in all", dataChanges, tasks*(updates+1), len(all))
}

// TestForeachMfsim runs internal/mfsim's live run with a 100-task foreach
// (16 at a time, one task failing on attempt 0 and succeeding on retry):
// every task and card appears, every card's data updates and turns final,
// the run succeeds, and the index equals a fresh one. mfsim renders final
// cards right after DONE (Metaflow takes 0.4-1 s), so the DONE-first order
// is checked with the writer above, not here.
func TestForeachMfsim(t *testing.T) {
	root := filepath.Join(bulkTempDir(t), ".metaflow")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	ix := openIndex(t, root)
	_, c := start(t, ix, Options{})
	const width = 100
	err := mfsim.Live(context.Background(), root, mfsim.LiveOptions{
		Flow: "LiveForeachFlow", SkipTrain: true, Width: width, TaskUpdates: 5,
		Interval: 100 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	c.waitRunSucceeded(t)
	sameAsFresh(t, ix, root)
	type seen struct{ added, data, final int }
	cards := map[string]*seen{}
	tasks := map[string]bool{}
	for _, ch := range c.changes() {
		if ch.Step != "process" {
			continue
		}
		if ch.Kind == datastore.TaskAdded {
			tasks[ch.Task] = true
		}
		if ch.Card == "" {
			continue
		}
		s := cards[ch.Card]
		if s == nil {
			s = &seen{}
			cards[ch.Card] = s
		}
		switch {
		case ch.Kind == datastore.CardAdded:
			s.added++
		case ch.Kind == datastore.CardDataChanged && ch.Token == "final":
			s.final++
		case ch.Kind == datastore.CardDataChanged:
			s.data++
		}
	}
	if len(tasks) != width {
		t.Errorf("%d process tasks appeared, want %d", len(tasks), width)
	}
	finals := 0
	for key, s := range cards {
		if s.added != 1 || s.data < 1 {
			t.Errorf("card %s: %+v", cardName(key), *s)
		}
		finals += min(s.final, 1)
	}
	// One card per task, plus the failed attempt's card of the retried task,
	// which never turns final (docs/format.md §15).
	if len(cards) != width+1 || finals != width {
		t.Errorf("%d cards, %d final; want %d and %d", len(cards), finals, width+1, width)
	}
}
