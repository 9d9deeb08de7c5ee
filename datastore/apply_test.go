package datastore

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestReplayFromScratch applies every write of the real live task, from an
// empty datastore, and checks the typed changes come in the order a viewer
// needs them, then that the index equals a fresh read and fixtures/live.
func TestReplayFromScratch(t *testing.T) {
	root := filepath.Join(t.TempDir(), ".metaflow")
	os.MkdirAll(root, 0o755)
	ix := openIndex(t, root, Options{})
	var all []Change
	for _, e := range loadReplay(t) {
		p := filepath.Join(root, e.Path)
		writeAtomic(t, p, replayBlob(t, e))
		res := ix.Apply([]string{p, filepath.Dir(p)})
		all = append(all, res.Changes...)
	}
	pos := func(pred func(c Change) bool) int {
		return slices.IndexFunc(all, pred)
	}
	last := func(pred func(c Change) bool) int {
		for i := len(all) - 1; i >= 0; i-- {
			if pred(all[i]) {
				return i
			}
		}
		return -1
	}
	flowAdded := pos(func(c Change) bool { return c.Kind == FlowAdded && c.Flow == liveFlow })
	runAdded := pos(func(c Change) bool { return c.Kind == RunAdded && c.Run == liveRun })
	taskAdded := pos(func(c Change) bool { return c.Kind == TaskAdded && c.Step == "train" && c.Task == "2" })
	done := pos(func(c Change) bool {
		return c.Kind == TaskChanged && c.Step == "train" && c.Status == StatusSucceeded
	})
	runDone := pos(func(c Change) bool { return c.Kind == RunChanged && c.Status == StatusSucceeded })
	if !(flowAdded >= 0 && flowAdded < runAdded && runAdded < taskAdded && taskAdded < done && done < runDone) {
		t.Fatalf("order: flow %d run %d task %d done %d run done %d\n%s", flowAdded, runAdded, taskAdded, done, runDone, kinds(all))
	}
	for _, typ := range []string{"blank", "default", "corpus_always"} {
		added := pos(func(c Change) bool { return c.Kind == CardAdded && cardType(c.Card) == typ })
		if added < taskAdded {
			t.Errorf("%s card added at %d, task at %d", typ, added, taskAdded)
		}
		finalHTML := pos(func(c Change) bool { return c.Kind == CardHTMLChanged && cardType(c.Card) == typ && c.Token == "final" })
		finalData := last(func(c Change) bool { return c.Kind == CardDataChanged && cardType(c.Card) == typ && c.Token == "final" })
		if finalHTML < done || finalData < done {
			t.Errorf("%s: final HTML %d / final data %d not after DONE %d", typ, finalHTML, finalData, done)
		}
		if all[finalData].Final != true {
			t.Errorf("%s: last final data change does not say final", typ)
		}
	}
	// Every data write of the blank card is one change: 21 in the replay.
	var blankData []Change
	for _, c := range all {
		if c.Kind == CardDataChanged && cardType(c.Card) == "blank" {
			blankData = append(blankData, c)
		}
	}
	if n := countWrites(t, "runtime/blank-live-"); len(blankData) != n {
		t.Errorf("blank data changes = %d, writes = %d", len(blankData), n)
	}
	// The layout change mid-run: the blank card's HTML token changes from
	// one runtime token to another before the end.
	var tokens []string
	for _, c := range all {
		if (c.Kind == CardHTMLChanged || c.Kind == CardAdded) && cardType(c.Card) == "blank" {
			tokens = append(tokens, c.Token)
		}
	}
	if len(tokens) != 3 || !strings.HasPrefix(tokens[0], "runtime-") || !strings.HasPrefix(tokens[1], "runtime-") || tokens[0] == tokens[1] || tokens[2] != "final" {
		t.Errorf("blank card HTML tokens = %v, want two runtime tokens then final", tokens)
	}
	ctx := context.Background()
	got, _ := ix.Dump(ctx)
	want, _ := openIndex(t, copyFixture(t, "live"), Options{}).Dump(ctx)
	if !bytes.Equal(got, want) {
		t.Errorf("replayed index differs from fixtures/live:\n%s", firstDiff(got, want))
	}
}

