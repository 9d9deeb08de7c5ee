package cards

import "slices"

// Component types of docs/format.md §10, as they appear in "type".
const (
	TypePage           = "page"
	TypeSection        = "section"
	TypeTitle          = "title"
	TypeSubtitle       = "subtitle"
	TypeText           = "text"
	TypeHeading        = "heading"
	TypeMarkdown       = "markdown"
	TypeTable          = "table"
	TypeImage          = "image"
	TypeArtifacts      = "artifacts"
	TypeDAG            = "dag"
	TypeLog            = "log"
	TypePythonCode     = "pythonCode"
	TypeProgressBar    = "progressBar"
	TypeValueBox       = "valueBox"
	TypeVegaChart      = "vegaChart"
	TypeEventsTimeline = "eventsTimeline"
	TypeJSONViewer     = "jsonViewer"
	TypeYAMLViewer     = "yamlViewer"
)

// KnownTypes lists the component types of docs/format.md §10. Anything else is
// kept as it is and shown as an unknown component.
var KnownTypes = []string{
	TypePage, TypeSection, TypeTitle, TypeSubtitle, TypeText, TypeHeading,
	TypeMarkdown, TypeTable, TypeImage, TypeArtifacts, TypeDAG, TypeLog,
	TypePythonCode, TypeProgressBar, TypeValueBox, TypeVegaChart,
	TypeEventsTimeline, TypeJSONViewer, TypeYAMLViewer,
}

// IsKnownType reports whether t is one of KnownTypes.
func IsKnownType(t string) bool { return slices.Contains(KnownTypes, t) }
