package watcher

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
)

// sim writes Metaflow-shaped runs for tests (internal/mfsim did not exist
// when these tests were written): the files the index reads, with the
// shapes of docs/format.md §4-5 and §8, written atomically like Metaflow 2.19.20+
// (or directly, when setting up a tree before watching).
type sim struct {
	t           testing.TB
	root, cards string
	flow, run   string
	ts          atomic.Int64 // ms, advanced on every metadata write
	direct      bool         // plain writes, for building trees nobody watches yet
	steps       sync.Map     // steps whose metadata is written
}

func newSim(t testing.TB, root, flow, run string) *sim {
	s := &sim{t: t, root: root, cards: filepath.Join(root, "mf.cards"), flow: flow, run: run}
	s.ts.Store(1795642679000)
	return s
}

// write may run on the writer's goroutines: it reports errors with Errorf,
// not Fatal.
func (s *sim) write(p string, b []byte) {
	var err error
	if s.direct {
		if err = os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
			err = os.WriteFile(p, b, 0o600)
		}
	} else {
		err = atomicWrite(p, b)
	}
	if err != nil {
		s.t.Errorf("sim: write %s: %v", p, err)
	}
}

// tick is safe for concurrent use: foreach tasks write in parallel.
func (s *sim) tick() int64 { return s.ts.Add(1) }

func (s *sim) runDir() string { return filepath.Join(s.root, s.flow, s.run) }

func (s *sim) taskDir(step, task string) string { return filepath.Join(s.runDir(), step, task) }

func (s *sim) cardDir(step, task, kind string) string {
	return filepath.Join(s.cards, s.flow, "runs", s.run, "steps", step, "tasks", task, kind)
}

// begin writes the flow and run metadata.
func (s *sim) begin() {
	s.write(filepath.Join(s.root, s.flow, "_meta", "_self.json"),
		fmt.Appendf(nil, `{"flow_id": %q, "ts_epoch": %d}`, s.flow, s.tick()))
	s.write(filepath.Join(s.runDir(), "_meta", "_self.json"),
		fmt.Appendf(nil, `{"run_number": %q, "flow_id": %q, "user_name": "tester", "tags": [], "system_tags": ["user:tester"], "ts_epoch": %d}`,
			s.run, s.flow, s.tick()))
}

// startTask writes a step's metadata (once, as Metaflow does) and a
// task's first files: it is running.
func (s *sim) startTask(step, task string) {
	if _, loaded := s.steps.LoadOrStore(step, true); !loaded {
		s.write(filepath.Join(s.runDir(), step, "_meta", "_self.json"),
			fmt.Appendf(nil, `{"run_number": %q, "step_name": %q, "flow_id": %q, "user_name": "tester", "tags": [], "system_tags": [], "ts_epoch": %d}`,
				s.run, step, s.flow, s.ts.Load()))
	}
	dir := s.taskDir(step, task)
	s.write(filepath.Join(dir, "_meta", "_self.json"),
		fmt.Appendf(nil, `{"run_number": %q, "step_name": %q, "task_id": %q, "flow_id": %q, "user_name": "tester", "tags": [], "system_tags": [], "ts_epoch": %d}`,
			s.run, step, task, s.flow, s.tick()))
	s.write(filepath.Join(dir, "0.attempt.json"), fmt.Appendf(nil, `{"time": %d.5}`, s.tick()/1000))
}

// finishTask writes the outcome and DONE marker.
func (s *sim) finishTask(step, task string) {
	dir := s.taskDir(step, task)
	ts := s.tick()
	s.write(filepath.Join(dir, "_meta", fmt.Sprintf("sysmeta_attempt_ok_%d.json", ts)),
		fmt.Appendf(nil, `{"flow_id": %q, "run_number": %q, "step_name": %q, "task_id": %q, "field_name": "attempt_ok", "type": "internal_attempt_status", "value": "True", "tags": ["attempt_id:0"], "user_name": "tester", "ts_epoch": %d}`,
			s.flow, s.run, step, task, ts))
	s.write(filepath.Join(dir, "0.DONE.lock"), []byte(`""`))
}

// cardStem is a blank card with id "live" and a uuid made from the task.
func cardStem(task string) string { return fmt.Sprintf("blank-live-%032s", task) }

// cardHTML writes the card's HTML with a reload token.
func (s *sim) cardHTML(step, task, token string) {
	s.write(filepath.Join(s.cardDir(step, task, "cards"), cardStem(task)+".html"), cardPage(token))
}

// cardData writes the card's runtime data JSON.
func (s *sim) cardData(step, task, token string, n int) {
	s.write(filepath.Join(s.cardDir(step, task, "runtime"), cardStem(task)+".data.json"), cardData(token, n))
}

func cardPage(token string) []byte {
	return fmt.Appendf(nil, `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8" /><title>card</title></head>
<body><div class="card_app"></div>
<script>
var METAFLOW_RELOAD_TOKEN = %q
var mfCardDataId = "a6a423f9-d161-4047-b317-ddffcbf247ee"
window.__MF_DATA__ = window.__MF_DATA__ || {}
window.__MF_DATA__["a6a423f9-d161-4047-b317-ddffcbf247ee"] = "eyJjb21wb25lbnRzIjogW119"
</script>
</body>
</html>
`, token)
}

func cardData(token string, n int) []byte {
	return fmt.Appendf(nil, `{"reload_token": %q, "data": {"status_md": {"type": "markdown", "source": "epoch %d", "id": "status_md"}}, "created_on": %d.25}`,
		token, n, 1795642680+n)
}

// finishedRun writes a whole succeeded run: start and end, a card each.
func (s *sim) finishedRun() {
	s.begin()
	for i, step := range []string{"start", "end"} {
		task := fmt.Sprint(i + 1)
		s.startTask(step, task)
		s.cardHTML(step, task, "runtime-1795642680.5")
		s.cardData(step, task, "final", 1)
		s.cardHTML(step, task, "final")
		s.finishTask(step, task)
	}
}
