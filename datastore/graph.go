package datastore

import (
	"bytes"
	"context"
	"errors"
	"flowdeck/wire"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/tidwall/gjson"

	"flowdeck/artifacts"
	"flowdeck/cards"
)

// Graph is a run's step graph (wire.RunGraph).
type Graph = wire.RunGraph

// GraphStep is one node of the step graph (wire.GraphStep).
type GraphStep = wire.GraphStep

// StatusPending marks a graph step that has no task yet (wire.StatusPending).
const StatusPending = wire.StatusPending

// Graph sources.
const (
	GraphFromCard      = wire.GraphFromCard
	GraphFromGraphInfo = wire.GraphFromGraphInfo
	GraphFromSteps     = wire.GraphFromSteps
)

// NormalStepType is cards.NormalStepType: the one rule for step types.
func NormalStepType(typ, name string, next []string, start, end string) string {
	return cards.NormalStepType(typ, name, next, start, end)
}

type graphCache struct {
	mu sync.Mutex
	m  map[string]graphEntry // "flow/run" -> graph from a card
	// info holds the graphs read from _graph_info; the artifact is written
	// once when the run starts, so an entry never goes stale.
	info map[string]*Graph
}

type graphEntry struct {
	key   string // card key it came from
	size  int64
	graph *Graph
}

// RunWithGraph is Run with the steps in DAG order when the run's graph is
// known, and the graph with every step's state; steps the graph does not
// name keep their place after it.
func (ix *Index) RunWithGraph(ctx context.Context, flow, run string) (RunDetail, *Graph, error) {
	d, err := ix.Run(ctx, flow, run)
	if err != nil {
		return d, nil, err
	}
	g := ix.runGraph(ctx, d)
	if g == nil {
		return d, stepsGraph(d), nil
	}
	d = orderByGraph(d, g)
	return d, withState(g, d), nil
}

// runGraph is the run's graph structure from the first source that has
// one: a default card's dag component, else _graph_info; nil when neither.
func (ix *Index) runGraph(ctx context.Context, d RunDetail) *Graph {
	if g := ix.cardGraph(ctx, d); g != nil {
		return g
	}
	return ix.graphInfo(d)
}

func (ix *Index) cardGraph(ctx context.Context, d RunDetail) *Graph {
	id := d.Flow + "/" + d.ID
	var card *Card
	for _, st := range d.Steps {
		for _, t := range st.Tasks {
			for i := range t.Cards {
				if c := &t.Cards[i]; c.Type == "default" && c.Err == "" {
					card = c
					break
				}
			}
			if card != nil {
				break
			}
		}
		if card != nil {
			break
		}
	}
	if card == nil {
		return nil
	}
	ix.graphs.mu.Lock()
	if e, ok := ix.graphs.m[id]; ok && e.key == card.Key && e.size == card.HTML.Size {
		ix.graphs.mu.Unlock()
		return e.graph
	}
	ix.graphs.mu.Unlock()
	cc, err := ix.CardContent(ctx, card.Key)
	var g *Graph
	if err == nil && cc.Tree != nil {
		if dag, ok := cc.Tree.DAG(); ok {
			g = &Graph{StartStep: dag.StartStep, EndStep: dag.EndStep, Source: GraphFromCard}
			for _, s := range dag.Steps {
				g.Steps = append(g.Steps, GraphStep{Name: s.Name, Type: s.Type, Next: s.Next, Doc: s.Doc, BoxNext: s.BoxNext, BoxEnds: s.BoxEnds})
			}
			normalize(g, d.EndStep)
		}
	}
	ix.graphs.mu.Lock()
	ix.graphs.m[id] = graphEntry{key: card.Key, size: card.HTML.Size, graph: g}
	ix.graphs.mu.Unlock()
	return g
}

// normalize fills start and end and maps every type (NormalStepType).
func normalize(g *Graph, endStep string) {
	if g.StartStep == "" {
		g.StartStep = "start"
	}
	if g.EndStep == "" {
		g.EndStep = endStep
		if g.EndStep == "" {
			g.EndStep = "end"
		}
	}
	for i := range g.Steps {
		s := &g.Steps[i]
		if s.Next == nil {
			s.Next = []string{}
		}
		s.Type = NormalStepType(s.Type, s.Name, s.Next, g.StartStep, g.EndStep)
	}
}

