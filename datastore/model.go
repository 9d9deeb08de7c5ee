package datastore

import (
	"flowdeck/wire"
	"time"
)

// Status is the derived state of a run, step, task or attempt (wire.Status:
// the API's type, declared there; the rules that infer it are in doc.go).
type Status = wire.Status

// The statuses.
const (
	StatusRunning   = wire.StatusRunning
	StatusSucceeded = wire.StatusSucceeded
	StatusFailed    = wire.StatusFailed
	StatusUnknown   = wire.StatusUnknown
)

// Flow is one flow folder that has a _meta/_self.json.
type Flow struct {
	Name      string `json:"name"`
	Runs      int    `json:"runs"`
	LatestRun string `json:"latest_run"`
	Err       string `json:"error,omitempty"`
}

// Run holds what the run list shows. Status is empty until the run's tasks
// have been read (Loaded false).
type Run struct {
	Flow       string    `json:"flow"`
	ID         string    `json:"id"`
	User       string    `json:"user"`
	Tags       []string  `json:"tags"`
	SystemTags []string  `json:"system_tags"`
	Started    time.Time `json:"started_at"`
	Finished   time.Time `json:"finished_at"`
	Status     Status    `json:"status"`
	Loaded     bool      `json:"loaded"`
	// Resumed is set when tasks of this run were cloned from OriginRun.
	OriginRun string `json:"origin_run,omitempty"`
	// MetaflowVersion comes from the metaflow_version system tag.
	MetaflowVersion string `json:"metaflow_version,omitempty"`
	// LastActivity is the newest file time seen under the run; it drives
	// the "unknown" rule for runs whose orchestrator vanished.
	LastActivity time.Time `json:"last_activity"`
	Err          string    `json:"error,omitempty"`
	// Parameters are the run's parameters in one line each (runParameters);
	// nil until the run is read, or when it has none recorded.
	Parameters map[string]string `json:"parameters,omitempty"`
	// TaskCounts over the latest attempt of every task.
	Counts Counts `json:"counts"`
	// order is the sort key for non-numeric run ids (ts_epoch of _self.json).
	tsEpoch int64
}

// Counts tallies tasks by status (wire.Counts).
type Counts = wire.Counts

// Step is one step folder of a run.
type Step struct {
	Name   string `json:"name"`
	Order  int    `json:"order"`
	Status Status `json:"status"`
	Counts Counts `json:"counts"`
	// Started is the step _self.json ts_epoch (first task created).
	Started time.Time `json:"started_at"`
	Err     string    `json:"error,omitempty"`
	// headerRead is set once _meta/_self.json was read; until then Started
	// may be a stand-in taken from the first task.
	headerRead bool
}

// Task is one task folder with its attempts and cards.
type Task struct {
	Flow     string    `json:"flow"`
	Run      string    `json:"run"`
	Step     string    `json:"step"`
	ID       string    `json:"id"`
	Attempt  int       `json:"attempt"`
	Attempts []Attempt `json:"attempts"`
	Status   Status    `json:"status"`
	Started  time.Time `json:"started_at"`
	Finished time.Time `json:"finished_at"`
	// ForeachIndex is -1 when the task is not a foreach split or the
	// writer recorded no foreach-stack (Metaflow before 2.14.1).
	ForeachIndex int    `json:"foreach_index"`
	ForeachVar   string `json:"foreach_var,omitempty"`
	ForeachValue string `json:"foreach_value,omitempty"`
	// OriginRun/OriginTask are set on tasks cloned by `resume`.
	OriginRun  string `json:"origin_run,omitempty"`
	OriginTask string `json:"origin_task,omitempty"`
	Cards      []Card `json:"cards"`
	Err        string `json:"error,omitempty"`
	// LastActivity is the newest mtime seen in the task and its cards.
	LastActivity time.Time `json:"-"`
	// stub marks a task of a run summary, not read yet.
	stub bool
}

