package datastore

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// graphString is a graph in one line: "src: name:type>next,next status; ...".
func graphString(g *Graph, withStatus bool) string {
	var b strings.Builder
	b.WriteString(g.Source + ":")
	for _, s := range g.Steps {
		fmt.Fprintf(&b, " %s:%s>%s", s.Name, s.Type, strings.Join(s.Next, ","))
		if withStatus {
			fmt.Fprintf(&b, " %s", s.Status)
		}
		b.WriteString(";")
	}
	return b.String()
}

// TestGraphEveryFixture checks the normalised graph of every fixture run
// (2.19.38, 2.11.0 and 2.12.39): the types read off the flows' source
// (a split start is a split, a foreach start a foreach), every step listed
// (the end step of a failed or running run is pending), and that the
// _graph_info artifact gives the same graph as the default card's dag
// component wherever both exist.
func TestGraphEveryFixture(t *testing.T) {
	const (
		split   = "start:split>branch_a,branch_b; branch_a:linear>join; branch_b:linear>join; join:join>end; end:end>;"
		foreach = "start:foreach>process; process:linear>join; join:join>end; end:end>;"
		live    = "start:start>train; train:linear>end; end:end>;"
		failing = "start:start>work; work:linear>end; end:end>;"
		retry   = "start:start>flaky; flaky:linear>end; end:end>;"
	)
	cases := []struct {
		fixture, src, graph, status string
	}{
		{"default", "card", split, "succeeded succeeded succeeded succeeded succeeded"},
		{"components", "card", "start:start>end; end:end>;", "succeeded succeeded"},
		{"foreach", "card", foreach, "succeeded succeeded succeeded succeeded"},
		{"failing", "graph_info", failing, "succeeded failed pending"},
		{"retry", "graph_info", retry, "succeeded succeeded succeeded"},
		{"live_midrun", "card", live, "succeeded running pending"},
		{"older-2.11.0/default", "card", split, "succeeded succeeded succeeded succeeded succeeded"},
		{"older-2.11.0/foreach", "card", foreach, "succeeded succeeded succeeded succeeded"},
		{"older-2.11.0/failing", "graph_info", failing, "succeeded failed pending"},
		{"older-2.11.0/live_midrun", "card", live, "succeeded running pending"},
		{"older-2.12.39/default", "card", split, "succeeded succeeded succeeded succeeded succeeded"},
		{"older-2.12.39/foreach", "card", foreach, "succeeded succeeded succeeded succeeded"},
		{"older-2.12.39/failing", "graph_info", failing, "succeeded failed pending"},
		{"older-2.12.39/live_midrun", "card", live, "succeeded running pending"},
	}
	ctx := context.Background()
	for _, c := range cases {
		t.Run(c.fixture, func(t *testing.T) {
			root := copyFixture(t, c.fixture)
			ix := openIndex(t, root, Options{})
			runs := 0
			for _, f := range ix.Flows() {
				rs, _ := ix.Runs(f.Name)
				for _, r := range rs {
					runs++
					_, g, err := ix.RunWithGraph(ctx, f.Name, r.ID)
					if err != nil {
						t.Fatal(err)
					}
					if got := graphString(g, false); got != c.src+": "+c.graph {
						t.Errorf("%s graph:\n got %s\nwant %s: %s", r.ID, got, c.src, c.graph)
					}
					var st []string
					for _, s := range g.Steps {
						st = append(st, string(s.Status))
					}
					if got := strings.Join(st, " "); got != c.status {
						t.Errorf("%s statuses = %s, want %s", r.ID, got, c.status)
					}
					// The second source agrees with the first.
					gi, err := ix.readGraphInfo(f.Name, r.ID)
					if err != nil {
						t.Fatalf("%s: _graph_info: %v", r.ID, err)
					}
					normalize(gi, "end")
					if got := graphString(gi, false); got != "graph_info: "+c.graph {
						t.Errorf("%s _graph_info graph:\n got %s\nwant %s", r.ID, got, c.graph)
					}
				}
			}
			if runs == 0 {
				t.Fatal("no runs")
			}
		})
	}
}

// TestGraphStepsFallback: with neither a default card nor _graph_info,
// the steps seen so far stand in, typed by name.
func TestGraphStepsFallback(t *testing.T) {
	root := copyFixture(t, "failing")
	run := filepath.Join(root, "FailingFlow", "1795642652721113")
	if err := os.Remove(filepath.Join(run, "_parameters", "0", "0.data.json")); err != nil {
		t.Fatal(err)
	}
	ix := openIndex(t, root, Options{})
	_, g, err := ix.RunWithGraph(context.Background(), "FailingFlow", "1795642652721113")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := graphString(g, true), "steps: start:start> succeeded; work:> failed;"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestParseGraphInfoHostile: a _graph_info blob is untrusted; nothing in
// it may crash, load a class or allocate what a length field claims.
func TestParseGraphInfoHostile(t *testing.T) {
	gz := func(b []byte) []byte {
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		w.Write(b)
		w.Close()
		return buf.Bytes()
	}
	cases := map[string][]byte{
		"empty":           {},
		"not a pickle":    []byte("hello"),
		"class":           []byte("\x80\x02cos\nsystem\nq\x00X\x04\x00\x00\x00trueq\x01\x85q\x02Rq\x03."),
		"huge string":     []byte("\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00\x8d\xff\xff\xff\xff\xff\xff\xff\x7fabc."),
		"huge binunicode": []byte("\x80\x02X\xff\xff\xff\x7fabc."),
		"truncated":       []byte("\x80\x02}q\x00(X\x05\x00\x00\x00steps"),
		"not a dict":      []byte("\x80\x02]q\x00."),
		"gzip garbage":    gz([]byte("\x80\x02X\xff\xff\xff\x7f")),
		"bad gzip":        {0x1f, 0x8b, 0x08, 0x00, 1, 2, 3},
		"steps not dict":  []byte("\x80\x02}q\x00X\x05\x00\x00\x00stepsq\x01]q\x02s."),
	}
	for name, b := range cases {
		if g, err := ParseGraphInfo(b); err == nil {
			t.Errorf("%s: no error, graph %+v", name, g)
		}
	}
}

func TestNormalStepType(t *testing.T) {
	two := []string{"a", "b"}
	for _, c := range []struct {
		typ, name string
		next      []string
		want      string
	}{
		{"split-static", "start", two, "split"},
		{"unknown", "start", two, "split"},
		{"start", "start", two, "split"},
		{"start", "start", []string{"a"}, "start"},
		{"", "start", []string{"a"}, "start"},
		{"split-foreach", "start", []string{"a"}, "foreach"},
		{"foreach", "x", []string{"a"}, "foreach"},
		{"split-and", "x", two, "split"},
		{"split-switch", "x", two, "switch"},
		{"join", "j", []string{"end"}, "join"},
		{"end", "end", nil, "end"},
		{"", "last", nil, "end"},
		{"", "mid", []string{"a"}, "linear"},
	} {
		if got := NormalStepType(c.typ, c.name, c.next, "start", "end"); got != c.want {
			t.Errorf("NormalStepType(%q, %q, %v) = %q, want %q", c.typ, c.name, c.next, got, c.want)
		}
	}
}
