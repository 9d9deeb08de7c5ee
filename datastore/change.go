package datastore

import "flowdeck/wire"

// ChangeKind names what a Change reports (wire.ChangeKind).
type ChangeKind = wire.ChangeKind

// The kinds of change.
const (
	FlowAdded       = wire.FlowAdded
	FlowRemoved     = wire.FlowRemoved
	RunAdded        = wire.RunAdded
	RunChanged      = wire.RunChanged
	RunRemoved      = wire.RunRemoved
	StepAdded       = wire.StepAdded
	TaskAdded       = wire.TaskAdded
	TaskChanged     = wire.TaskChanged
	TaskRemoved     = wire.TaskRemoved
	CardAdded       = wire.CardAdded
	CardHTMLChanged = wire.CardHTMLChanged
	CardDataChanged = wire.CardDataChanged
	CardRemoved     = wire.CardRemoved
	CardError       = wire.CardError
	Rescanned       = wire.Rescanned
)

// Change is one typed change produced by Index.Apply. It says what changed
// (ids, tokens, statuses); consumers fetch what they show.
type Change struct {
	Kind ChangeKind `json:"kind"`
	Flow string     `json:"flow,omitempty"`
	Run  string     `json:"run,omitempty"`
	Step string     `json:"step,omitempty"`
	Task string     `json:"task,omitempty"`
	// Card is the card key for card changes.
	Card   string `json:"card,omitempty"`
	Status Status `json:"status,omitempty"`
	// OldStatus is set on status changes.
	OldStatus Status `json:"old_status,omitempty"`
	Attempt   int    `json:"attempt,omitempty"`
	// Token is the HTML token (CardAdded, CardHTMLChanged) or the data
	// token (CardDataChanged).
	Token     string   `json:"token,omitempty"`
	CreatedOn *float64 `json:"created_on,omitempty"`
	Final     bool     `json:"final,omitempty"`
	Err       string   `json:"error,omitempty"`
}

// ApplyResult is what Index.Apply returns.
type ApplyResult struct {
	Changes []Change
	// Retry lists paths whose content was incomplete (a writer older than
	// Metaflow 2.19.20 caught mid-write). The previous state was kept; the
	// caller should hand them to Apply again shortly.
	Retry []string
	// LiveRuns and FinishedRuns list "flow/run" whose liveness changed in
	// this batch, so a watcher can widen or release its watches.
	LiveRuns     []string
	FinishedRuns []string
}
