package datastore

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tidwall/gjson"
)

// TestResumedRun211 makes a `resume` of a Metaflow 2.11.0 run by hand, the
// way 2.11.0 writes one (docs/format.md, "Resume"; clones carry
// origin-run-id/origin-task-id and, before 2.11.16, no attempt_ok): the
// run's origin is the origin of its clones, and a clone's finish time is
// the ts_epoch of its _task_ok artifact record, as Metaflow's client has it.
func TestResumedRun211(t *testing.T) {
	root := copyFixture(t, "older-2.11.0/default")
	const flow, origin, newRun = "DefaultCardFlow", "1795644053426934", "1795644099999999"
	dst := filepath.Join(root, flow, newRun)
	copyTree(t, filepath.Join(root, flow, origin), dst)
	for _, step := range []string{"start/1", "branch_a/2"} {
		meta := filepath.Join(dst, step, "_meta")
		ok, _ := filepath.Glob(filepath.Join(meta, "sysmeta_attempt_ok_*"))
		if len(ok) == 0 {
			t.Fatalf("%s: the fixture has no attempt_ok to remove", step)
		}
		for _, f := range ok {
			os.Remove(f)
		}
		os.Remove(filepath.Join(dst, step, "0.runtime"))
		writeAtomic(t, filepath.Join(meta, "sysmeta_origin-task-id_1795644100000.json"),
			[]byte(`{"field_name": "origin-task-id", "type": "origin-task-id", "value": "`+filepath.Base(step)+`", "tags": ["attempt_id:0"], "ts_epoch": 1795644100000}`))
		writeAtomic(t, filepath.Join(meta, "sysmeta_origin-run-id_1795644100001.json"),
			[]byte(`{"field_name": "origin-run-id", "type": "origin-run-id", "value": "`+origin+`", "tags": ["attempt_id:0"], "ts_epoch": 1795644100001}`))
	}
	ix := openIndex(t, root, Options{})
	d, err := ix.Run(context.Background(), flow, newRun)
	if err != nil {
		t.Fatal(err)
	}
	if d.OriginRun != origin {
		t.Errorf("run origin = %q, want %q", d.OriginRun, origin)
	}
	if o, _ := ix.Run(context.Background(), flow, origin); o.OriginRun != "" {
		t.Errorf("the origin run has an origin: %q", o.OriginRun)
	}
	tk := taskOf(t, ix, flow, newRun, "start", "1")
	b, err := os.ReadFile(filepath.Join(dst, "start", "1", "_meta", "0_artifact__task_ok.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := time.UnixMilli(gjson.GetBytes(b, "ts_epoch").Int()).UTC()
	if tk.Status != StatusSucceeded || tk.OriginRun != origin {
		t.Fatalf("clone: %s origin %q", tk.Status, tk.OriginRun)
	}
	if !tk.Finished.Equal(want) || len(tk.Attempts) != 1 || !tk.Attempts[0].Finished.Equal(want) {
		t.Errorf("clone finished = %v (attempt %v), want %v from _task_ok", tk.Finished, tk.Attempts, want)
	}
	if !tk.Finished.After(tk.Started) {
		t.Errorf("clone finished %v before it started %v", tk.Finished, tk.Started)
	}
}