func countWrites(t *testing.T, substr string) int {
	n := 0
	for _, e := range loadReplay(t) {
		if strings.Contains(e.Path, substr) {
			n++
		}
	}
	return n
}

func cardType(key string) string {
	ref, ok := parseCardKey(key)
	if !ok {
		return ""
	}
	typ, _, _ := strings.Cut(ref.stem, "-")
	return typ
}

func TestApplyTagsAndRemovals(t *testing.T) {
	root := copyFixture(t, "default")
	ix := openIndex(t, root, Options{})
	ctx := context.Background()
	if err := ix.LoadAll(ctx); err != nil {
		t.Fatal(err)
	}
	runB := filepath.Join(root, defFlow, defRunB)
	self := filepath.Join(runB, "_meta", "_self.json")
	b, _ := os.ReadFile(self)
	writeAtomic(t, self, bytes.Replace(b, []byte(`"tags": []`), []byte(`"tags": ["best"]`), 1))
	res := ix.Apply([]string{self})
	if k := kinds(res.Changes); k != "run_changed " {
		t.Fatalf("tag change: %s", k)
	}
	runs, _ := ix.Runs(defFlow)
	for _, r := range runs {
		if r.ID == defRunB && !slices.Equal(r.Tags, []string{"best"}) {
			t.Errorf("tags = %v", r.Tags)
		}
	}

	// The run is opened (read in detail) before its files go away.
	if _, err := ix.Run(ctx, defFlow, defRunB); err != nil {
		t.Fatal(err)
	}
	card := glob1(t, filepath.Join(root, "mf.cards", defFlow, "runs", defRunB, "steps", "join", "tasks", "4", "cards", "default_json-*"))
	os.Remove(card)
	res = ix.Apply([]string{card})
	if k := kinds(res.Changes); k != "card_removed " {
		t.Errorf("card removal: %s", k)
	}
	os.RemoveAll(filepath.Join(runB, "branch_b", "3"))
	res = ix.Apply([]string{filepath.Join(runB, "branch_b", "3")})
	if k := kinds(res.Changes); !strings.HasPrefix(k, "task_removed") {
		t.Errorf("task removal: %s", k)
	}
	os.RemoveAll(runB)
	res = ix.Apply([]string{runB})
	if k := kinds(res.Changes); k != "run_removed " {
		t.Errorf("run removal: %s", k)
	}
	if f := ix.Flows(); f[0].Runs != 1 {
		t.Errorf("runs after removal = %d", f[0].Runs)
	}
	os.RemoveAll(filepath.Join(root, defFlow))
	res = ix.Apply([]string{filepath.Join(root, defFlow)})
	if k := kinds(res.Changes); k != "flow_removed " || len(ix.Flows()) != 0 {
		t.Errorf("flow removal: %s", k)
	}
}

