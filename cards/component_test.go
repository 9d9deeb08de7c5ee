package cards

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// view decodes a component into the typed view of its type.
func view(c *Component) (any, error) {
	switch c.Type {
	case TypePage:
		return As[Page](c)
	case TypeSection:
		return As[Section](c)
	case TypeTitle, TypeSubtitle, TypeText:
		return As[Text](c)
	case TypeHeading:
		return As[Heading](c)
	case TypeMarkdown:
		return As[Markdown](c)
	case TypeTable:
		return As[Table](c)
	case TypeImage:
		return As[Image](c)
	case TypeArtifacts:
		return As[Artifacts](c)
	case TypeDAG:
		d, ok := c.DAG()
		if !ok {
			return nil, fmt.Errorf("dag without steps")
		}
		return d, nil
	case TypeLog:
		return As[Log](c)
	case TypePythonCode:
		return As[PythonCode](c)
	case TypeProgressBar:
		return As[ProgressBar](c)
	case TypeValueBox:
		return As[ValueBox](c)
	case TypeVegaChart:
		return As[VegaChart](c)
	case TypeEventsTimeline:
		return As[EventsTimeline](c)
	case TypeJSONViewer:
		return As[JSONViewer](c)
	case TypeYAMLViewer:
		return As[YAMLViewer](c)
	}
	return nil, nil
}

type walkEntry struct {
	Depth int      `json:"depth"`
	Type  string   `json:"type"`
	ID    string   `json:"id,omitempty"`
	Known bool     `json:"known"`
	Keys  []string `json:"keys"`
	View  any      `json:"view,omitempty"`
}

