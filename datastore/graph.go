package datastore

import (
	"context"
	"sync"
)

// Graph is a run's step graph, taken from the dag component of one of its
// default cards (the only place Metaflow keeps it as JSON).
type Graph struct {
	Steps     []GraphStep `json:"steps"`
	StartStep string      `json:"start_step"`
	EndStep   string      `json:"end_step"`
}

// GraphStep is one node of the step graph.
type GraphStep struct {
	Name    string   `json:"name"`
	Type    string   `json:"type"`
	Next    []string `json:"next"`
	Doc     string   `json:"doc,omitempty"`
	BoxNext bool     `json:"box_next,omitempty"`
	BoxEnds string   `json:"box_ends,omitempty"`
}

// StepType is the node type of a step ("" when unknown or g is nil).
func (g *Graph) StepType(name string) string {
	if g == nil {
		return ""
	}
	for _, s := range g.Steps {
		if s.Name == name {
			return s.Type
		}
	}
	return ""
}

type graphCache struct {
	mu sync.Mutex
	m  map[string]graphEntry // "flow/run" -> graph
}

type graphEntry struct {
	key   string // card key it came from
	size  int64
	graph *Graph
}

// RunWithGraph is Run with the steps in DAG order when a default card of
// the run carries the graph; steps the graph does not name keep their
// place after it.
func (ix *Index) RunWithGraph(ctx context.Context, flow, run string) (RunDetail, *Graph, error) {
	d, err := ix.Run(ctx, flow, run)
	if err != nil {
		return d, nil, err
	}
	g := ix.runGraph(ctx, d)
	if g == nil {
		return d, nil, nil
	}
	return orderByGraph(d, g), g, nil
}

func (ix *Index) runGraph(ctx context.Context, d RunDetail) *Graph {
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
			g = &Graph{StartStep: dag.StartStep, EndStep: dag.EndStep}
			for _, s := range dag.Steps {
				g.Steps = append(g.Steps, GraphStep{Name: s.Name, Type: s.Type, Next: s.Next, Doc: s.Doc, BoxNext: s.BoxNext, BoxEnds: s.BoxEnds})
			}
		}
	}
	ix.graphs.mu.Lock()
	ix.graphs.m[id] = graphEntry{key: card.Key, size: card.HTML.Size, graph: g}
	ix.graphs.mu.Unlock()
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
