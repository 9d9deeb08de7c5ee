package datastore

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// faultFS injects errors a root user cannot provoke with file modes.
type faultFS struct {
	FS
	mu         sync.Mutex
	readDirErr map[string]error
	openErr    map[string]error
}

func (f *faultFS) ReadDir(dir string) ([]fs.DirEntry, error) {
	f.mu.Lock()
	err := f.readDirErr[dir]
	f.mu.Unlock()
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: err}
	}
	return f.FS.ReadDir(dir)
}

func (f *faultFS) Open(name string) (File, error) {
	f.mu.Lock()
	err := f.openErr[name]
	f.mu.Unlock()
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return f.FS.Open(name)
}

func glob1(t *testing.T, pattern string) string {
	t.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil || len(m) == 0 {
		t.Fatalf("no match for %s", pattern)
	}
	return m[0]
}

func taskOf(t *testing.T, ix *Index, flow, run, step, task string) Task {
	t.Helper()
	tk, err := ix.Task(context.Background(), flow, run, step, task)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func runOf(t *testing.T, ix *Index, flow, run string) Run {
	t.Helper()
	d, err := ix.Run(context.Background(), flow, run)
	if err != nil {
		t.Fatal(err)
	}
	return d.Run
}

const (
	defFlow  = "DefaultCardFlow"
	defRunA  = "1795642620378112"
	defRunB  = "1795642625513910"
	liveFlow = "LiveCardFlow"
	liveRun  = "1795642679591111"
)

// TestBadMetadata corrupts each kind of metadata file in one run of
// fixtures/default and checks that the error lands on that item and the
// other run reads exactly as before.
func TestBadMetadata(t *testing.T) {
	clean := func() []byte {
		ix := openIndex(t, copyFixture(t, "default"), Options{})
		b, err := ix.Dump(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return runSection(t, b, defRunB)
	}()
	contents := map[string][]byte{
		"truncated": []byte(`{"flow_id": "DefaultCardFlow", "run_num`),
		"invalid":   []byte(`{not json at all]`),
		"empty":     {},
		"array":     []byte(`[1, 2, 3]`),
	}
	for kind, content := range contents {
		t.Run(kind, func(t *testing.T) {
			root := copyFixture(t, "default")
			runA := filepath.Join(root, defFlow, defRunA)
			files := []string{
				filepath.Join(runA, "_meta", "_self.json"),
				filepath.Join(runA, "start", "_meta", "_self.json"),
				glob1(t, filepath.Join(runA, "start", "1", "_meta", "sysmeta_attempt_ok_*")),
				filepath.Join(runA, "start", "1", "0.attempt.json"),
				filepath.Join(runA, "start", "1", "0.runtime"),
				filepath.Join(runA, "branch_a", "2", "0.data.json"),
				glob1(t, filepath.Join(runA, "join", "4", "_meta", "sysmeta_origin-run-id_*")),
				glob1(t, filepath.Join(root, "mf.cards", defFlow, "runs", defRunA, "steps", "start", "tasks", "1", "runtime", "*.data.json")),
			}
			for _, f := range files {
				if err := os.WriteFile(f, content, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			ix := openIndex(t, root, Options{})
			ctx := context.Background()
			b, err := ix.Dump(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := runSection(t, b, defRunB); string(got) != string(clean) {
				t.Errorf("the untouched run changed:\n%s", firstDiff(got, clean))
			}
			r := runOf(t, ix, defFlow, defRunA)
			if !strings.Contains(r.Err, "run metadata") {
				t.Errorf("run error = %q, want a run metadata error", r.Err)
			}
			// The run is still listed and its tasks read.
			if r.Counts.Total != 5 {
				t.Errorf("run counts = %+v", r.Counts)
			}
			d, _ := ix.Run(ctx, defFlow, defRunA)
			if len(d.Steps) != 5 || d.Steps[0].Name != "start" || !strings.Contains(d.Steps[0].Err, "step metadata") {
				t.Errorf("step error not reported, or the step lost its place: %s %q", d.Steps[0].Name, d.Steps[0].Err)
			}
			// attempt_ok unreadable: the outcome falls back to N.runtime,
			// which is broken too, so the task is unknown, not succeeded.
			start := taskOf(t, ix, defFlow, defRunA, "start", "1")
			if start.Status != StatusRunning && start.Status != StatusUnknown {
				t.Errorf("start/1 status = %s with broken attempt_ok and runtime", start.Status)
			}
			if len(start.Cards) != 1 {
				t.Fatalf("start/1 cards = %d", len(start.Cards))
			}
			if c := start.Cards[0]; c.Data == nil || c.Data.Err == "" && c.Data.Token != "" {
				t.Errorf("broken data JSON not reported: %+v", c.Data)
			}
			if _, err := ix.TaskArtifacts(ctx, defFlow, defRunA, "branch_a", "2", -1); err == nil {
				t.Error("broken artifact index gave no error")
			}
			join := taskOf(t, ix, defFlow, defRunA, "join", "4")
			if join.Status != StatusSucceeded {
				t.Errorf("join/4 = %s: a broken origin-run-id must not matter", join.Status)
			}
		})
	}
}

// runSection cuts one run's part out of a Dump.
func runSection(t *testing.T, dump []byte, run string) []byte {
	t.Helper()
	s := string(dump)
	i := strings.Index(s, `"id": "`+run+`"`)
	if i < 0 {
		t.Fatalf("run %s not in dump", run)
	}
	j := strings.Index(s[i+10:], `"id": "17`)
	if j < 0 {
		return []byte(s[i:])
	}
	return []byte(s[i : i+10+j])
}

// TestUnreadableAndVanishing injects permission errors and files that
// vanish between listing and reading.
func TestUnreadableAndVanishing(t *testing.T) {
	root := copyFixture(t, "default")
	runA := filepath.Join(root, defFlow, defRunA)
	ffs := &faultFS{FS: OSFS{},
		readDirErr: map[string]error{
			filepath.Join(root, defFlow, defRunB): syscall.EACCES,
			filepath.Join(runA, "branch_a", "2"):  syscall.EACCES,
		},
		openErr: map[string]error{
			filepath.Join(runA, "start", "1", "0.attempt.json"):                        syscall.ENOENT,
			glob1(t, filepath.Join(runA, "end", "5", "_meta", "sysmeta_attempt_ok_*")): syscall.ENOENT,
		},
	}
	ix := openIndex(t, root, Options{FS: ffs})
	ctx := context.Background()
	if err := ix.LoadAll(ctx); err != nil {
		t.Fatal(err)
	}
	rb := runOf(t, ix, defFlow, defRunB)
	if !strings.Contains(rb.Err, "cannot read run folder") || !strings.Contains(rb.Err, "permission denied") {
		t.Errorf("unreadable run: err = %q", rb.Err)
	}
	ta := taskOf(t, ix, defFlow, defRunA, "branch_a", "2")
	if ta.Status != StatusUnknown || !strings.Contains(ta.Err, "permission denied") {
		t.Errorf("unreadable task: %s %q", ta.Status, ta.Err)
	}
	start := taskOf(t, ix, defFlow, defRunA, "start", "1")
	if start.Status != StatusSucceeded || !start.Started.IsZero() {
		t.Errorf("vanished attempt.json: status %s started %v", start.Status, start.Started)
	}
	end := taskOf(t, ix, defFlow, defRunA, "end", "5")
	// attempt_ok vanished: N.runtime says success.
	if end.Status != StatusSucceeded {
		t.Errorf("vanished attempt_ok: end/5 = %s, want succeeded from 0.runtime", end.Status)
	}
	for _, step := range []string{"start", "branch_b", "join", "end"} {
		if _, err := ix.Task(ctx, defFlow, defRunA, step, map[string]string{"start": "1", "branch_b": "3", "join": "4", "end": "5"}[step]); err != nil {
			t.Errorf("%s: %v", step, err)
		}
	}
}

// TestStrayNamesAndLinks puts names that do not parse, temp files, a
// symlink loop and a symlink pointing out of the datastore into a run.
func TestStrayNamesAndLinks(t *testing.T) {
	root := copyFixture(t, "live")
	run := filepath.Join(root, liveFlow, liveRun)
	cardsDir := glob1(t, filepath.Join(root, "mf.cards", liveFlow, "runs", liveRun, "steps", "train", "tasks", "2", "cards"))
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink(".", filepath.Join(run, "loop")))
	must(os.Symlink(run, filepath.Join(run, "train", "99")))
	must(os.Symlink("/etc/passwd", filepath.Join(cardsDir, "blank-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.html")))
	must(os.Symlink(cardsDir, filepath.Join(cardsDir, "default-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.html")))
	for _, n := range []string{"garbage.html", "blank-notauuid.html", "tmpab12cd34", "Blank-X-Y-Z.html", "-.html", ".hidden.html"} {
		must(os.WriteFile(filepath.Join(cardsDir, n), []byte("<html></html>"), 0o644))
	}
	must(os.MkdirAll(filepath.Join(run, "train", "tmpq1w2e3r4"), 0o755))
	must(os.MkdirAll(filepath.Join(root, liveFlow, "not_a_run"), 0o755))
	must(os.WriteFile(filepath.Join(root, liveFlow, "stray.txt"), []byte("x"), 0o644))

	ix := openIndex(t, root, Options{})
	ctx := context.Background()
	d, err := ix.Run(ctx, liveFlow, liveRun)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, st := range d.Steps {
		names = append(names, st.Name)
		for _, tk := range st.Tasks {
			if tk.ID != "1" && tk.ID != "2" && tk.ID != "3" {
				t.Errorf("stray task %s/%s listed", st.Name, tk.ID)
			}
		}
	}
	if strings.Join(names, ",") != "start,train,end" {
		t.Errorf("steps = %v", names)
	}
	tk := taskOf(t, ix, liveFlow, liveRun, "train", "2")
	if len(tk.Cards) != 3 {
		var cs []string
		for _, c := range tk.Cards {
			cs = append(cs, c.Name())
		}
		t.Errorf("cards = %v, want the 3 real ones", cs)
	}
	runs, _ := ix.Runs(liveFlow)
	if len(runs) != 1 {
		t.Errorf("runs = %d, want 1", len(runs))
	}
}

// TestIncompleteCardFiles writes cards the way pre-2.19.20 Metaflow does
// (in place) and catches them empty or cut: the last good state is kept,
// the paths come back for a re-read, and only after GiveUpAfter is the card
// reported broken.
func TestIncompleteCardFiles(t *testing.T) {
	root := copyFixture(t, "live_midrun")
	clock := &fakeClock{}
	ix := openIndex(t, root, Options{Now: clock.Now})
	ctx := context.Background()
	tk := taskOf(t, ix, liveFlow, liveRun, "train", "2")
	var blank Card
	for _, c := range tk.Cards {
		if c.Type == "blank" {
			blank = c
		}
	}
	goodHTML, err := os.ReadFile(blank.HTML.Path)
	if err != nil {
		t.Fatal(err)
	}
	goodData, _ := os.ReadFile(blank.Data.Path)

	// Cut HTML and empty data JSON, written in place.
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(blank.HTML.Path, goodHTML[:len(goodHTML)/2], 0o644))
	must(os.WriteFile(blank.Data.Path, nil, 0o644))
	res := ix.Apply([]string{blank.HTML.Path, blank.Data.Path})
	if len(res.Changes) != 0 {
		t.Errorf("half-written files produced changes: %s", kinds(res.Changes))
	}
	if len(res.Retry) != 2 {
		t.Errorf("retry = %v, want both paths", res.Retry)
	}
	c, err := ix.Card(ctx, blank.Key)
	must(err)
	if c.Token != blank.Token || c.Data == nil || c.Data.Token != blank.Data.Token || c.Err != "" {
		t.Errorf("last good state not kept: %+v", c)
	}

	// Whole again: one HTML and one data change.
	newData := []byte(strings.Replace(string(goodData), `"created_on": `, `"created_on": 1`, 1))
	must(os.WriteFile(blank.HTML.Path, goodHTML, 0o644))
	must(os.WriteFile(blank.Data.Path, newData, 0o644))
	res = ix.Apply(res.Retry)
	if k := kinds(res.Changes); k != "card_html_changed card_data_changed " && k != "card_data_changed " {
		t.Errorf("after repair: %s", k)
	}
	if len(res.Retry) != 0 {
		t.Errorf("retry after repair = %v", res.Retry)
	}

	// Stays empty past GiveUpAfter: reported, not retried for ever.
	must(os.WriteFile(blank.Data.Path, nil, 0o644))
	res = ix.Apply([]string{blank.Data.Path})
	if len(res.Retry) != 1 {
		t.Fatalf("retry = %v", res.Retry)
	}
	clock.Advance(6e9)
	res = ix.Apply(res.Retry)
	if k := kinds(res.Changes); !strings.Contains(k, "card_error") {
		t.Errorf("stuck file: changes %s, want card_error", k)
	}
	if len(res.Retry) != 0 {
		t.Errorf("still retrying a stuck file: %v", res.Retry)
	}
	c, _ = ix.Card(ctx, blank.Key)
	if !strings.Contains(c.Err, "empty or cut off") {
		t.Errorf("card error = %q", c.Err)
	}
}

// A new card whose first write is caught cut is not shown until whole.
func TestNewCardShownOnlyWhole(t *testing.T) {
	root := copyFixture(t, "live_midrun")
	ix := openIndex(t, root, Options{})
	ctx := context.Background()
	if _, err := ix.Run(ctx, liveFlow, liveRun); err != nil {
		t.Fatal(err)
	}
	cardsDir := glob1(t, filepath.Join(root, "mf.cards", liveFlow, "runs", liveRun, "steps", "train", "tasks", "2", "cards"))
	src := glob1(t, filepath.Join(cardsDir, "blank-live-*.html"))
	html, _ := os.ReadFile(src)
	p := filepath.Join(cardsDir, "blank-second-0123456789abcdef0123456789abcdef.html")
	if err := os.WriteFile(p, html[:1000], 0o644); err != nil {
		t.Fatal(err)
	}
	res := ix.Apply([]string{p})
	if len(res.Changes) != 0 || len(res.Retry) != 1 {
		t.Fatalf("cut new card: changes %s retry %v", kinds(res.Changes), res.Retry)
	}
	if err := os.WriteFile(p, html, 0o644); err != nil {
		t.Fatal(err)
	}
	res = ix.Apply(res.Retry)
	if k := kinds(res.Changes); k != "card_added " {
		t.Errorf("whole new card: %s", k)
	}
	if res.Changes[0].Token == "" {
		t.Error("card_added without token")
	}
}

type fakeClock struct {
	mu sync.Mutex
	t  int64
}

func (c *fakeClock) Now() (t timeT) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.t == 0 {
		c.t = realNow().UnixNano()
	}
	return unixNano(c.t)
}

func (c *fakeClock) Advance(ns int64) {
	c.mu.Lock()
	c.t += ns
	c.mu.Unlock()
}

// TestHugeCard: a 200 MB card file (sparse) is listed and its token read
// from its head, but reads of the whole file are capped: the card says it
// is too large, and memory does not grow by the file's size.
func TestHugeCard(t *testing.T) {
	root := copyFixture(t, "live")
	cardsDir := glob1(t, filepath.Join(root, "mf.cards", liveFlow, "runs", liveRun, "steps", "train", "tasks", "2", "cards"))
	src := glob1(t, filepath.Join(cardsDir, "blank-live-*.html"))
	html, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(src, os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	const size = 200 << 20
	f.Write(html[:len(html)-20])
	tail := html[len(html)-20:]
	f.WriteAt(tail, size-int64(len(tail)))
	f.Close()

	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ix := openIndex(t, root, Options{})
	ctx := context.Background()
	tk := taskOf(t, ix, liveFlow, liveRun, "train", "2")
	var key string
	for _, c := range tk.Cards {
		if c.Type == "blank" {
			key = c.Key
			if c.HTML.Size != size || c.Token != "final" {
				t.Errorf("huge card listed with size %d token %q", c.HTML.Size, c.Token)
			}
		}
	}
	cc, err := ix.CardContent(ctx, key)
	if err != nil || !strings.Contains(cc.Err, "larger than Flowdeck reads") {
		t.Errorf("content: %v %q", err, cc.Err)
	}
	if _, _, err := ix.CardHTML(ctx, key); !errors.Is(err, ErrTooLarge) {
		t.Errorf("CardHTML: %v", err)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
		t.Errorf("reading a 200 MB card allocated %d MB", grew>>20)
	}
	// The other cards of the task are unaffected.
	for _, c := range tk.Cards {
		if c.Key != key {
			if cc, err := ix.CardContent(ctx, c.Key); err != nil || cc.Err != "" {
				t.Errorf("card %s: %v %q", c.Name(), err, cc.Err)
			}
		}
	}
}