// shorten cuts long strings (image data, code) so golden files stay
// readable.
func shorten(v any) any {
	switch x := v.(type) {
	case string:
		if len(x) > 120 {
			return fmt.Sprintf("%s…(%d bytes)", x[:80], len(x))
		}
	case []any:
		for i := range x {
			x[i] = shorten(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = shorten(x[k])
		}
	}
	return v
}

// dumpTree renders the decoded tree, one entry per component in Walk order
// with its typed view, for golden files.
func dumpTree(t *testing.T, c *Card) []byte {
	t.Helper()
	var entries []walkEntry
	var walk func(k *Component, depth int)
	walk = func(k *Component, depth int) {
		v, err := view(k)
		if err != nil {
			t.Errorf("%s %s: %v", k.Type, k.ID, err)
		}
		if v != nil {
			b, _ := json.Marshal(v)
			var generic any
			_ = json.Unmarshal(b, &generic)
			v = shorten(generic)
		}
		entries = append(entries, walkEntry{depth, k.Type, k.ID, IsKnownType(k.Type), k.Keys(), v})
		for _, ch := range k.Children() {
			walk(ch, depth+1)
		}
	}
	for _, k := range c.Components {
		walk(k, 0)
	}
	meta, _ := c.Metadata.MarshalJSON()
	out, err := json.MarshalIndent(map[string]any{"metadata": json.RawMessage(meta), "tree": entries}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

// TestGoldenTrees pins the decoded trees of the components fixture (every
// component type Metaflow 2.19 writes) and of older and default cards.
func TestGoldenTrees(t *testing.T) {
	for name, rel := range map[string]string{
		"components-blank-components.json":   fxComponents,
		"components-blank.json":              fxComponentsB,
		"components-default-extra.json":      fxComponentsD,
		"default-start.json":                 fxDefault,
		"older-2.11.0-blank-components.json": fxOldComps,
		"older-2.11.0-default-start.json":    fxOldDefault,
		"hostile-native.json":                fxHostile,
	} {
		t.Run(name, func(t *testing.T) {
			golden(t, "golden/"+name, dumpTree(t, mustCard(t, rel)))
		})
	}
}

// TestEveryComponentType finds each type of docs/format.md §10 in the components
// fixture and checks its typed view against the values in the file.
func TestEveryComponentType(t *testing.T) {
	byID := map[string]*Component{}
	types := map[string]int{}
	for _, rel := range []string{fxComponents, fxComponentsB, fxComponentsD} {
		mustCard(t, rel).Walk(func(k *Component) bool {
			types[k.Type]++
			if k.ID != "" {
				byID[k.ID] = k
			}
			return true
		})
	}
	// heading, subtitle and text are not produced by Metaflow 2.19's
	// components; TestSyntheticTypes covers them.
	for _, typ := range []string{TypePage, TypeSection, TypeTitle, TypeMarkdown, TypeTable, TypeImage,
		TypeArtifacts, TypeDAG, TypeLog, TypePythonCode, TypeProgressBar, TypeValueBox,
		TypeVegaChart, TypeEventsTimeline, TypeJSONViewer, TypeYAMLViewer} {
		if types[typ] == 0 {
			t.Errorf("no %s component in fixtures/components", typ)
		}
	}
	for typ := range types {
		if !IsKnownType(typ) {
			t.Errorf("unexpected type %q", typ)
		}
	}
	get := func(id string) *Component {
		c := byID[id]
		if c == nil {
			t.Fatalf("no component %s", id)
		}
		return c
	}
	must := func(v any, err error) any {
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	if v := must(As[Markdown](get("intro"))).(Markdown); v.Source != "# All components\nSome *markdown* text." {
		t.Errorf("intro %q", v.Source)
	}
	if v := must(As[Markdown](get("markdown_18c926"))).(Markdown); v.Source != "\nplain paragraph that does not start with #" {
		t.Errorf("leading newline source %q", v.Source)
	}
	tbl := get("mixed_table")
	if v := must(As[Table](tbl)).(Table); !reflect.DeepEqual(v.Columns, []string{"col A", "col B", "col C"}) || v.Vertical {
		t.Errorf("table %+v", v)
	}
	rows := tbl.Rows()
	if len(rows) != 2 || len(rows[0]) != 3 || len(rows[1]) != 3 {
		t.Fatalf("table rows %v", rows)
	}
	for i, want := range []string{`"plain string"`, `42`, `3.14`} {
		if rows[0][i].Component != nil || string(rows[0][i].Value) != want {
			t.Errorf("cell 0,%d = %s", i, rows[0][i].Value)
		}
	}
	for i, want := range []string{"markdown/markdown_82a884", "artifacts/artifact_76db55", "image/image_a74f3a"} {
		if c := rows[1][i].Component; c == nil || c.Type+"/"+c.ID != want {
			t.Errorf("cell 1,%d = %s", i, rows[1][i].Value)
		}
	}
	if v := must(As[Image](get("gradient_image"))).(Image); v.Label != "gradient.png" || !strings.HasPrefix(v.Src, "data:image/png;base64, iVBORw0KGgo") {
		t.Errorf("image %.60v", v)
	}
	if v := must(As[Artifacts](get("artifact_90fc6e"))).(Artifacts); len(v.Data) != 1 || v.Data[0].Name == nil ||
		*v.Data[0].Name != "dict_artifact" || v.Data[0].Type != "dict" || v.Data[0].Data != "{'k': [1, 2, 3], 's': 'x'}" || !v.Data[0].OnlyRepr {
		t.Errorf("artifacts %+v", v)
	}
	if v := must(As[Artifacts](get("artifact_76db55"))).(Artifacts); len(v.Data) != 1 || v.Data[0].Name != nil {
		t.Errorf("unnamed artifact %+v", v)
	}
	if v := must(As[ProgressBar](get("static_progress"))).(ProgressBar); v != (ProgressBar{Max: 10, Value: 7, Label: "static bar", Unit: "items", Details: "7 of 10"}) {
		t.Errorf("progress %+v", v)
	}
	if v := must(As[ValueBox](get("acc_box"))).(ValueBox); string(v.Value) != "0.93" || v.Title != "Accuracy" ||
		v.Subtitle != "val set" || v.Theme != "success" || v.ChangeIndicator != "+2%" {
		t.Errorf("valueBox %+v", v)
	}
	if v := must(As[PythonCode](get("pythoncode_c5dce9"))).(PythonCode); v.Data != "def f(x):\n    return x * 2\n" {
		t.Errorf("pythonCode %q", v.Data)
	}
	if v := must(As[JSONViewer](get("jsonviewer_a7aa91"))).(JSONViewer); v.Title != "JSON" || !v.Collapsible || !v.ShowCopyButton ||
		!strings.Contains(v.JSONString, `"debug": true`) {
		t.Errorf("jsonViewer %+v", v)
	}
	if v := must(As[YAMLViewer](get("yamlviewer_d1f9de"))).(YAMLViewer); v.YAMLString != "database:\n  host: localhost\n  port: 5432\n" {
		t.Errorf("yamlViewer %+v", v)
	}
	tl := get("timeline")
	if v := must(As[EventsTimeline](tl)).(EventsTimeline); v.Title != "Events" || len(v.Events) != 2 ||
		v.Events[0].EventID != "event_1" || v.Events[0].StyleTheme != "success" || v.Events[1].EventID != "event_0" {
		t.Errorf("eventsTimeline %+v", v)
	}
	if ch := tl.Children(); len(ch) != 1 || ch[0].Type != TypeMarkdown || ch[0].ID != "markdown_0f9c53" {
		t.Errorf("timeline payload components %v", ch)
	}
	if v := must(As[VegaChart](get("bar_chart"))).(VegaChart); compact(t, v.Options) != `{"actions":false}` ||
		!strings.Contains(string(v.Spec), `"mark": "bar"`) || !strings.Contains(string(v.Spec), `"width": "container"`) {
		t.Errorf("vegaChart %s", v.Spec)
	}
	if v := must(As[Log](get("logcomponent_f37cfe"))).(Log); v.Data != "An Error component\n\nValueError('demo error')" {
		t.Errorf("log %q", v.Data)
	}
	if v := must(As[Log](get("logcomponent_bd5c54"))).(Log); !strings.HasPrefix(v.Data, "@card WARNING\n\n`current.card['nope']`") {
		t.Errorf("warning log %q", v.Data)
	}
}

// TestSyntheticTypes covers what the fixtures lack: heading, subtitle,
// text, an unknown type with unknown fields, and unknown fields on known
// types.
func TestSyntheticTypes(t *testing.T) {
	src := `{"metadata":{"pathspec":"F/1/s/1","extra":{"z":1,"a":[1,2]}},"components":[
	 {"type":"page","title":"P","contents":[
	  {"type":"heading","title":"H","subtitle":"sub"},
	  {"type":"subtitle","text":"S"},
	  {"type":"text","text":"T","future":true},
	  {"type":"sparkline","id":"sp","points":[1,2,3],"contents":[{"type":"markdown","source":"x"}]},
	  7, "loose", null,
	  {"type":"section","columns":2,"contents":[{"type":"title","text":"deep"}]}]}],
	 "top_level_extra":{"k":"v"}}`
	c := mustDecode(t, src)
	page := c.Components[0]
	kids := page.Contents()
	var types []string
	for _, k := range kids {
		types = append(types, k.Type)
	}
	if !reflect.DeepEqual(types, []string{"heading", "subtitle", "text", "sparkline", "section"}) {
		t.Errorf("contents %q", types)
	}
	if h, err := As[Heading](kids[0]); err != nil || h != (Heading{Title: "H", Subtitle: "sub"}) {
		t.Errorf("heading %+v %v", h, err)
	}
	if s, err := As[Text](kids[1]); err != nil || s.Text != "S" {
		t.Errorf("subtitle %+v %v", s, err)
	}
	if s, err := As[Section](kids[4]); err != nil || s.Columns == nil || *s.Columns != 2 {
		t.Errorf("section %+v %v", s, err)
	}
	// An unknown type is kept whole and not looked into.
	if IsKnownType("sparkline") || len(kids[3].Children()) != 0 {
		t.Errorf("unknown type walked into")
	}
	if got := compact(t, mustMarshal(t, c)); got != compact(t, []byte(src)) {
		t.Errorf("round trip:\n got %s\nwant %s", got, compact(t, []byte(src)))
	}
}

// TestRoundTripFixtures: encoding a decoded card gives back the card JSON
// Metaflow wrote, every field and every key in order.
func TestRoundTripFixtures(t *testing.T) {
	n := 0
	for _, rel := range cardFiles(t) {
		if !strings.HasSuffix(rel, ".html") {
			continue
		}
		p := mustParse(t, rel)
		if p.CardJSON == nil {
			continue
		}
		n++
		c, err := DecodeCard(p.CardJSON)
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		out := mustMarshal(t, c)
		if got, want := compact(t, out), compact(t, p.CardJSON); got != want {
			t.Errorf("%s: round trip differs", rel)
		}
		var a, b any
		_ = json.Unmarshal(out, &a)
		_ = json.Unmarshal(p.CardJSON, &b)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: round trip changes values", rel)
		}
		// Encoding again after a second decode is stable.
		c2 := mustDecode(t, string(out))
		if !bytes.Equal(mustMarshal(t, c2), out) {
			t.Errorf("%s: second round trip differs", rel)
		}
	}
	if n < 100 {
		t.Errorf("only %d cards round-tripped", n)
	}
}

// TestRoundTripEdges: key order, escapes, duplicate keys (the last value at
// the first position, as JSON.parse), numbers as written.
func TestRoundTripEdges(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"components":[],"metadata":{}}`, `{"components":[],"metadata":{}}`},
		{`{"metadata":{"b":1,"a":2},"components":[{"z":1.0,"type":"x","a":1e3}]}`, `{"metadata":{"b":1,"a":2},"components":[{"z":1.0,"type":"x","a":1e3}]}`},
		{`{"components":[{"type":"markdown","source":"caf\u00e9 <b>&","id":"m"}]}`, `{"components":[{"type":"markdown","source":"caf\u00e9 <b>&","id":"m"}]}`},
		{`{"components":[{"type":"a","k":1,"k":2,"j":3}]}`, `{"components":[{"type":"a","k":2,"j":3}]}`},
		{`{"components":[{"type":"page","contents":"not a list"}]}`, `{"components":[{"type":"page","contents":"not a list"}]}`},
		{`{"components":[{"type":"table","data":[1,[{"type":"text","text":"c"},null]],"columns":[]}]}`, `{"components":[{"type":"table","data":[1,[{"type":"text","text":"c"},null]],"columns":[]}]}`},
		{`{"components":[{"type":"eventsTimeline","events":[{"payloads":{"p":{"type":"markdown","source":"s"},"q":5}},"x"]}]}`, `{"components":[{"type":"eventsTimeline","events":[{"payloads":{"p":{"type":"markdown","source":"s"},"q":5}},"x"]}]}`},
		{`{"components":[{"type":"x","\u006bey":"v"}]}`, `{"components":[{"type":"x","key":"v"}]}`},
	} {
		c := mustDecode(t, tc.in)
		if got := string(mustMarshal(t, c)); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

func TestDAGShapes(t *testing.T) {
	// 2.19.23+: {steps, start_step, end_step} (default fixture).
	d, ok := mustCard(t, fxDefault).DAG()
	if !ok {
		t.Fatal("no dag in default card")
	}
	want := &DAG{StartStep: "start", EndStep: "end", Steps: []DAGStep{
		{Name: "start", Type: "unknown", Next: []string{"branch_a", "branch_b"}, BoxNext: true, BoxEnds: "join", Doc: "Create a variety of artifacts."},
		{Name: "branch_a", Type: "linear", Next: []string{"join"}},
		{Name: "branch_b", Type: "linear", Next: []string{"join"}},
		{Name: "join", Type: "join", Next: []string{"end"}, Doc: "Join with a default card and a default_json card."},
		{Name: "end", Type: "end", Next: []string{}, BoxNext: true},
	}}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("2.19 dag:\n got %+v\nwant %+v", d, want)
	}
	// Before 2.19.23 data is the step map (docs/format.md §10): same graph.
	old, ok := mustCard(t, fxOldDefault).DAG()
	if !ok || !reflect.DeepEqual(old, want) {
		t.Errorf("2.11.0 dag:\n got %+v\nwant %+v", old, want)
	}
	// foreach fixture: start is a foreach.
	fe, ok := mustCard(t, fxForeachJoin).DAG()
	if !ok || len(fe.Steps) != 4 || fe.Steps[0].Type != "foreach" || fe.Steps[1].Name != "process" {
		t.Errorf("foreach dag %+v", fe)
	}
	// Cards without a dag.
	if _, ok := mustCard(t, fxComponents).DAG(); ok {
		t.Error("blank card has a dag")
	}
	// Key order is graph order, not alphabetical; a step named "steps" in
	// the old shape; switch nodes; junk fields of the wrong type.
	c := mustDecode(t, `{"components":[{"type":"dag","data":{
		"zeta":{"type":"start","next":["steps"],"box_next":true,"box_ends":null,"doc":""},
		"steps":{"type":"switch","next":["b","a"],"box_next":false,"box_ends":null,"doc":"d",
		         "condition":"mode","switch_cases":{"x":"b","y":"a","bad":3}},
		"b":{"type":"linear","next":["end"],"box_next":"yes","doc":7},
		"a":{"type":"linear","next":["end",1]},
		"end":{"type":"end","next":[]},
		"junk":5}}]}`)
	d, ok = c.DAG()
	if !ok {
		t.Fatal("no dag")
	}
	var names []string
	for _, s := range d.Steps {
		names = append(names, s.Name)
	}
	if !reflect.DeepEqual(names, []string{"zeta", "steps", "b", "a", "end"}) || d.StartStep != "" || d.EndStep != "end" {
		t.Errorf("old-shape dag %q start=%q end=%q", names, d.StartStep, d.EndStep)
	}
	sw, _ := d.Step("steps")
	if sw.Condition != "mode" || !reflect.DeepEqual(sw.SwitchCases, map[string]string{"x": "b", "y": "a"}) {
		t.Errorf("switch %+v", sw)
	}
	if a, _ := d.Step("a"); !reflect.DeepEqual(a.Next, []string{"end"}) {
		t.Errorf("a.next %q", a.Next)
	}
}

func TestWalk(t *testing.T) {
	c := mustCard(t, fxComponents)
	var all, skipped []string
	c.Walk(func(k *Component) bool {
		all = append(all, k.ID)
		return true
	})
	c.Walk(func(k *Component) bool {
		skipped = append(skipped, k.ID)
		return k.Type != TypeTable && k.Type != TypeEventsTimeline
	})
	// mixed_table has 3 component cells, timeline one payload.
	if len(all) != len(skipped)+4 {
		t.Errorf("walk %d, with tables skipped %d", len(all), len(skipped))
	}
	for _, id := range []string{"markdown_82a884", "image_a74f3a", "markdown_0f9c53"} {
		if c.Find(id) == nil {
			t.Errorf("Find(%s) = nil", id)
		}
	}
	if c.Find("nope") != nil {
		t.Error("found a missing id")
	}
}

func TestComponentSet(t *testing.T) {
	c := mustDecode(t, `{"components":[{"type":"section","id":"s","contents":[{"type":"text","text":"a"}]}]}`)
	s := c.Components[0]
	if err := s.Set("contents", json.RawMessage(`[{"type":"markdown","id":"m","source":"x"},{"type":"text"}]`)); err != nil {
		t.Fatal(err)
	}
	if n := len(s.Contents()); n != 2 || c.Find("m") == nil {
		t.Errorf("new contents not walked: %d", n)
	}
	// Changing the type folds the nesting field back: a text has no children.
	if err := s.Set("type", json.RawMessage(`"text"`)); err != nil {
		t.Fatal(err)
	}
	if s.Type != "text" || len(s.Children()) != 0 || c.Find("m") != nil {
		t.Errorf("type change: %s children=%d", s.Type, len(s.Children()))
	}
	s.SetString("id", "renamed")
	if s.ID != "renamed" || c.Find("renamed") != s {
		t.Errorf("id %q", s.ID)
	}
	s.Delete("id")
	if s.ID != "" || s.hasID {
		t.Errorf("id after delete %q", s.ID)
	}
	if err := s.Set("x", json.RawMessage(`{bad`)); err == nil {
		t.Error("Set accepted invalid JSON")
	}
	var comp Component
	if err := json.Unmarshal([]byte(`{"type":"page","contents":[{"type":"title","text":"t"}]}`), &comp); err != nil || len(comp.Contents()) != 1 {
		t.Errorf("unmarshal component: %v", err)
	}
	var card Card
	if err := json.Unmarshal([]byte(`{"components":[{"type":"title"}]}`), &card); err != nil || len(card.Components) != 1 {
		t.Errorf("unmarshal card: %v", err)
	}
	if b, _ := json.Marshal(&card); string(b) != `{"components":[{"type":"title"}]}` {
		t.Errorf("marshal card %s", b)
	}
}

func TestObject(t *testing.T) {
	var o Object
	if err := json.Unmarshal([]byte(`{"b": 1, "a": "x", "b": 2}`), &o); err != nil {
		t.Fatal(err)
	}
	if strings.Join(o.Keys(), ",") != "b,a" || o.Len() != 2 {
		t.Errorf("keys %q", o.Keys())
	}
	if v, ok := o.Get("b"); !ok || string(v) != "2" {
		t.Errorf("b = %s", v)
	}
	if s, ok := o.String("a"); !ok || s != "x" {
		t.Errorf("a = %q", s)
	}
	if _, ok := o.String("b"); ok {
		t.Error("number read as string")
	}
	if err := o.Set("c", json.RawMessage(`[1]`)); err != nil {
		t.Fatal(err)
	}
	o.SetString("b", "<&>")
	o.Delete("a")
	if b, _ := o.MarshalJSON(); string(b) != `{"b":"<&>","c":[1]}` {
		t.Errorf("marshal %s", b)
	}
	if err := o.UnmarshalJSON([]byte(`[1]`)); !errors.Is(err, ErrInvalid) {
		t.Errorf("array as object: %v", err)
	}
	// Many keys: the index keeps lookups right through sets and deletes.
	var big Object
	for i := 0; i < 100; i++ {
		big.SetString(fmt.Sprint("k", i), fmt.Sprint(i))
	}
	big.Delete("k10")
	big.SetString("k50", "new")
	if s, _ := big.String("k99"); s != "99" || big.Len() != 99 {
		t.Errorf("k99 %q len %d", s, big.Len())
	}
	if s, _ := big.String("k50"); s != "new" || big.Keys()[49] != "k50" {
		t.Errorf("k50 %q at %q", s, big.Keys()[49])
	}
	// Values keep no reference to the caller's buffer.
	buf := []byte(`{"k":"v"}`)
	var o2 Object
	_ = o2.UnmarshalJSON(buf)
	copy(buf, `{"k":"X"}`)
	if s, _ := o2.String("k"); s != "v" {
		t.Errorf("object aliases its input: %q", s)
	}
	// A Component value encodes like a pointer.
	c := mustDecode(t, `{"components":[{"type":"x","id":"i"}]}`)
	if b, _ := json.Marshal(*c.Components[0]); string(b) != `{"type":"x","id":"i"}` {
		t.Errorf("component value %s", b)
	}
	if b, _ := json.Marshal(*c); string(b) != `{"components":[{"type":"x","id":"i"}]}` {
		t.Errorf("card value %s", b)
	}
}