// TestLegacyLayout moves cards to the pre-2.7.10 layout (runs/<run>/tasks/
// <task>/cards) and checks they are found there, and that dual-written
// copies (2.7.10-2.15.17) are shown once.
func TestLegacyLayout(t *testing.T) {
	t.Run("legacy only", func(t *testing.T) {
		root := copyFixture(t, "foreach")
		ix0 := openIndex(t, root, Options{})
		d0, _ := ix0.Run(context.Background(), "ForeachFlow", "1795642634789065")
		base := filepath.Join(root, "mf.cards", "ForeachFlow", "runs", "1795642634789065")
		steps, _ := filepath.Glob(filepath.Join(base, "steps", "*", "tasks", "*"))
		for _, td := range steps {
			dst := filepath.Join(base, "tasks", filepath.Base(td), "cards")
			os.MkdirAll(filepath.Dir(dst), 0o755)
			if err := os.Rename(filepath.Join(td, "cards"), dst); err != nil {
				t.Fatal(err)
			}
		}
		os.RemoveAll(filepath.Join(base, "steps"))
		ix := openIndex(t, root, Options{})
		d, _ := ix.Run(context.Background(), "ForeachFlow", "1795642634789065")
		n0, n := 0, 0
		for i := range d.Steps {
			for j := range d.Steps[i].Tasks {
				n0 += len(d0.Steps[i].Tasks[j].Cards)
				for _, c := range d.Steps[i].Tasks[j].Cards {
					n++
					if !c.Legacy || c.Data != nil || !c.Final {
						t.Errorf("legacy card %s: legacy=%v data=%v final=%v", c.Name(), c.Legacy, c.Data, c.Final)
					}
				}
			}
		}
		if n != n0 || n != 21 {
			t.Errorf("legacy cards = %d, want %d", n, n0)
		}
	})
	t.Run("dual write", func(t *testing.T) {
		root := copyFixture(t, "older-2.11.0/retry")
		legacy, _ := filepath.Glob(filepath.Join(root, "mf.cards", "RetryFlow", "runs", "*", "tasks", "2", "cards", "*.html"))
		if len(legacy) != 2 {
			t.Fatalf("fixture has %d legacy copies, want 2", len(legacy))
		}
		ix := openIndex(t, root, Options{})
		tk := taskOf(t, ix, "RetryFlow", "1795644082221861", "flaky", "2")
		if len(tk.Cards) != 2 || tk.Cards[0].Legacy || tk.Cards[1].Legacy {
			t.Fatalf("cards = %+v", tk.Cards)
		}
		// A write to the legacy copy is a duplicate: no change.
		b, _ := os.ReadFile(legacy[0])
		writeAtomic(t, legacy[0], b)
		if res := ix.Apply([]string{legacy[0]}); len(res.Changes) != 0 {
			t.Errorf("legacy duplicate write: %s", kinds(res.Changes))
		}
	})
}

// TestResumedRun makes a resumed run by hand as docs/format.md §6 describes it: a
// new run whose tasks before the failure are clones (origin-run-id,
// origin-task-id, DONE, no cards) and whose cards are the origin's.
func TestResumedRun(t *testing.T) {
	root := copyFixture(t, "default")
	const newRun = "1795642699999999"
	src := filepath.Join(root, defFlow, defRunA)
	dst := filepath.Join(root, defFlow, newRun)
	copyTree(t, src, dst)
	for _, step := range []string{"start/1", "branch_a/2"} {
		meta := filepath.Join(dst, step, "_meta")
		ok, _ := filepath.Glob(filepath.Join(meta, "sysmeta_attempt_ok_*"))
		for _, f := range ok {
			os.Remove(f) // clones made before 2.11.16 have no attempt_ok
		}
		os.Remove(filepath.Join(dst, step, "0.runtime"))
		task := filepath.Base(step)
		writeAtomic(t, filepath.Join(meta, "sysmeta_origin-task-id_1795642700000.json"),
			[]byte(`{"field_name": "origin-task-id", "type": "origin-task-id", "value": "`+task+`", "tags": ["attempt_id:0"], "ts_epoch": 1795642700000}`))
		writeAtomic(t, filepath.Join(meta, "sysmeta_origin-run-id_1795642700001.json"),
			[]byte(`{"field_name": "origin-run-id", "type": "origin-run-id", "value": "`+defRunA+`", "tags": ["attempt_id:0"], "ts_epoch": 1795642700001}`))
	}
	ix := openIndex(t, root, Options{})
	tk := taskOf(t, ix, defFlow, newRun, "start", "1")
	if tk.Status != StatusSucceeded || tk.OriginRun != defRunA || tk.OriginTask != "1" {
		t.Fatalf("clone: status %s origin %s/%s", tk.Status, tk.OriginRun, tk.OriginTask)
	}
	if len(tk.Cards) != 1 || tk.Cards[0].Origin != defFlow+"/"+defRunA+"/start/1" || tk.Cards[0].Run != defRunA {
		t.Fatalf("clone cards = %+v", tk.Cards)
	}
	c, err := ix.Card(context.Background(), tk.Cards[0].Key)
	if err != nil || !c.Final {
		t.Errorf("origin card lookup: %v %+v", err, c)
	}
}

