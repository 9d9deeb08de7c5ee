package compare

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"flowdeck/datastore"
	"flowdeck/internal/mfsim"
)

// Eight simulated runs with different learning rates: every row has a
// value per run, the live card's ValueBox is a row, and the foreach
// tasks' cards are matched by foreach index.
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
	loss := row(t, res, GroupValueBox, "Loss")
	if loss.Detail != "train · blank#live" || !loss.Differs {
		t.Errorf("Loss row = %+v", loss)
	}
	for i, v := range loss.Values {
		if v == nil || *v == "1" {
			t.Errorf("run %d: Loss = %s, want the final value from the runtime data", i, val(v))
		}
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
