package mfsim

import (
	"path"
	"strings"
	"sync"
	"testing"
)

// recorder collects OnWrite paths in order.
type recorder struct {
	mu    sync.Mutex
	paths []string
}

func (r *recorder) add(rel string) {
	r.mu.Lock()
	r.paths = append(r.paths, rel)
	r.mu.Unlock()
}

// first returns the index of the first write whose path satisfies f, or -1.
func (r *recorder) first(f func(string) bool) int {
	for i, p := range r.paths {
		if f(p) {
			return i
		}
	}
	return -1
}

func (r *recorder) last(f func(string) bool) int {
	for i := len(r.paths) - 1; i >= 0; i-- {
		if f(r.paths[i]) {
			return i
		}
	}
	return -1
}

func (r *recorder) count(f func(string) bool) int {
	n := 0
	for _, p := range r.paths {
		if f(p) {
			n++
		}
	}
	return n
}

func has(parts ...string) func(string) bool {
	return func(p string) bool {
		for _, s := range parts {
			if !strings.Contains(p, s) {
				return false
			}
		}
		return true
	}
}

// TestLiveWriteSequence checks the order of docs/format.md §14 on the live
// scenario: attempt, task_begin, sysmeta; runtime HTML then card-info;
// the first data JSON only at the second refresh; a re-render with a new
// token before the data that uses it; DONE before every final HTML; each
// card's final HTML then its final data; .runtime and logs last.
func TestLiveWriteSequence(t *testing.T) {
	rec := &recorder{}
	root := t.TempDir()
	if _, err := WriteLiveCard(root, -1, Options{OnWrite: rec.add}); err != nil {
		t.Fatal(err)
	}
	train := "/train/2/"
	tcard := "/steps/train/tasks/2/"
	ix := func(f func(string) bool, what string) int {
		i := rec.first(f)
		if i < 0 {
			t.Fatalf("no write of %s", what)
		}
		return i
	}
	before := func(a, b int, what string) {
		t.Helper()
		if a >= b {
			t.Errorf("%s: write %d (%s) is not before write %d (%s)", what, a, rec.paths[a], b, rec.paths[b])
		}
	}
	attempt := ix(has(train, "0.attempt.json"), "attempt.json")
	begin := ix(has(train, "0.task_begin"), "task_begin")
	dsRoot := ix(has(train, "sysmeta_ds-root"), "ds-root sysmeta")
	before(attempt, begin, "attempt.json before task_begin")
	before(begin, dsRoot, "task_begin before attempt sysmeta")

	blankHTML := ix(has(tcard, "cards/blank-live-"), "blank HTML")
	blankName := strings.TrimSuffix(path.Base(rec.paths[blankHTML]), ".html")
	uuid := blankName[len(blankName)-32:]
	info := ix(has(train, "sysmeta_"+uuid), "card-info")
	before(blankHTML, info, "first HTML before card-info")
	firstData := ix(has(tcard, "runtime/blank-live-"), "blank data")
	before(blankHTML, firstData, "HTML before data")

	done := ix(has(train, "0.DONE.lock"), "DONE")
	for _, w := range []string{"0.data.json", "0.task_end", "sysmeta_attempt_ok", "_artifact__task_ok"} {
		before(ix(has(train, w), w), done, w+" before DONE")
	}
	finals := 0
	var lastFinal int
	for _, name := range []string{"blank-live-", "default-", "corpus_always-custom-"} {
		h := rec.last(has(tcard, "cards/"+name))
		d := rec.last(has(tcard, "runtime/"+name))
		before(done, h, name+" final HTML after DONE")
		before(h, d, name+" final HTML before final data")
		lastFinal = max(lastFinal, d)
		finals++
	}
	// Final renders go from the @card nearest the def upwards.
	before(rec.last(has(tcard, "cards/corpus_always")), rec.last(has(tcard, "cards/default-")), "custom card finalized first")
	before(rec.last(has(tcard, "cards/default-")), rec.last(has(tcard, "cards/blank-live-")), "blank card finalized last")
	rt := ix(has(train, "0.runtime"), ".runtime")
	before(lastFinal, rt, "final cards before .runtime")
	before(rt, ix(has(train, "0.runtime_stdout.log"), "stdout"), ".runtime before logs")

	// The blank card's HTML: first render, the mid-run re-render, final.
	if n := rec.count(has(tcard, "cards/blank-live-")); n != 3 {
		t.Errorf("blank HTML written %d times, want 3", n)
	}
	if n := rec.count(has(tcard, "runtime/blank-live-")); n < 15 || n > 25 {
		t.Errorf("blank data JSON written %d times, want about 21 (once a second)", n)
	}
}

// TestTokensDuringLiveTask replays the explicit API and reads the tokens
// back: the layout change gives the HTML a new token and the next data
// JSON carries it; value updates keep it.
func TestTokensDuringLiveTask(t *testing.T) {
	root := t.TempDir()
	d := New(root, Options{})
	r, err := d.Flow("TokenFlow").NewRun(RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	task, err := r.Step("start").NewTask(TaskOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := task.Begin(); err != nil {
		t.Fatal(err)
	}
	c := task.Card(CardSpec{Type: "blank", ID: "live"})
	c.Append(ProgressBar("p", 10, 0))
	if err := c.RenderRuntime(); err != nil {
		t.Fatal(err)
	}
	tok1 := c.Token()
	if !strings.HasPrefix(tok1, "runtime-") {
		t.Fatalf("runtime token %q", tok1)
	}
	if err := c.Update(ProgressBar("p", 10, 3)); err != nil {
		t.Fatal(err)
	}
	if got := dataToken(t, root, c); got != tok1 {
		t.Errorf("data token %q, want the HTML's %q", got, tok1)
	}
	if err := c.AddComponent(Markdown("m", "# more")); err != nil {
		t.Fatal(err)
	}
	tok2 := c.Token()
	if tok2 == tok1 || dataToken(t, root, c) != tok2 {
		t.Errorf("after a layout change: HTML %q (was %q), data %q", tok2, tok1, dataToken(t, root, c))
	}
	if err := task.Finish(true); err != nil {
		t.Fatal(err)
	}
	// A refresh after DONE already says final, while the HTML is runtime.
	if err := c.WriteData(); err != nil {
		t.Fatal(err)
	}
	if got := dataToken(t, root, c); got != "final" || c.Token() != tok2 {
		t.Errorf("after DONE: data %q HTML %q", got, c.Token())
	}
	if err := task.FinalizeCards(); err != nil {
		t.Fatal(err)
	}
	if c.Token() != "final" {
		t.Errorf("final HTML token %q", c.Token())
	}
}

func dataToken(t *testing.T, root string, c *Card) string {
	t.Helper()
	o := readJSONObj(t, path.Join(root, c.DataPath()))
	v, _ := o.Get("reload_token")
	return v.(string)
}