// TestStaleRun checks the documented rule: a run that looks running but
// has been quiet for StaleAfter is unknown; activity makes it running.
func TestStaleRun(t *testing.T) {
	root := copyFixture(t, "live_midrun")
	clock := &fakeClock{}
	ix := openIndex(t, root, Options{Now: clock.Now, StaleAfter: 30 * time.Minute})
	r := runOf(t, ix, liveFlow, liveRun)
	if r.Status != StatusRunning || !ix.RunLive(liveFlow, liveRun) {
		t.Fatalf("status = %s", r.Status)
	}
	if ch := ix.Tick(); len(ch) != 0 {
		t.Errorf("tick before quiet period: %s", kinds(ch))
	}
	clock.Advance(int64(31 * time.Minute))
	ch := ix.Tick()
	if len(ch) != 1 || ch[0].Status != StatusUnknown || ch[0].OldStatus != StatusRunning {
		t.Fatalf("tick after quiet period: %+v", ch)
	}
	if tk := taskOf(t, ix, liveFlow, liveRun, "train", "2"); tk.Status != StatusUnknown {
		t.Errorf("task of a stale run = %s", tk.Status)
	}
	data := glob1(t, filepath.Join(root, "mf.cards", liveFlow, "runs", liveRun, "steps", "train", "tasks", "2", "runtime", "blank-*"))
	b, _ := os.ReadFile(data)
	writeAtomic(t, data, bytes.Replace(b, []byte(`"created_on": `), []byte(`"created_on": 1`), 1))
	res := ix.Apply([]string{data})
	if k := kinds(res.Changes); !strings.Contains(k, "run_changed") {
		t.Errorf("activity on a stale run: %s", k)
	}
	if r := runOf(t, ix, liveFlow, liveRun); r.Status != StatusRunning {
		t.Errorf("after activity: %s", r.Status)
	}
}

// Found by the watcher's tests: a root rescan re-lists known flows; flow
// and step metadata that were unreadable are read again.
func TestRescanAndMetadataRepair(t *testing.T) {
	root := copyFixture(t, "live")
	flowDir := filepath.Join(root, liveFlow)
	flowMeta := filepath.Join(flowDir, "_meta", "_self.json")
	good, _ := os.ReadFile(flowMeta)
	os.WriteFile(flowMeta, nil, 0o644)
	stepMeta := filepath.Join(flowDir, liveRun, "train", "_meta", "_self.json")
	stepGood, _ := os.ReadFile(stepMeta)
	os.WriteFile(stepMeta, []byte("{"), 0o644)
	ix := openIndex(t, root, Options{})
	ctx := context.Background()
	if err := ix.LoadAll(ctx); err != nil {
		t.Fatal(err)
	}
	if f := ix.Flows(); f[0].Err == "" {
		t.Fatal("empty flow metadata not reported")
	}
	if d, _ := ix.Run(ctx, liveFlow, liveRun); d.Steps[1].Err == "" {
		t.Fatal("broken step metadata not reported")
	}
	writeAtomic(t, flowMeta, good)
	writeAtomic(t, stepMeta, stepGood)
	ix.Apply([]string{flowMeta, stepMeta})
	if f := ix.Flows(); f[0].Err != "" {
		t.Errorf("flow error after repair: %s", f[0].Err)
	}
	if d, _ := ix.Run(ctx, liveFlow, liveRun); d.Steps[1].Err != "" {
		t.Errorf("step error after repair: %s", d.Steps[1].Err)
	}
	// Move the run to a new id behind the index's back: a root rescan
	// must see one run go and another come.
	const moved = "1795642679591112"
	if err := os.Rename(filepath.Join(flowDir, liveRun), filepath.Join(flowDir, moved)); err != nil {
		t.Fatal(err)
	}
	res := ix.Rescan()
	k := kinds(res.Changes)
	if !strings.Contains(k, "run_removed") || !strings.Contains(k, "run_added") {
		t.Errorf("rescan after a move: %s", k)
	}
	fresh, _ := openIndex(t, root, Options{}).Dump(ctx)
	got, _ := ix.Dump(ctx)
	if !bytes.Equal(got, fresh) {
		t.Errorf("rescanned index differs from a fresh one:\n%s", firstDiff(got, fresh))
	}
}
