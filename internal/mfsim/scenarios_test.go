package mfsim

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sysmetaByField reads a task's sysmeta records, grouped by field name.
func sysmetaByField(t *testing.T, metaDir string) map[string][]Obj {
	t.Helper()
	out := map[string][]Obj{}
	entries, err := os.ReadDir(metaDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "sysmeta_") {
			continue
		}
		o := readJSONObj(t, filepath.Join(metaDir, e.Name()))
		f, _ := o.Get("field_name")
		out[f.(string)] = append(out[f.(string)], o)
	}
	return out
}

func str(o Obj, k string) string {
	v, _ := o.Get(k)
	s, _ := v.(string)
	return s
}

func exists(root string, rel ...string) bool {
	_, err := os.Stat(filepath.Join(append([]string{root}, rel...)...))
	return err == nil
}

func TestFailingScenario(t *testing.T) {
	root := t.TempDir()
	r, err := WriteFailing(root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	task := filepath.Join(root, "FailingFlow", r.ID(), "work", "2")
	meta := sysmetaByField(t, filepath.Join(task, "_meta"))
	if ok := meta["attempt_ok"]; len(ok) != 1 || str(ok[0], "value") != "False" {
		t.Errorf("attempt_ok %v", ok)
	}
	rt, _ := os.ReadFile(filepath.Join(task, "0.runtime"))
	if string(rt) != `{"return_code": 1, "killed": false, "success": false}` {
		t.Errorf(".runtime %s", rt)
	}
	if !exists(task, "0.DONE.lock") || exists(root, "FailingFlow", r.ID(), "end") {
		t.Error("want DONE and no end step")
	}
	cards := filepath.Join(root, "mf.cards", "FailingFlow", "runs", r.ID(), "steps", "work", "tasks", "2")
	files := walkFiles(t, cards)
	if len(files) != 2 || !strings.HasPrefix(files[0], "cards/blank-live-") {
		t.Fatalf("card files %v: want only the live blank card and its data", files)
	}
	b, _ := os.ReadFile(filepath.Join(cards, files[0]))
	tok, _, _, _ := cardParts(t, b)
	if !strings.HasPrefix(tok, "runtime-") || bytes.Contains(b, []byte("metaflow_card_update = undefined")) {
		t.Errorf("failed task's card: token %q, or updates disabled", tok)
	}
	if len(meta) == 0 || len(filterCardInfo(meta)) != 1 {
		t.Errorf("want one card-info record, got %d", len(filterCardInfo(meta)))
	}
	log, _ := os.ReadFile(filepath.Join(task, "0.runtime_stderr.log"))
	if !bytes.Contains(log, []byte("deliberate failure")) || !bytes.HasPrefix(log, []byte("[MFLOG|0|")) {
		t.Errorf("stderr log %.200s", log)
	}
}

func filterCardInfo(meta map[string][]Obj) []Obj {
	var out []Obj
	for _, recs := range meta {
		for _, o := range recs {
			if str(o, "type") == "card-info" {
				out = append(out, o)
			}
		}
	}
	return out
}

// TestRetryCardInfo: each attempt's card is linked to its attempt only by
// the card-info record's attempt_id tag.
func TestRetryCardInfo(t *testing.T) {
	root := t.TempDir()
	r, err := WriteRetry(root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	task := filepath.Join(root, "RetryFlow", r.ID(), "flaky", "2")
	meta := sysmetaByField(t, filepath.Join(task, "_meta"))
	byAttempt := map[string]string{}
	for _, o := range filterCardInfo(meta) {
		tags, _ := o.Get("tags")
		byAttempt[tags.([]any)[0].(string)] = str(o, "field_name")
		info := str(o, "value")
		if !strings.HasPrefix(info, `{"card_uuid": "`+str(o, "field_name")+`", "rank": null, "type": "blank"`) {
			t.Errorf("card-info value %s", info)
		}
	}
	cards := filepath.Join(root, "mf.cards", "RetryFlow", "runs", r.ID(), "steps", "flaky", "tasks", "2", "cards")
	for attempt, wantTok := range map[string]string{"attempt_id:0": "runtime", "attempt_id:1": "final"} {
		uuid := byAttempt[attempt]
		b, err := os.ReadFile(filepath.Join(cards, "blank-"+uuid+".html"))
		if err != nil {
			t.Fatalf("%s: %v", attempt, err)
		}
		if tok, _, _, _ := cardParts(t, b); tokenKind(tok) != wantTok {
			t.Errorf("%s card token %q", attempt, tok)
		}
	}
	oks := meta["attempt_ok"]
	if len(oks) != 2 {
		t.Fatalf("attempt_ok records %d", len(oks))
	}
	for _, name := range []string{"1.attempt.json", "1.task_begin", "1.DONE.lock", "1.runtime", "0.runtime"} {
		if !exists(task, name) {
			t.Errorf("missing %s", name)
		}
	}
	begin, _ := os.ReadFile(filepath.Join(task, "1.task_begin"))
	if !bytes.HasSuffix(begin, []byte(`"retry_count": 1}`)) {
		t.Errorf("1.task_begin %s", begin)
	}
}

func TestResumeScenario(t *testing.T) {
	root := t.TempDir()
	origin, resumed, err := WriteResume(root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	latest, _ := os.ReadFile(filepath.Join(root, "ResumeFlow", "latest_run"))
	if string(latest) != origin.ID() {
		t.Errorf("latest_run %s, want the origin %s", latest, origin.ID())
	}
	if !exists(root, "ResumeFlow", resumed.ID(), "_parameters", "0", "_resume_done") {
		t.Error("no _resume_done")
	}
	for _, step := range []string{"start", "a"} {
		ids, _ := os.ReadDir(filepath.Join(root, "ResumeFlow", resumed.ID(), step))
		var task string
		for _, e := range ids {
			if e.Name() != "_meta" {
				task = e.Name()
			}
		}
		dir := filepath.Join(root, "ResumeFlow", resumed.ID(), step, task)
		meta := sysmetaByField(t, filepath.Join(dir, "_meta"))
		if o := meta["origin-run-id"]; len(o) != 1 || str(o[0], "value") != origin.ID() {
			t.Errorf("%s: origin-run-id %v", step, o)
		}
		if o := meta["origin-task-id"]; len(o) != 1 || str(o[0], "value") != task {
			t.Errorf("%s: origin-task-id %v", step, o)
		}
		for _, f := range []string{"0.runtime", "0.runtime_stdout.log", "0.task_begin"} {
			if exists(dir, f) {
				t.Errorf("clone %s has %s", step, f)
			}
		}
		if !exists(dir, "0.DONE.lock") || !exists(dir, "0.data.json") {
			t.Errorf("clone %s lacks DONE or data.json", step)
		}
		if exists(root, "mf.cards", "ResumeFlow", "runs", resumed.ID(), "steps", step) {
			t.Errorf("clone %s has cards", step)
		}
	}
	if !exists(root, "mf.cards", "ResumeFlow", "runs", resumed.ID(), "steps", "b") {
		t.Error("re-run step b has no card")
	}
	b := filepath.Join(root, "ResumeFlow", resumed.ID(), "b")
	entries, _ := os.ReadDir(b)
	for _, e := range entries {
		if e.Name() == "_meta" {
			continue
		}
		meta := sysmetaByField(t, filepath.Join(b, e.Name(), "_meta"))
		if o := meta["origin-run-id"]; len(o) != 1 || str(o[0], "value") != origin.ID() || meta["origin-task-id"] != nil {
			t.Errorf("re-run task: origin-run-id %v origin-task-id %v", o, meta["origin-task-id"])
		}
	}
}

func TestLegacyLayouts(t *testing.T) {
	t.Run("dual", func(t *testing.T) {
		root := t.TempDir()
		runs, err := WriteLegacy(root, false, Options{})
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Join(root, "mf.cards", "RetryFlow", "runs", runs[0].ID())
		steps := walkFiles(t, filepath.Join(base, "steps", "flaky", "tasks", "2", "cards"))
		legacy := walkFiles(t, filepath.Join(base, "tasks", "2", "cards"))
		if len(steps) != 2 || strings.Join(steps, ",") != strings.Join(legacy, ",") {
			t.Fatalf("steps %v legacy %v", steps, legacy)
		}
		for _, f := range steps {
			a, _ := os.ReadFile(filepath.Join(base, "steps", "flaky", "tasks", "2", "cards", f))
			b, _ := os.ReadFile(filepath.Join(base, "tasks", "2", "cards", f))
			if !bytes.Equal(a, b) {
				t.Errorf("%s: legacy copy differs", f)
			}
		}
		if exists(base, "tasks", "2", "runtime") {
			t.Error("legacy runtime folder written")
		}
		for _, rel := range walkFiles(t, root) {
			if strings.Contains(rel, "foreach-stack") || strings.Contains(rel, "script-name") || reUUID.MatchString(filepath.Base(rel)) && strings.Contains(rel, "/_meta/sysmeta_") {
				t.Errorf("2.12 datastore has %s", rel)
			}
		}
	})
	t.Run("legacy-only", func(t *testing.T) {
		root := t.TempDir()
		runs, err := WriteLegacy(root, true, Options{})
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Join(root, "mf.cards", "RetryFlow", "runs", runs[0].ID())
		if exists(base, "steps", "flaky", "tasks", "2", "cards") {
			t.Error("legacy-only wrote steps/ cards")
		}
		if n := len(walkFiles(t, filepath.Join(base, "tasks", "2", "cards"))); n != 2 {
			t.Errorf("legacy cards: %d", n)
		}
	})
	t.Run("2.11 has no created_on", func(t *testing.T) {
		root := t.TempDir()
		if _, err := WriteLegacy(root, false, Options{Version: V2_11}); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, rel := range walkFiles(t, root) {
			if strings.HasSuffix(rel, ".data.json") && strings.Contains(rel, "/runtime/") {
				o := readJSONObj(t, filepath.Join(root, rel))
				if keys(o) != "reload_token,data" {
					t.Errorf("%s keys %s", rel, keys(o))
				}
				n++
			}
		}
		if n == 0 {
			t.Error("no data JSON")
		}
	})
}

func TestForeachMetadata(t *testing.T) {
	root := t.TempDir()
	r, err := WriteForeach(root, 5, Options{})
	if err != nil {
		t.Fatal(err)
	}
	meta := sysmetaByField(t, filepath.Join(root, "ForeachFlow", r.ID(), "process", "5", "_meta"))
	stack := meta["foreach-stack"]
	if len(stack) != 1 {
		t.Fatalf("foreach-stack %v", stack)
	}
	if v, _ := stack[0].Get("value"); string(mustPyJSON(v)) != `["items=item_003"]` {
		t.Errorf("foreach-stack value %s", mustPyJSON(v))
	}
	if p := meta["foreach-execution-path"]; len(p) != 1 || str(p[0], "value") != "process:3" {
		t.Errorf("foreach-execution-path %v", p)
	}
}

// TestDeterministic: the same options give the same bytes.
func TestDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	if _, err := WriteRetry(a, Options{Seed: 7}); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteRetry(b, Options{Seed: 7}); err != nil {
		t.Fatal(err)
	}
	sameTree(t, a, b)
	c := t.TempDir()
	WriteRetry(c, Options{Seed: 8})
	if strings.Join(walkFiles(t, a), ",") == strings.Join(walkFiles(t, c), ",") {
		t.Error("another seed gave the same card uuids")
	}
}

// TestBundles: the stand-in defines metaflow_card_update; the padded card
// has the real size; the final render disables updates after the bundle.
func TestBundles(t *testing.T) {
	for _, bundle := range []Bundle{BundleStandIn, BundlePadded, BundleElided} {
		root := t.TempDir()
		r, err := WriteRetry(root, Options{Bundle: bundle})
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(root, "mf.cards", "RetryFlow", "runs", r.ID(), "steps", "flaky", "tasks", "2", "cards")
		for _, f := range walkFiles(t, dir) {
			b, _ := os.ReadFile(filepath.Join(dir, f))
			tok, id, key, js := cardParts(t, b)
			if id != key || !bytes.HasPrefix(js, []byte(`{"metadata": {"pathspec": "RetryFlow/`)) {
				t.Errorf("card %s: id %s key %s json %.60s", f, id, key, js)
			}
			switch bundle {
			case BundlePadded:
				if len(b) < RealBundleSize+28000 || len(b) > RealBundleSize+40000 {
					t.Errorf("padded card is %d bytes", len(b))
				}
			case BundleStandIn:
				if !bytes.Contains(b, []byte("window.metaflow_card_update = function")) {
					t.Error("stand-in lacks metaflow_card_update")
				}
			}
			final := bytes.Contains(b, []byte("<script>\n    window.metaflow_card_update = undefined;\n  </script>\n</body>"))
			if final != (tok == "final") {
				t.Errorf("token %s, updates disabled %v", tok, final)
			}
		}
	}
}
