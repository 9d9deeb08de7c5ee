package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"flowdeck/datastore"
	"flowdeck/internal/mfsim"
	"flowdeck/watcher"
)

// realWatch wires the real watcher, as main.go does.
func realWatch(ctx context.Context, ix *datastore.Index, onState func()) (Watch, error) {
	w, err := watcher.New(ix, watcher.Options{OnState: func(watcher.State) { onState() }})
	if err != nil {
		return nil, err
	}
	if err := w.Start(ctx); err != nil {
		return nil, err
	}
	return testWatch{w}, nil
}

type testWatch struct{ *watcher.Watcher }

func (w testWatch) State() WatchState {
	s := w.Watcher.State()
	return WatchState{Mode: s.Mode, Watches: s.Watches, Err: s.Err}
}

// denyFS makes chosen folders unreadable, which modes cannot do for root.
type denyFS struct {
	datastore.FS
	mu   sync.Mutex
	deny map[string]bool
}

func (d *denyFS) denied(p string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for dir := range d.deny {
		if p == dir || strings.HasPrefix(p, dir+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

func (d *denyFS) ReadDir(dir string) ([]fs.DirEntry, error) {
	if d.denied(dir) {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: syscall.EACCES}
	}
	return d.FS.ReadDir(dir)
}

func (d *denyFS) Open(name string) (datastore.File, error) {
	if d.denied(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.EACCES}
	}
	return d.FS.Open(name)
}

func (d *denyFS) set(dir string, on bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if on {
		d.deny[dir] = true
	} else {
		delete(d.deny, dir)
	}
}

// TestReliability damages files while an mfsim run writes and while
// finished runs sit next to it: files are truncated, deleted, replaced by
// garbage and made unreadable. Every other item keeps being served, the
// broken ones say so, nothing answers 5xx except "being written" (503), and
// once everything is repaired the index equals a fresh read of the tree.
func TestReliability(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a live run for several seconds")
	}
	root := filepath.Join(t.TempDir(), ".metaflow")
	if _, err := mfsim.WriteForeach(root, 6, mfsim.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := mfsim.WriteRetry(root, mfsim.Options{}); err != nil {
		t.Fatal(err)
	}
	dfs := &denyFS{FS: datastore.OSFS{}, deny: map[string]bool{}}
	s := newTestServer(t, "", Options{Watch: realWatch, IndexOptions: datastore.Options{FS: dfs, GiveUpAfter: time.Second}})
	if _, err := s.app.Open(root); err != nil {
		t.Fatal(err)
	}
	<-s.app.Loaded()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	liveDone := make(chan error, 1)
	go func() {
		liveDone <- mfsim.Live(ctx, root, mfsim.LiveOptions{Flow: "LiveFlow", Interval: 40 * time.Millisecond, Epochs: 40, Width: 6, TaskUpdates: 15,
			Options: mfsim.Options{Clock: mfsim.RealClock()}})
	}()

	get := func(path string) (int, map[string]any) {
		code, body := s.get(t, path)
		var v map[string]any
		if len(body) > 0 && body[0] == '{' {
			json.Unmarshal(body, &v)
		}
		if code >= 500 && code != http.StatusServiceUnavailable {
			t.Errorf("GET %s: %d %s", path, code, body)
		}
		return code, v
	}
	list := func(path string) []map[string]any {
		code, body := s.get(t, path)
		if code != 200 {
			t.Fatalf("GET %s: %d %s", path, code, body)
		}
		var v []map[string]any
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		return v
	}
	runOf := func(flow string) string {
		runs := list("/api/flows/" + flow + "/runs")
		return runs[0]["id"].(string)
	}
	foreachRun, retryRun := runOf("ForeachFlow"), runOf("RetryFlow")
	cardsOf := func(flow, run, step, task string) []map[string]any {
		code, v := get("/api/tasks/" + flow + "/" + run + "/" + step + "/" + task)
		if code != 200 {
			t.Fatalf("task %s/%s: %d", step, task, code)
		}
		var out []map[string]any
		for _, c := range v["cards"].([]any) {
			out = append(out, c.(map[string]any))
		}
		return out
	}

	// Deterministic damage to finished runs: each broken item says so.
	fe := filepath.Join(root, "mf.cards", "ForeachFlow", "runs", foreachRun, "steps", "process", "tasks")
	htmls, _ := filepath.Glob(filepath.Join(fe, "*", "cards", "*.html"))
	datas, _ := filepath.Glob(filepath.Join(fe, "*", "runtime", "*.data.json"))
	if len(htmls) < 4 || len(datas) < 4 {
		t.Fatalf("foreach cards %d, data %d", len(htmls), len(datas))
	}
	var damages []*mfsim.Damage
	must := func(d *mfsim.Damage, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		damages = append(damages, d)
	}
	must(mfsim.Garble(htmls[0]))
	must(mfsim.Truncate(datas[1], 0))
	must(mfsim.Delete(htmls[2]))
	unreadable := filepath.Dir(filepath.Dir(filepath.Join(root, "ForeachFlow", foreachRun, "process", filepath.Base(filepath.Dir(filepath.Dir(htmls[3]))), "x", "y")))
	dfs.set(unreadable, true)
	must(mfsim.Garble(filepath.Join(root, "RetryFlow", retryRun, "_meta", "_self.json")))

	taskID := func(p string) string { return filepath.Base(filepath.Dir(filepath.Dir(p))) }
	waitFor(t, "damage reported", func() bool {
		code, v := get("/api/cards/" + cardKeyOf(t, cardsOf("ForeachFlow", foreachRun, "process", taskID(htmls[0])), htmls[0]))
		garbled := code == 200 && v["error"] != nil
		dcode, _ := get("/api/cards/" + cardKeyOf(t, cardsOf("ForeachFlow", foreachRun, "process", taskID(datas[1])), datas[1]) + "/data")
		deleted := len(cardsOf("ForeachFlow", foreachRun, "process", taskID(htmls[2]))) == 0
		_, rv := get("/api/runs/ForeachFlow/" + foreachRun)
		taskErr := false
		for _, st := range rv["steps"].([]any) {
			for _, tk := range st.(map[string]any)["tasks"].([]any) {
				tm := tk.(map[string]any)
				if tm["id"] == filepath.Base(unreadable) && tm["error"] != nil && strings.Contains(tm["error"].(string), "permission denied") {
					taskErr = true
				}
			}
		}
		runs := list("/api/flows/RetryFlow/runs")
		runErr := len(runs) == 1 && runs[0]["error"] != nil
		return garbled && (dcode == http.StatusServiceUnavailable || dcode == http.StatusUnprocessableEntity) && deleted && taskErr && runErr
	})

	// Random damage to the live run while it writes; every request keeps
	// answering, and the run list always lists every run once the live
	// run's flow has appeared.
	waitFor(t, "the live run's flow listed", func() bool { return len(list("/api/flows")) == 3 })
	rng := rand.New(rand.NewPCG(1, 2))
	var liveDamages []*mfsim.Damage
	var deniedDirs []string
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		files, _ := filepath.Glob(filepath.Join(root, "mf.cards", "LiveFlow", "runs", "*", "steps", "*", "tasks", "*", "*", "*"))
		metas, _ := filepath.Glob(filepath.Join(root, "LiveFlow", "*", "*", "*", "0.*"))
		files = append(files, metas...)
		if len(files) > 0 {
			f := files[rng.IntN(len(files))]
			var d *mfsim.Damage
			var err error
			switch rng.IntN(4) {
			case 0:
				d, err = mfsim.Truncate(f, 0)
			case 1:
				d, err = mfsim.Garble(f)
			case 2:
				d, err = mfsim.Delete(f)
			case 3:
				dfs.set(filepath.Dir(f), true)
				deniedDirs = append(deniedDirs, filepath.Dir(f))
				time.AfterFunc(150*time.Millisecond, func() { dfs.set(filepath.Dir(f), false) })
			}
			if err == nil && d != nil {
				liveDamages = append(liveDamages, d)
			}
		}
		for _, fl := range list("/api/flows") {
			runs := list("/api/flows/" + fl["name"].(string) + "/runs")
			for _, r := range runs {
				code, _ := get("/api/runs/" + fl["name"].(string) + "/" + r["id"].(string))
				if code != 200 {
					t.Errorf("run %v: %d", r["id"], code)
				}
			}
		}
		if n := len(list("/api/flows")); n != 3 {
			t.Errorf("flows listed: %d", n)
		}
		time.Sleep(60 * time.Millisecond)
	}
	// Repair: live files only if still damaged (the writer may have
	// replaced them since), finished runs' files always.
	for _, d := range liveDamages {
		restoreIfDamaged(t, d)
	}
	for _, d := range damages {
		if err := d.Restore(); err != nil {
			t.Fatal(err)
		}
	}
	dfs.set(unreadable, false)
	// A folder denied in the last 150 ms would otherwise become readable
	// only after the reloads below.
	for _, d := range deniedDirs {
		dfs.set(d, false)
	}
	if err := <-liveDone; err != nil {
		t.Fatalf("live writer: %v", err)
	}
	// Finished runs are not watched below their folder (they are immutable
	// to Metaflow): a run repaired by hand is read again with Reload, as a
	// user would press it. The live run may have finished between its
	// damage and its repair (the writer does not wait for this loop), so it
	// is reloaded too.
	liveRuns := list("/api/flows/LiveFlow/runs")
	if len(liveRuns) != 1 {
		t.Fatalf("LiveFlow runs: %d", len(liveRuns))
	}
	for _, run := range []string{"ForeachFlow/" + foreachRun, "LiveFlow/" + liveRuns[0]["id"].(string)} {
		req, _ := http.NewRequest("POST", s.URL+"/api/runs/"+run+"/reload", strings.NewReader("{}"))
		req.Header.Set("X-Flowdeck-Token", s.app.Secret())
		req.Header.Set("Origin", s.URL)
		if code, body := s.do(t, req); code != 200 {
			t.Fatalf("reload %s: %d %s", run, code, body)
		}
	}

	// Recovered: no errors left on the repaired items, and the whole index
	// equals a fresh read of the same tree.
	waitFor(t, "recovered", func() bool {
		code, v := get("/api/cards/" + cardKeyOf(t, cardsOf("ForeachFlow", foreachRun, "process", taskID(htmls[0])), htmls[0]))
		runs := list("/api/flows/RetryFlow/runs")
		n := len(cardsOf("ForeachFlow", foreachRun, "process", taskID(htmls[2])))
		ok := code == 200 && v["error"] == nil && runs[0]["error"] == nil && n == 1
		return ok
	})
	fresh, err := datastore.Open(context.Background(), s.app.session().loc, datastore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := fresh.Dump(context.Background())
	var got []byte
	deadline = time.Now().Add(30 * time.Second)
	for {
		got, _ = s.app.session().ix.Dump(context.Background())
		if bytes.Equal(got, want) {
			break
		}
		if time.Now().After(deadline) {
			if d := os.Getenv("FLOWDECK_TEST_DUMP"); d != "" {
				os.WriteFile(filepath.Join(d, "fresh.json"), want, 0o644)
				os.WriteFile(filepath.Join(d, "index.json"), got, 0o644)
			}
			t.Fatalf("index differs from a fresh read:\n%s", lineDiff(want, got))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// lineDiff shows the lines of want and got that differ (a few at most).
func lineDiff(want, got []byte) string {
	w := strings.Split(string(want), "\n")
	g := strings.Split(string(got), "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl && shown < 8 {
			fmt.Fprintf(&b, "line %d\n  fresh: %.400s\n  index: %.400s\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}

func restoreIfDamaged(t *testing.T, d *mfsim.Damage) {
	t.Helper()
	b, err := os.ReadFile(d.Path())
	if errors.Is(err, fs.ErrNotExist) || len(b) == 0 || !json.Valid(b) && !bytes.HasSuffix(bytes.TrimSpace(b), []byte("</html>")) && !bytes.Contains(b, []byte("MFLOG")) {
		if err := d.Restore(); err != nil {
			t.Fatal(err)
		}
	}
}

func cardKeyOf(t *testing.T, cards []map[string]any, file string) string {
	t.Helper()
	base := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(file), ".html"), ".data.json")
	for _, c := range cards {
		if strings.HasSuffix(base, c["uuid"].(string)) {
			return c["key"].(string)
		}
	}
	t.Fatalf("no card for %s in %v", file, cards)
	return ""
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for: %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
