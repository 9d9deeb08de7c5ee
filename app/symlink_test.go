package app

import (
	"bytes"
	"flowdeck/wire"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"flowdeck/datastore"
	"flowdeck/internal/fixture"
)

const outsideSecret = "OUTSIDE-DATASTORE-SECRET"

// plantLinks makes symbolic links at every level below a copy of the
// hostile fixture, each to a folder or file outside the datastore that
// holds outsideSecret: the card and runtime folders of end/2, a
// card file, a flow, a run, a step, a task, a task's _meta, a metadata
// file and a log. It returns the card key the planted card folder would
// give.
func plantLinks(t *testing.T, root string) string {
	t.Helper()
	out := t.TempDir()
	run := filepath.Join(root, "HostileFlow", hostileRun)
	cardsRun := filepath.Join(root, "mf.cards", "HostileFlow", "runs", hostileRun)
	stem := "blank-stolen-0123456789abcdef0123456789abcdef"
	write := func(p, s string) {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, at string) {
		if err := os.MkdirAll(filepath.Dir(at), 0o755); err != nil {
			t.Fatal(err)
		}
		os.RemoveAll(at)
		if err := os.Symlink(target, at); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(out, "cards", stem+".html"), "<html><body>"+outsideSecret+"-CARD</body></html>")
	write(filepath.Join(out, "runtime", stem+".data.json"), `{"reload_token":"x","data":{"s":"`+outsideSecret+`-DATA"}}`)
	write(filepath.Join(out, "secret.log"), outsideSecret+"-LOG\n")
	write(filepath.Join(out, "secret.json"), `{"value":"`+outsideSecret+`-META"}`)
	// A whole flow, run, step and task outside, copied from the fixture
	// with the secret in their logs.
	fixture.CopyTree(t, fixture.Path(t, "hostile", ".metaflow", "HostileFlow"), filepath.Join(out, "flow"))
	for _, p := range []string{"flow/" + hostileRun + "/end/2/0.runtime_stdout.log", "flow/" + hostileRun + "/start/1/0.runtime_stdout.log"} {
		write(filepath.Join(out, p), outsideSecret+"-TASKLOG\n")
	}
	outRun := filepath.Join(out, "flow", hostileRun)

	// The attack: end/2's card and runtime folders.
	link(filepath.Join(out, "cards"), filepath.Join(cardsRun, "steps", "end", "tasks", "2", "cards"))
	link(filepath.Join(out, "runtime"), filepath.Join(cardsRun, "steps", "end", "tasks", "2", "runtime"))
	// A card file next to real ones.
	link(filepath.Join(out, "cards", stem+".html"), filepath.Join(cardsRun, "steps", "start", "tasks", "1", "cards", stem+".html"))
	// Flow, run, step and task folders.
	link(filepath.Join(out, "flow"), filepath.Join(root, "StolenFlow"))
	link(outRun, filepath.Join(root, "HostileFlow", "1795642761955765"))
	link(filepath.Join(outRun, "end"), filepath.Join(run, "middle"))
	link(filepath.Join(outRun, "end", "2"), filepath.Join(run, "end", "3"))
	// A task's _meta and a metadata file, a log of start/1.
	link(filepath.Join(out, "secret.json"), filepath.Join(run, "end", "2", "_meta", "0_artifact_stolen.json"))
	link(filepath.Join(out, "secret.log"), filepath.Join(run, "start", "1", "0.runtime_stdout.log"))
	link(filepath.Join(outRun, "end", "2", "_meta"), filepath.Join(run, "start", "1", "_meta"))
	// Cards of the whole run of another flow, through mf.cards.
	link(filepath.Join(out, "cards"), filepath.Join(root, "mf.cards", "StolenFlow"))
	return datastore.CardKey("HostileFlow", hostileRun, "end", "2", stem)
}

