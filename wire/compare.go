package wire

import "time"

// The compare page's answer (package compare computes it).

// CompareGroup is the group of a CompareRow.
type CompareGroup string

// Groups of rows, in the order the table shows them. The server sends the
// run, parameter and artifact rows; the page builds the ValueBox rows from
// the card trees (frontend/src/compare/valueboxes.ts), since they need the
// card update rule, which lives in TypeScript only.
const (
	GroupRun       CompareGroup = "run"
	GroupParameter CompareGroup = "parameter"
	GroupArtifact  CompareGroup = "artifact"
	GroupValueBox  CompareGroup = "valuebox"
)

// CompareResult is the body of GET /api/flows/{flow}/compare?runs=a,b: one
// comparison, runs lined up.
type CompareResult struct {
	Flow string       `json:"flow"`
	Runs []CompareRun `json:"runs"`
	// Steps are the steps whose scalar artifacts are rows; AllSteps the
	// steps of the compared runs, for the step picker.
	Steps    []string     `json:"steps"`
	AllSteps []string     `json:"all_steps"`
	Rows     []CompareRow `json:"rows"`
	Cards    []CardMatch  `json:"cards"`
	// ExportName is the file name an export of the comparison is saved
	// as, without its extension (.csv, .html).
	ExportName string `json:"export_name"`
}

// CompareRun is a compared run's header.
type CompareRun struct {
	ID       string    `json:"id"`
	Status   Status    `json:"status"`
	Started  time.Time `json:"started_at"`
	Finished time.Time `json:"finished_at"`
	Live     bool      `json:"live"`
	Err      string    `json:"error,omitempty"`
}

// CompareRow is one line of the table: a value per run, nil where the run has
// none.
type CompareRow struct {
	Group CompareGroup `json:"group"`
	Name  string       `json:"name"`
	// Detail says where the value comes from (a step, a card).
	Detail string    `json:"detail,omitempty"`
	Values []*string `json:"values"`
	// Differs is set when the runs do not all have the same value (a
	// missing value differs from any value).
	Differs bool `json:"differs"`
}

// CardMatch is one card as it appears in each run.
type CardMatch struct {
	Step         string `json:"step"`
	Type         string `json:"type"`
	ID           string `json:"id,omitempty"`
	ForeachIndex int    `json:"foreach_index"`
	Label        string `json:"label"`
	// Keys holds the card key in each run, "" where the run lacks it.
	Keys []string `json:"keys"`
}
