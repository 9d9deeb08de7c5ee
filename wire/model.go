package wire

// The index's model as the API sends it: statuses, counts, the run graph,
// logs, failures, artifacts. Package datastore computes these and names them
// by alias.

// Status is the derived state of a run, step, task or attempt. A local
// datastore records no run-level status, so every value here is inferred
// from files by the rules in datastore/doc.go.
//
// tsgen:values STATUSES
type Status string

// The statuses a run, step, task or attempt can have.
const (
	StatusRunning   Status = "running"
	StatusSucceeded Status = "succeeded"
	StatusFailed    Status = "failed"
	StatusUnknown   Status = "unknown"
)

// Counts tallies tasks by status.
type Counts struct {
	Total     int `json:"total"`
	Running   int `json:"running"`
	Succeeded int `json:"succeeded"`
	Failed    int `json:"failed"`
	Unknown   int `json:"unknown"`
}

// Add counts one task of status s.
func (c *Counts) Add(s Status) {
	c.Total++
	switch s {
	case StatusRunning:
		c.Running++
	case StatusSucceeded:
		c.Succeeded++
	case StatusFailed:
		c.Failed++
	default:
		c.Unknown++
	}
}

// RunGraph is a run's step graph in one shape for every Metaflow version and
// source, so that no client parses Metaflow's graph formats. It lists every
// step of the flow, including steps the run has not started yet.
type RunGraph struct {
	Steps     []GraphStep `json:"steps"`
	StartStep string      `json:"start_step"`
	EndStep   string      `json:"end_step"`
	// Source says where the graph came from: "card" (the dag component of
	// a default card), "graph_info" (the _graph_info artifact of the run's
	// _parameters task) or "steps" (only the steps seen so far, no edges).
	Source string `json:"source"`
}

// GraphStep is one node of the step graph with the run's state of it.
type GraphStep struct {
	Name string `json:"name"`
	// Type is start, linear, split, foreach, switch, join or end.
	Type    string   `json:"type"`
	Next    []string `json:"next"`
	Doc     string   `json:"doc,omitempty"`
	BoxNext bool     `json:"box_next,omitempty"`
	BoxEnds string   `json:"box_ends,omitempty"`
	// Status is the step's status in the run, or StatusPending when none
	// of its tasks exists yet.
	Status Status `json:"status" tstype:"Status | 'pending'"`
	Counts Counts `json:"counts"`
}

// StatusPending marks a graph step that has no task yet. It is never a
// task's or run's status.
//
// tsgen:ignore (not a value of Status on the wire; GraphStep says it)
const StatusPending Status = "pending"

// Graph sources.
const (
	GraphFromCard      = "card"
	GraphFromGraphInfo = "graph_info"
	GraphFromSteps     = "steps"
)

// StepType is the node type of a step ("" when unknown or g is nil).
func (g *RunGraph) StepType(name string) string {
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

// LogLine is one line of an mflog file:
// [MFLOG|0|<utc iso time>|<source>|<uuid>]<text>
type LogLine struct {
	TS     string `json:"ts,omitempty"`
	Source string `json:"source,omitempty"`
	Text   string `json:"text"`
}

// LogData is a task's stdout or stderr for one attempt.
type LogData struct {
	Attempt   int       `json:"attempt"`
	Stream    string    `json:"stream" tstype:"LogStream"`
	Truncated bool      `json:"truncated"`
	Lines     []LogLine `json:"lines"`
}

// Failure is a failed task of a run with the end of its stderr, where
// Metaflow prints the exception.
type Failure struct {
	Step    string `json:"step"`
	Task    string `json:"task"`
	Attempt int    `json:"attempt"`
	// Lines are the last lines of the attempt's stderr; Truncated is set
	// when earlier lines were left out.
	Lines     []LogLine `json:"lines"`
	Truncated bool      `json:"truncated"`
	Err       string    `json:"error,omitempty"`
}

// Artifact is one entry of an attempt's N.data.json artifact index.
type Artifact struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Size     int64  `json:"size"`
	Encoding string `json:"encoding"`
	Attempt  int    `json:"attempt"`
	// Preview is a one-line value for small simple artifacts ("0.0684",
	// "'item_003'"); empty for the rest, which are decoded when opened.
	Preview string `json:"preview,omitempty"`
}

// CardSearch is the outcome of looking for a flow's cards below the
// datastore's parent folder (docs/format.md, "Where the cards go, before
// 2.18.13": Metaflow before 2.18.13 wrote the cards of a run started in a
// subfolder to <subfolder>/.metaflow/mf.cards).
type CardSearch struct {
	// Base is the folder searched below (the datastore's parent).
	Base string `json:"base"`
	// Roots are the card roots found that hold cards of the flow.
	Roots []string `json:"roots"`
	// Dirs is how many folders were looked at; Capped is set when the
	// search stopped at maxCardSearchDirs.
	Dirs   int  `json:"dirs"`
	Capped bool `json:"capped"`
}

// ChangeKind names what a Change reports.
type ChangeKind string

const (
	FlowAdded       ChangeKind = "flow_added"
	FlowRemoved     ChangeKind = "flow_removed"
	RunAdded        ChangeKind = "run_added"
	RunChanged      ChangeKind = "run_changed" // status, tags, end time
	RunRemoved      ChangeKind = "run_removed"
	StepAdded       ChangeKind = "step_added"
	TaskAdded       ChangeKind = "task_added"
	TaskChanged     ChangeKind = "task_changed" // status or attempt
	TaskRemoved     ChangeKind = "task_removed"
	CardAdded       ChangeKind = "card_added"
	CardHTMLChanged ChangeKind = "card_html_changed"
	CardDataChanged ChangeKind = "card_data_changed"
	CardRemoved     ChangeKind = "card_removed"
	CardError       ChangeKind = "card_error"
	// Rescanned says a whole subtree was read again (after an overflow or a
	// watch fault); consumers should refetch what they show.
	Rescanned ChangeKind = "rescanned"
)