// Caps for reading _graph_info: a graph is a few kilobytes of pickle.
const (
	maxGraphBlob   = 1 << 20
	maxGraphPickle = 4 << 20
)

// graphInfo reads the run's graph from the _graph_info artifact of its
// _parameters task (docs/format.md, "Steps"), which exists from the
// moment the run starts, so it names steps that have not run yet.
func (ix *Index) graphInfo(d RunDetail) *Graph {
	id := d.Flow + "/" + d.ID
	ix.graphs.mu.Lock()
	g, ok := ix.graphs.info[id]
	ix.graphs.mu.Unlock()
	if ok {
		return g
	}
	g, err := ix.readGraphInfo(d.Flow, d.ID)
	if err != nil {
		// Not there yet (the run just started) or unreadable: the steps
		// seen so far stand in, and the next call tries again.
		return nil
	}
	normalize(g, d.EndStep)
	ix.graphs.mu.Lock()
	ix.graphs.info[id] = g
	ix.graphs.mu.Unlock()
	return g
}

func (ix *Index) readGraphInfo(flow, run string) (*Graph, error) {
	idx, err := readFile(ix.fsys, filepath.Join(ix.reader.runDir(flow, run), "_parameters", "0", "0.data.json"), maxDataBytes)
	if err != nil {
		return nil, err
	}
	sha := gjson.GetBytes(idx, "objects._graph_info").String()
	if !validSHA(sha) {
		return nil, fmt.Errorf("graph info: no _graph_info in the _parameters task: %w", ErrUnknown)
	}
	blob, err := readFile(ix.fsys, filepath.Join(ix.loc.Root, flow, "data", sha[:2], sha), maxGraphBlob)
	if err != nil {
		return nil, err
	}
	return ParseGraphInfo(blob)
}

var errGraphInfo = errors.New("graph info: not a graph")

// ParseGraphInfo reads a _graph_info artifact blob: a gzip'd pickle of a
// dict of plain values, {"steps": {name: {"type", "next", "doc",
// "matching_join"...}}, "graph_structure", "start_step", "end_step"}
// (start_step/end_step from 2.19.23). The pickle is untrusted: the
// artifacts package reads it (it runs nothing and checks every length),
// capped to maxGraphPickle. The steps come in graph_structure order.
func ParseGraphInfo(blob []byte) (*Graph, error) {
	v, err := artifacts.Decode(bytes.NewReader(blob), artifacts.Limits{MaxBytes: maxGraphPickle})
	if err != nil {
		return nil, fmt.Errorf("graph info: %w", err)
	}
	if v == nil || v.Kind != artifacts.KindDict {
		return nil, errGraphInfo
	}
	steps := dictGet(v, "steps")
	if steps == nil || steps.Kind != artifacts.KindDict || len(steps.Entries) == 0 {
		return nil, errGraphInfo
	}
	g := &Graph{Source: GraphFromGraphInfo, StartStep: strOf(dictGet(v, "start_step")), EndStep: strOf(dictGet(v, "end_step"))}
	byName := map[string]GraphStep{}
	var dictOrder []string
	for _, e := range steps.Entries {
		name := strOf(e.Key)
		sd := e.Value
		if name == "" || sd == nil || sd.Kind != artifacts.KindDict {
			continue
		}
		st := GraphStep{Name: name, Type: strOf(dictGet(sd, "type")), Doc: strOf(dictGet(sd, "doc")), Next: []string{}}
		if n := dictGet(sd, "next"); n != nil {
			for _, x := range n.Items {
				if s := strOf(x); s != "" {
					st.Next = append(st.Next, s)
				}
			}
		}
		if st.Type == "split-foreach" || st.Type == "foreach" {
			st.BoxEnds = strOf(dictGet(sd, "matching_join"))
		}
		if _, dup := byName[name]; !dup {
			dictOrder = append(dictOrder, name)
		}
		byName[name] = st
	}
	if len(byName) == 0 {
		return nil, errGraphInfo
	}
	order := flattenNames(dictGet(v, "graph_structure"), nil, 0)
	seen := map[string]bool{}
	for _, n := range append(order, dictOrder...) {
		if st, ok := byName[n]; ok && !seen[n] {
			seen[n] = true
			g.Steps = append(g.Steps, st)
		}
	}
	return g, nil
}

