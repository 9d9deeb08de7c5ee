package cards

import "encoding/json"

// DAG is a flow's step graph as the default card's dag component holds it,
// in one shape for every Metaflow version.
type DAG struct {
	// Steps are in graph order: the order of the JSON object, which
	// Metaflow writes walking the graph from start.
	Steps     []DAGStep `json:"steps"`
	StartStep string    `json:"start_step"`
	EndStep   string    `json:"end_step"`
}

// DAGStep is one node. Type is linear, start, end, join, split, foreach,
// switch or unknown (a static split comes out as unknown).
type DAGStep struct {
	Name        string            `json:"name"`
	Type        string            `json:"type"`
	Next        []string          `json:"next"`
	BoxNext     bool              `json:"box_next"`
	BoxEnds     string            `json:"box_ends,omitempty"`
	Doc         string            `json:"doc,omitempty"`
	Condition   string            `json:"condition,omitempty"`
	SwitchCases map[string]string `json:"switch_cases,omitempty"`
}

// Step returns the named step.
func (d *DAG) Step(name string) (DAGStep, bool) {
	for _, s := range d.Steps {
		if s.Name == name {
			return s, true
		}
	}
	return DAGStep{}, false
}

// DAG returns the graph of the card's first dag component (Walk order).
// ok is false when there is none or its data holds no steps.
func (c *Card) DAG() (d *DAG, ok bool) {
	c.Walk(func(k *Component) bool {
		if d == nil && k.Type == TypeDAG {
			d, ok = k.DAG()
		}
		return d == nil
	})
	return d, ok
}

// DAG reads a dag component's data. Metaflow 2.19.23 and later write
// {"steps": {...}, "start_step", "end_step"}; earlier versions write the
// step map itself, with start and end simply named so (docs/format.md
// §10).
func (c *Component) DAG() (*DAG, bool) {
	if c.Type != TypeDAG {
		return nil, false
	}
	raw, ok := c.Get("data")
	if !ok {
		return nil, false
	}
	return ParseDAG(raw)
}

// ParseDAG reads the data of a dag component in either shape.
func ParseDAG(data json.RawMessage) (*DAG, bool) {
	if jsonKind(data) != '{' || !json.Valid(data) {
		return nil, false
	}
	ms, err := splitObject(data)
	if err != nil {
		return nil, false
	}
	top := objectFrom(ms)
	steps := data
	d := &DAG{}
	if s := top.getValue("steps"); s != nil && jsonKind(s.raw) == '{' && !isDAGNode(s.raw) {
		steps = s.raw
		d.StartStep, _ = top.String("start_step")
		d.EndStep, _ = top.String("end_step")
	}
	sms, err := splitObject(steps)
	if err != nil {
		return nil, false
	}
	for _, m := range sms {
		if st, ok := parseStep(m.key, m.raw); ok {
			d.Steps = append(d.Steps, st)
		}
	}
	if len(d.Steps) == 0 {
		return nil, false
	}
	if d.StartStep == "" {
		if _, ok := d.Step("start"); ok {
			d.StartStep = "start"
		}
	}
	if d.EndStep == "" {
		if _, ok := d.Step("end"); ok {
			d.EndStep = "end"
		}
	}
	return d, true
}

// isDAGNode tells a step named "steps" in the old shape from the new
// shape's step map: a node has "type" and "next".
func isDAGNode(b []byte) bool {
	var n struct {
		Type *json.RawMessage `json:"type"`
		Next *json.RawMessage `json:"next"`
	}
	return json.Unmarshal(b, &n) == nil && n.Type != nil && n.Next != nil
}

// parseStep reads one node leniently: a field of an unexpected type is
// left empty rather than losing the step.
func parseStep(name string, b []byte) (DAGStep, bool) {
	if jsonKind(b) != '{' {
		return DAGStep{}, false
	}
	var f map[string]json.RawMessage
	if json.Unmarshal(b, &f) != nil {
		return DAGStep{}, false
	}
	st := DAGStep{Name: name, Next: []string{}}
	_ = json.Unmarshal(f["type"], &st.Type)
	_ = json.Unmarshal(f["box_next"], &st.BoxNext)
	_ = json.Unmarshal(f["box_ends"], &st.BoxEnds)
	_ = json.Unmarshal(f["doc"], &st.Doc)
	_ = json.Unmarshal(f["condition"], &st.Condition)
	var next []json.RawMessage
	if json.Unmarshal(f["next"], &next) == nil {
		for _, n := range next {
			if s, ok := rawString(n); ok {
				st.Next = append(st.Next, s)
			}
		}
	}
	var cases map[string]json.RawMessage
	if json.Unmarshal(f["switch_cases"], &cases) == nil && len(cases) > 0 {
		st.SwitchCases = make(map[string]string, len(cases))
		for k, v := range cases {
			if s, ok := rawString(v); ok {
				st.SwitchCases[k] = s
			}
		}
	}
	return st, true
}

// NormalStepType maps the node types of every Metaflow version (the dag
// component's and _graph_info's, 2.11 to 2.19) onto start, linear, split,
// foreach, switch, join and end. A split start is a split: what the user
// needs to see is that it fans out. Types the writer left out or called
// "unknown" (a static split in the dag component) are told from the edges.
func NormalStepType(typ, name string, next []string, start, end string) string {
	switch typ {
	case "split", "split-static", "split-and", "split-parallel":
		return "split"
	case "foreach", "split-foreach":
		return "foreach"
	case "switch", "split-switch":
		return "switch"
	case "join":
		return "join"
	case "end":
		return "end"
	case "linear":
		if len(next) > 1 {
			return "split"
		}
		return "linear"
	case "start":
		if len(next) > 1 {
			return "split"
		}
		return "start"
	}
	switch {
	case len(next) > 1:
		return "split"
	case name == start:
		return "start"
	case name == end || len(next) == 0:
		return "end"
	}
	return "linear"
}

// Normalize fills in the start and end steps (endStep, else "end", when
// the writer named none) and maps every step's type with NormalStepType.
func (d *DAG) Normalize(endStep string) {
	if d.StartStep == "" {
		d.StartStep = "start"
	}
	if d.EndStep == "" {
		d.EndStep = endStep
		if d.EndStep == "" {
			d.EndStep = "end"
		}
	}
	for i := range d.Steps {
		s := &d.Steps[i]
		if s.Next == nil {
			s.Next = []string{}
		}
		s.Type = NormalStepType(s.Type, s.Name, s.Next, d.StartStep, d.EndStep)
	}
}

// AnnotateDAG sets a "graph" field on every dag component with its graph
// in the one normalised shape ({"steps": [{"name", "type", "next", …}],
// "start_step", "end_step"}, types by Normalize), so that the native view
// reads a graph and never parses Metaflow's formats. "data" stays as
// Metaflow wrote it. A dag component whose data holds no graph gets none.
func AnnotateDAG(card *Card) {
	card.Walk(func(c *Component) bool {
		if c.Type != TypeDAG {
			return true
		}
		if d, ok := c.DAG(); ok {
			d.Normalize("")
			if b, err := json.Marshal(d); err == nil {
				_ = c.Set("graph", b)
			}
		}
		return false
	})
}
