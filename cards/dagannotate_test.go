package cards

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestAnnotateDAG: the dag component of the 2.19.38 and 2.11.0 default
// cards (each in its own data shape) gets one normalised "graph", with the
// split start typed "split"; "data" is left as Metaflow wrote it.
func TestAnnotateDAG(t *testing.T) {
	var graphs []string
	for _, rel := range []string{fxDefault, fxOldDefault} {
		c := mustCard(t, rel)
		var before json.RawMessage
		c.Walk(func(k *Component) bool {
			if k.Type == TypeDAG {
				before, _ = k.Get("data")
			}
			return true
		})
		AnnotateDAG(c)
		var g, after json.RawMessage
		c.Walk(func(k *Component) bool {
			if k.Type == TypeDAG {
				g, _ = k.Get("graph")
				after, _ = k.Get("data")
			}
			return true
		})
		if string(before) != string(after) {
			t.Errorf("%s: data changed", rel)
		}
		var d DAG
		if err := json.Unmarshal(g, &d); err != nil {
			t.Fatalf("%s: graph %s: %v", rel, g, err)
		}
		var types []string
		for _, s := range d.Steps {
			types = append(types, s.Name+":"+s.Type)
		}
		if got := strings.Join(types, " "); got != "start:split branch_a:linear branch_b:linear join:join end:end" || d.StartStep != "start" || d.EndStep != "end" {
			t.Errorf("%s: graph %s (%s/%s)", rel, got, d.StartStep, d.EndStep)
		}
		graphs = append(graphs, string(g))
	}
	if graphs[0] != graphs[1] {
		t.Errorf("the two versions' graphs differ:\n%s\n%s", graphs[0], graphs[1])
	}
	// A dag component without a graph gets no "graph".
	c := mustDecode(t, `{"components":[{"type":"dag","data":"nope"}]}`)
	AnnotateDAG(c)
	if _, ok := c.Components[0].Get("graph"); ok {
		t.Error("graph on a dag without data")
	}
}