// dictGet is the value of a str key of a decoded dict, or nil.
func dictGet(d *artifacts.Value, key string) *artifacts.Value {
	if d == nil || d.Kind != artifacts.KindDict {
		return nil
	}
	for _, e := range d.Entries {
		if strOf(e.Key) == key {
			return e.Value
		}
	}
	return nil
}

// strOf is a decoded str's text, or "" for anything else.
func strOf(v *artifacts.Value) string {
	if v == nil || v.Kind != artifacts.KindStr {
		return ""
	}
	s, _ := v.Value.(string)
	return s
}

// flattenNames lists the step names of graph_structure, a nested list of
// names in graph order.
func flattenNames(v *artifacts.Value, out []string, depth int) []string {
	if v == nil || depth > 64 {
		return out
	}
	if s := strOf(v); s != "" {
		return append(out, s)
	}
	for _, e := range v.Items {
		out = flattenNames(e, out, depth+1)
	}
	return out
}

// withState copies the graph structure with each step's status and
// counts; steps of the run the graph does not name are added after it.
func withState(g *Graph, d RunDetail) *Graph {
	out := &Graph{StartStep: g.StartStep, EndStep: g.EndStep, Source: g.Source, Steps: make([]GraphStep, 0, len(g.Steps))}
	byName := map[string]*StepDetail{}
	for i := range d.Steps {
		byName[d.Steps[i].Name] = &d.Steps[i]
	}
	named := map[string]bool{}
	for _, s := range g.Steps {
		named[s.Name] = true
		s.Status = StatusPending
		if st, ok := byName[s.Name]; ok {
			s.Status, s.Counts = st.Status, st.Counts
		}
		out.Steps = append(out.Steps, s)
	}
	for _, st := range d.Steps {
		if !named[st.Name] {
			out.Steps = append(out.Steps, GraphStep{Name: st.Name, Type: NormalStepType("", st.Name, nil, out.StartStep, out.EndStep),
				Next: []string{}, Status: st.Status, Counts: st.Counts})
		}
	}
	return out
}

// stepsGraph is the graph when no source has one: the steps seen so far,
// in their order, without edges. Only start and end can be typed without
// edges; the others are left untyped ("").
func stepsGraph(d RunDetail) *Graph {
	g := &Graph{StartStep: "start", EndStep: d.EndStep, Source: GraphFromSteps, Steps: []GraphStep{}}
	for _, st := range d.Steps {
		typ := ""
		switch st.Name {
		case g.StartStep:
			typ = "start"
		case g.EndStep:
			typ = "end"
		}
		g.Steps = append(g.Steps, GraphStep{Name: st.Name, Type: typ, Next: []string{}, Status: st.Status, Counts: st.Counts})
	}
	return g
}

// orderByGraph walks the graph breadth-first from its start step.
func orderByGraph(d RunDetail, g *Graph) RunDetail {
	next := map[string][]string{}
	for _, s := range g.Steps {
		next[s.Name] = s.Next
	}
	start := g.StartStep
	if start == "" {
		start = "start"
	}
	rank := map[string]int{}
	queue := []string{start}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if _, seen := rank[n]; seen {
			continue
		}
		if _, known := next[n]; !known {
			continue
		}
		rank[n] = len(rank)
		queue = append(queue, next[n]...)
	}
	for _, s := range g.Steps {
		if _, ok := rank[s.Name]; !ok {
			rank[s.Name] = len(rank)
		}
	}
	steps := append([]StepDetail(nil), d.Steps...)
	ordered := make([]StepDetail, 0, len(steps))
	var rest []StepDetail
	for _, st := range steps {
		if _, ok := rank[st.Name]; !ok {
			rest = append(rest, st)
		}
	}
	byName := map[string]StepDetail{}
	for _, st := range steps {
		byName[st.Name] = st
	}
	names := make([]string, len(rank))
	for n, r := range rank {
		names[r] = n
	}
	for _, n := range names {
		if st, ok := byName[n]; ok {
			ordered = append(ordered, st)
		}
	}
	ordered = append(ordered, rest...)
	for i := range ordered {
		ordered[i].Order = i
	}
	d.Steps = ordered
	return d
}