// Attempt is one N.attempt.json of a task.
type Attempt struct {
	N        int       `json:"attempt"`
	Status   Status    `json:"status"`
	Started  time.Time `json:"started_at"`
	Finished time.Time `json:"finished_at"`
	Done     bool      `json:"done"`
	// OK is the attempt_ok metadata; nil when absent.
	OK *bool `json:"ok"`
	// Logs lists the log streams on disk for this attempt (stdout, stderr).
	Logs []string `json:"logs"`
}

// Card is one card file of a task, with its latest runtime data file.
type Card struct {
	Key  string `json:"key"`
	Flow string `json:"flow"`
	Run  string `json:"run"`
	Step string `json:"step"`
	Task string `json:"task"`
	Type string `json:"type"`
	ID   string `json:"id"`
	UUID string `json:"uuid"`
	// Attempt is taken from the card-info metadata; AttemptInferred is set
	// when it had to be inferred from times (Metaflow before 2.15.19).
	Attempt         int  `json:"attempt"`
	AttemptInferred bool `json:"attempt_inferred,omitempty"`
	// Legacy is set when the card was found only under the pre-2.7.10
	// runs/<run>/tasks/<task>/cards layout.
	Legacy bool `json:"legacy,omitempty"`
	// Origin names the task the file belongs to when it is shown on a task
	// cloned by resume ("flow/run/step/task").
	Origin string    `json:"origin,omitempty"`
	HTML   CardFile  `json:"html"`
	Data   *CardFile `json:"data"`
	// Token is the HTML reload token once known (see TokenKnown).
	Token      string `json:"token"`
	TokenKnown bool   `json:"token_known"`
	// Final is true when the HTML token is final and the data token is final
	// or there is no data file.
	Final bool   `json:"final"`
	Err   string `json:"error,omitempty"`
}

// LiveOn reports whether the card, shown on task t, is still being
// updated: it is not final, the task is running, and the card belongs to
// the task's latest attempt (an earlier attempt's card no longer changes).
func (c Card) LiveOn(t Task) bool {
	return !c.Final && t.Status == StatusRunning && c.Attempt == t.Attempt
}

// CardFile is the state of one card file on disk.
type CardFile struct {
	Path    string    `json:"-"`
	Size    int64     `json:"size"`
	ModTime time.Time `json:"mtime"`
	// Token is the reload token: for HTML, METAFLOW_RELOAD_TOKEN; for data
	// JSON, reload_token.
	Token     string   `json:"token,omitempty"`
	CreatedOn *float64 `json:"created_on,omitempty"`
	Err       string   `json:"error,omitempty"`
	// ErrorCard is set on an HTML file holding Metaflow's error card
	// ("Card Render Failed With Error") in place of the requested card.
	ErrorCard bool `json:"error_card,omitempty"`
	// sum is a hash of what was read, so a rewrite with the same size and
	// mtime (coarse-mtime filesystems) is still seen as a change.
	sum      uint64
	resolved bool
	// etag is the listing's content tag (an S3 ETag), "" on a filesystem.
	etag string
	// unread marks runtime data of a running task seen changed in a
	// listing (etag) but not read: Token and CreatedOn are the last read
	// ones (lazyData).
	unread bool
}

// Name is the file name stem: type[-id]-uuid.
func (c *Card) Name() string {
	if c.ID != "" {
		return c.Type + "-" + c.ID + "-" + c.UUID
	}
	return c.Type + "-" + c.UUID
}

// Pathspec is flow/run/step/task of the task the card file belongs to.
func (c *Card) Pathspec() string { return c.Flow + "/" + c.Run + "/" + c.Step + "/" + c.Task }

// updateFinal applies docs/format.md §12: final when the HTML token and
// the data token are both "final" (or there is no data file). A card with
// no token, or the "[METAFLOW_RELOAD_TOKEN]" placeholder of 2.10.9-2.12.4
// error cards, is static: it never updates, so it is final as it is.
func (c *Card) updateFinal() {
	htmlFinal := c.Token == "final" || c.Token == "" || c.Token == "[METAFLOW_RELOAD_TOKEN]"
	c.Final = c.TokenKnown && c.HTML.Err == "" && htmlFinal && (c.Data == nil || c.Data.Token == "final")
}