// Issue 12, point 3: nothing outside the datastore is served through a link
// planted inside it, at any level; each link is named in a clear error and
// the rest of the run stays readable.
func TestSymlinksInsideDatastore(t *testing.T) {
	root := copyFixture(t, "hostile")
	stolenKey := plantLinks(t, root)
	a := New(Options{Shell: "serve", Assets: testAssets})
	if _, err := a.Open(root); err != nil {
		t.Fatal(err)
	}
	<-a.Loaded()
	s := newTestServerFor(t, a)

	var bodies [][]byte
	get := func(path string) (int, []byte) {
		code, b := s.get(t, path)
		bodies = append(bodies, b)
		return code, b
	}
	for _, p := range []string{"/api/flows", "/api/flows/HostileFlow/runs", "/api/flows/StolenFlow/runs",
		"/api/runs/HostileFlow/" + hostileRun, "/api/runs/HostileFlow/1795642761955765",
		"/api/runs/HostileFlow/" + hostileRun + "/steps/middle", "/api/runs/HostileFlow/" + hostileRun + "/steps/end",
		"/api/tasks/HostileFlow/" + hostileRun + "/end/3", "/api/tasks/HostileFlow/" + hostileRun + "/middle/2",
		"/api/tasks/HostileFlow/" + hostileRun + "/end/2/logs/stdout",
		"/card/" + stolenKey, "/api/cards/" + stolenKey, "/api/cards/" + stolenKey + "/data"} {
		get(p)
	}
	// The run and its real tasks read as before.
	code, b := get("/api/runs/HostileFlow/" + hostileRun)
	if code != 200 || !bytes.Contains(b, []byte(`"end"`)) || !bytes.Contains(b, []byte(`"start"`)) {
		t.Fatalf("run: %d %s", code, b)
	}
	if code, b := get("/card/" + hostileKey); code != 200 || !bytes.Contains(b, []byte("hostile")) {
		t.Errorf("start/1's own card: %d", code)
	}
	// end/2 says its card folder is a link.
	code, b = get("/api/tasks/HostileFlow/" + hostileRun + "/end/2")
	if code != 200 || !bytes.Contains(b, []byte("is a symbolic link; Flowdeck does not follow links inside a datastore")) ||
		!bytes.Contains(b, []byte(filepath.Join("tasks", "2", "cards"))) {
		t.Errorf("end/2: %d %s", code, b)
	}
	// start/1's log is a link: its log says so, the task still reads.
	code, b = get("/api/tasks/HostileFlow/" + hostileRun + "/start/1/logs/stdout")
	if code != 422 || !bytes.Contains(b, []byte("0.runtime_stdout.log is a symbolic link")) {
		t.Errorf("start/1 stdout: %d %s", code, b)
	}
	if code, b := get("/api/tasks/HostileFlow/" + hostileRun + "/start/1"); code != 200 ||
		!bytes.Contains(b, []byte(filepath.Join("1", "_meta")+" is a symbolic link")) {
		t.Errorf("start/1: %d %s", code, b)
	}
	var flows []wire.Flow
	s.getJSON(t, "/api/flows", &flows)
	for _, f := range flows {
		if f.Name == "StolenFlow" && f.Runs > 0 {
			t.Errorf("a linked flow lists runs: %+v", f)
		}
	}
	for i, b := range bodies {
		if bytes.Contains(b, []byte(outsideSecret)) {
			t.Errorf("response %d serves a file outside the datastore: %.300s", i, b)
		}
	}
}

// A link AT the root is the user's choice and is followed.
func TestSymlinkedRootAllowed(t *testing.T) {
	root := copyFixture(t, "hostile")
	ln := filepath.Join(t.TempDir(), "linked")
	if err := os.Symlink(filepath.Dir(root), ln); err != nil {
		t.Fatal(err)
	}
	a := New(Options{Shell: "serve", Assets: testAssets})
	if _, err := a.Open(filepath.Join(ln, ".metaflow")); err != nil {
		t.Fatal(err)
	}
	<-a.Loaded()
	s := newTestServerFor(t, a)
	if code, b := s.get(t, "/card/"+hostileKey); code != 200 || !strings.Contains(string(b), "hostile") {
		t.Errorf("card through a linked root: %d", code)
	}
}
