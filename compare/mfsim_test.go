package compare

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"flowdeck/datastore"
	"flowdeck/internal/mfsim"
	"flowdeck/wire"
)

// Eight simulated runs with different learning rates: every row has a
// value per run, the live card reaches the export with its runtime data,
// and the foreach tasks' cards are matched by foreach index.
func TestCompareEightRuns(t *testing.T) {
	root := filepath.Join(t.TempDir(), ".metaflow")
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := range MaxRuns {
		sim := mfsim.NewSimClock(start.Add(time.Duration(i)*time.Hour), time.Millisecond)
		err := mfsim.Live(context.Background(), root, mfsim.LiveOptions{Options: mfsim.Options{Clock: sim},
			LearningRate: 0.002 * float64(i+1), Epochs: 4, Width: 2, TaskUpdates: 2, NoRetry: true})
		if err != nil {
			t.Fatal(err)
		}
	}
	ix, err := datastore.Open(context.Background(), datastore.Location{Root: root, CardRoot: filepath.Join(root, "mf.cards")},
		datastore.Options{StaleAfter: 100 * 365 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ids := runIDs(t, ix, "DemoFlow")
	if len(ids) != MaxRuns {
		t.Fatalf("runs = %v", ids)
	}
	res, err := Compare(context.Background(), ix, "DemoFlow", ids, Options{})
	if err != nil {
		t.Fatal(err)
	}
	lr := row(t, res, GroupParameter, "learning_rate")
	seen := map[string]bool{}
	for _, v := range lr.Values {
		seen[val(v)] = true
	}
	if len(seen) != MaxRuns || !lr.Differs {
		t.Errorf("learning_rate = %v, want 8 different values", vals(lr.Values))
	}
	if w := row(t, res, GroupParameter, "width"); w.Differs {
		t.Errorf("width differs: %v", vals(w.Values))
	}
	for _, r := range res.Rows {
		if r.Group == wire.GroupValueBox {
			t.Errorf("the server made a ValueBox row (the page builds them): %+v", r)
		}
	}
	// The live card goes to the export renderer with its runtime data and
	// the token of its HTML, for the renderer to apply (the Loss ValueBox row
	// of the page; frontend/src/compare/valueboxes.test.ts).
	trees, err := Trees(context.Background(), ix, res)
	if err != nil {
		t.Fatal(err)
	}
	live := 0
	for _, c := range res.Cards {
		if c.Label != "train · blank#live" {
			continue
		}
		for ri, k := range c.Keys {
			s := trees[k]
			var d struct {
				Token string          `json:"reload_token"`
				Data  json.RawMessage `json:"data"`
			}
			if s == nil || s.Tree == nil || json.Unmarshal(s.Data, &d) != nil || !strings.Contains(string(d.Data), `"loss_box"`) ||
				d.Token != s.Token && d.Token != "final" {
				t.Errorf("run %d: live card snapshot without its fitting runtime data: %+v", ri, s)
			}
			// Markdown in the data comes rendered, as the API sends it.
			var md struct {
				Status struct{ HTML string } `json:"status_md"`
			}
			if json.Unmarshal(d.Data, &md) != nil || !strings.Contains(md.Status.HTML, "<h1") {
				t.Errorf("run %d: the data's markdown has no rendered html: %s", ri, d.Data)
			}
			live++
		}
	}
	if live != MaxRuns {
		t.Errorf("%d live cards, want one per run", live)
	}
	var foreach []string
	for _, c := range res.Cards {
		for ri, k := range c.Keys {
			if k == "" {
				t.Errorf("card %s missing in run %d", c.Label, ri)
			}
		}
		if c.Step == "process" {
			foreach = append(foreach, c.Label)
		}
	}
	if len(foreach) != 2 || foreach[0] != "process[0] · blank" || foreach[1] != "process[1] · blank" {
		t.Errorf("foreach cards = %v", foreach)
	}
}
