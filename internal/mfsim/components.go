package mfsim

import (
	"encoding/base64"
	"strings"
)

// Card components as Go values: each builder returns the Obj that
// Metaflow's component.render() produces, with the same keys in the same
// order (docs/format.md §10). Change or add fields with Obj.With. An empty id is
// filled in when the component is appended to a card, as
// <lowercase class name>_<6 hex>, the way Metaflow names them.

// Page is a top-level container and navigation entry.
func Page(title string, contents ...Obj) Obj {
	return Obj{{"type", "page"}, {"title", title}, {"contents", objs(contents)}}
}

// Section is a container; an empty title is left out, as Metaflow does.
func Section(title string, contents ...Obj) Obj {
	o := Obj{{"type", "section"}}
	if title != "" {
		o = append(o, KV{"title", title})
	}
	return append(o, KV{"contents", objs(contents)})
}

// Title is a title line.
func Title(text string) Obj { return Obj{{"type", "title"}, {"text", text}} }

// Subtitle is a subtitle line.
func Subtitle(text string) Obj { return Obj{{"type", "subtitle"}, {"text", text}} }

// Text is a paragraph of plain text.
func Text(text string) Obj { return Obj{{"type", "text"}, {"text", text}} }

// Markdown is a Markdown component. Metaflow puts a "\n" in front of text
// that does not start with "#", and so does this.
func Markdown(id, source string) Obj {
	if !strings.HasPrefix(source, "#") {
		source = "\n" + source
	}
	return Obj{{"type", "markdown"}, {"source", source}, {"id", id}}
}

// ProgressBar is a progress bar; label, unit and details are added with
// With when wanted.
func ProgressBar(id string, max, value any) Obj {
	return Obj{{"type", "progressBar"}, {"id", id}, {"max", max}, {"value", value}}
}

// ValueBox shows one value with a title.
func ValueBox(id, title string, value any) Obj {
	return Obj{{"type", "valueBox"}, {"id", id}, {"value", value}, {"title", title}}
}

// VegaChart is a Vega-Lite chart; "width": "container" is added to the
// spec when it has no width, as Metaflow does.
func VegaChart(id string, spec Obj) Obj {
	if _, ok := spec.Get("width"); !ok {
		spec = spec.With("width", "container")
	}
	return Obj{{"type", "vegaChart"}, {"id", id}, {"spec", spec}, {"options", Obj{{"actions", false}}}}
}

// LineChart is the Vega-Lite spec of a line chart of y over x, like the
// loss chart of the live fixture.
func LineChart(title, x, y string, points []Obj) Obj {
	return Obj{
		{"$schema", "https://vega.github.io/schema/vega-lite/v5.json"},
		{"title", title},
		{"data", Obj{{"values", objs(points)}}},
		{"mark", Obj{{"type", "line"}, {"point", true}}},
		{"encoding", Obj{
			{"x", Obj{{"field", x}, {"type", "quantitative"}}},
			{"y", Obj{{"field", y}, {"type", "quantitative"}}},
		}},
	}
}

// Table is a table; cells are strings, numbers, bools, nil or components.
func Table(id string, columns []string, rows [][]any) Obj {
	data := make([]any, len(rows))
	for i, r := range rows {
		data[i] = r
	}
	return Obj{{"type", "table"}, {"columns", columns}, {"data", data}, {"vertical", false}, {"id", id}}
}

// Image is an image from PNG bytes, encoded as Metaflow does: a data URI
// with a space after the comma and base64 wrapped at 76 columns.
func Image(id string, png []byte, label string) Obj {
	enc := base64.StdEncoding.EncodeToString(png)
	var b strings.Builder
	b.WriteString("data:image/png;base64, ")
	for len(enc) > 76 {
		b.WriteString(enc[:76])
		b.WriteByte('\n')
		enc = enc[76:]
	}
	b.WriteString(enc)
	b.WriteByte('\n')
	return Obj{{"type", "image"}, {"src", b.String()}, {"label", label}, {"id", id}}
}

// Artifacts lists artifacts by repr.
func Artifacts(id string, entries ...Obj) Obj {
	o := Obj{{"type", "artifacts"}, {"data", objs(entries)}}
	if id != "" {
		o = append(o, KV{"id", id})
	}
	return o
}

// ArtifactEntry is one row of an artifacts component.
func ArtifactEntry(name, pyType, repr string) Obj {
	var n any = name
	if name == "" {
		n = nil
	}
	return Obj{{"type", pyType}, {"data", repr}, {"large_object", false}, {"supported_type", false}, {"only_repr", true}, {"name", n}}
}

// Log is a log component (also what Error components and warnings become).
func Log(id, data string) Obj { return Obj{{"type", "log"}, {"data", data}, {"id", id}} }

// PythonCode shows source code.
func PythonCode(id, source string) Obj {
	o := Obj{{"type", "pythonCode"}, {"data", source}}
	if id != "" {
		o = append(o, KV{"id", id})
	}
	return o
}

// JSONViewer shows a JSON document.
func JSONViewer(id, title, jsonText string) Obj {
	return Obj{{"type", "jsonViewer"}, {"id", id}, {"json_string", jsonText}, {"collapsible", true}, {"show_copy_button", true}, {"title", title}}
}

// DAG is the dag component of a run's graph, in the shape of the Version.
func (r *Run) DAG() Obj {
	steps := Obj{}
	for _, g := range r.graph {
		var ends any
		if g.BoxEnds != "" {
			ends = g.BoxEnds
		}
		boxNext := g.Type != "linear" && g.Type != "join"
		steps = append(steps, KV{g.Name, Obj{
			{"type", g.Type}, {"box_next", boxNext}, {"box_ends", ends},
			{"next", tagList(g.Next)}, {"doc", g.Doc},
		}})
	}
	if !r.ds().feat.dagSteps {
		return Obj{{"type", "dag"}, {"data", steps}}
	}
	data := Obj{{"steps", steps}}
	if len(r.graph) > 0 {
		data = append(data, KV{"start_step", r.graph[0].Name}, KV{"end_step", r.graph[len(r.graph)-1].Name})
	}
	return Obj{{"type", "dag"}, {"data", data}}
}

// updatable are the component types that runtime data JSON carries
// (docs/format.md §11). Images are left out: only disable_updates=False ones
// update, and the builders make the common kind.
var updatable = map[string]bool{
	"markdown": true, "progressBar": true, "valueBox": true, "vegaChart": true,
	"artifacts": true, "table": true, "eventsTimeline": true,
	"jsonViewer": true, "yamlViewer": true,
}

// idPrefix is the Python class name behind each type, lowercased.
var idPrefix = map[string]string{
	"markdown": "markdown", "table": "table", "image": "image", "artifacts": "artifact",
	"log": "logcomponent", "progressBar": "progressbar", "valueBox": "valuebox",
	"vegaChart": "vegachart", "pythonCode": "pythoncode", "jsonViewer": "jsonviewer",
	"yamlViewer": "yamlviewer", "eventsTimeline": "eventstimeline",
}

func objType(o Obj) string {
	v, _ := o.Get("type")
	s, _ := v.(string)
	return s
}

func objID(o Obj) string {
	v, _ := o.Get("id")
	s, _ := v.(string)
	return s
}

func objs(list []Obj) []any {
	out := make([]any, len(list))
	for i, o := range list {
		out[i] = o
	}
	return out
}
