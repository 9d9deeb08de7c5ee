package cards

import (
	"encoding/json"
	"fmt"
)

// As decodes a component into one of the typed views of types.go (or any
// type encoding/json can fill). It does not check c.Type.
func As[T any](c *Component) (T, error) {
	var v T
	if err := json.Unmarshal(c.obj.appendJSON(nil), &v); err != nil {
		return v, fmt.Errorf("cards: %s component %q: %w", c.Type, c.ID, err)
	}
	return v, nil
}

// The typed views hold the fields docs/format.md §10 documents for each
// type, so that tests can check a decoded component field by field; decode
// one with As. The product reads components through Component (the frontend
// owns the typed shapes). Nested components are not in them: read those
// through the Component (Contents, Rows, Children) so that they stay the
// live nodes of the tree.

// Page is a top-level container and navigation entry.
type Page struct {
	Title string `json:"title"`
}

// Section is a container inside a page.
type Section struct {
	Title    string `json:"title,omitempty"`
	Subtitle string `json:"subtitle,omitempty"`
	Columns  *int   `json:"columns,omitempty"`
}

// Text is the view of title, subtitle and text components.
type Text struct {
	Text string `json:"text"`
}

// Heading is known to the card UI but not produced by Metaflow's Python
// components.
type Heading struct {
	Title    string `json:"title,omitempty"`
	Subtitle string `json:"subtitle,omitempty"`
}

// Markdown holds markdown source. Metaflow prefixes "\n" to sources that do
// not start with "#". HTML is set by AnnotateMarkdown, never by Metaflow.
type Markdown struct {
	Source string `json:"source"`
	HTML   string `json:"html,omitempty"`
}

// Table has headers and rows; the cells are in Component.Rows.
type Table struct {
	Columns  []string `json:"columns"`
	Vertical bool     `json:"vertical"`
}

// Image holds a data URI (with a space after the comma and base64 wrapped
// at 76 columns, as Python's base64.encodebytes writes it).
type Image struct {
	Src   string `json:"src"`
	Label string `json:"label,omitempty"`
}

// Artifacts lists artifact reprs.
type Artifacts struct {
	Data []Artifact `json:"data"`
}

// Artifact is one entry of an artifacts component. Name is nil for
// unnamed values.
type Artifact struct {
	Name          *string `json:"name"`
	Type          string  `json:"type"`
	Data          string  `json:"data"`
	LargeObject   bool    `json:"large_object"`
	SupportedType bool    `json:"supported_type"`
	OnlyRepr      bool    `json:"only_repr"`
}

// Log holds preformatted text (errors, warnings, error cards).
type Log struct {
	Data string `json:"data"`
}

// PythonCode holds source code.
type PythonCode struct {
	Data string `json:"data"`
}

// ProgressBar is an updatable progress bar.
type ProgressBar struct {
	Max     float64 `json:"max"`
	Value   float64 `json:"value"`
	Label   string  `json:"label,omitempty"`
	Unit    string  `json:"unit,omitempty"`
	Details string  `json:"details,omitempty"`
}

// ValueBox shows one value; Value is a number or a string.
type ValueBox struct {
	Value           json.RawMessage `json:"value"`
	Title           string          `json:"title,omitempty"`
	Subtitle        string          `json:"subtitle,omitempty"`
	Theme           string          `json:"theme,omitempty"`
	ChangeIndicator string          `json:"change_indicator,omitempty"`
}

// VegaChart holds a Vega-Lite spec.
type VegaChart struct {
	Spec    json.RawMessage `json:"spec"`
	Options json.RawMessage `json:"options,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// EventsTimeline lists events, newest first.
type EventsTimeline struct {
	Title  string          `json:"title,omitempty"`
	Events []Event         `json:"events"`
	Config json.RawMessage `json:"config,omitempty"`
	Stats  json.RawMessage `json:"stats,omitempty"`
}

// Event is one timeline entry; its payload components are in
// Component.Children of the timeline.
type Event struct {
	Metadata   json.RawMessage `json:"metadata"`
	Payloads   json.RawMessage `json:"payloads,omitempty"`
	EventID    string          `json:"event_id"`
	ReceivedAt float64         `json:"received_at"`
	StyleTheme string          `json:"style_theme,omitempty"`
	Priority   json.RawMessage `json:"priority,omitempty"`
}

// JSONViewer shows a JSON document given as a string.
type JSONViewer struct {
	JSONString     string          `json:"json_string"`
	Collapsible    bool            `json:"collapsible"`
	ShowCopyButton bool            `json:"show_copy_button"`
	Title          string          `json:"title,omitempty"`
	MaxHeight      json.RawMessage `json:"max_height,omitempty"`
}

// YAMLViewer shows a YAML document given as a string.
type YAMLViewer struct {
	YAMLString     string          `json:"yaml_string"`
	Collapsible    bool            `json:"collapsible"`
	ShowCopyButton bool            `json:"show_copy_button"`
	Title          string          `json:"title,omitempty"`
	MaxHeight      json.RawMessage `json:"max_height,omitempty"`
}
