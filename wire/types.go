package wire

import (
	"encoding/json"
)

// DatastoreStatus is the body of GET /api/datastore and of "status" events.
type DatastoreStatus struct {
	Root     string     `json:"root"`
	CardRoot string     `json:"card_root"`
	Flows    int        `json:"flows"`
	Runs     int        `json:"runs"`
	Indexing Progress   `json:"indexing"`
	Watch    WatchState `json:"watch"`
	Demo     bool       `json:"demo"`
	// Home is the datastore a demo returns to ("Leave the demo").
	Home OptString `json:"home"`
	// Shell is "window" or "serve".
	Shell   string `json:"shell"`
	Version string `json:"version"`
	// Seq is the number of change events published so far; the event
	// stream's first status gives it as of the stream's start, and every
	// API answer carries the count it was read at in X-Flowdeck-Seq. A
	// page that loaded before its stream opened reloads only when an
	// answer is older than the stream.
	Seq uint64 `json:"seq"`
}

// Progress is how far the first index of the datastore has come.
type Progress struct {
	Done  int `json:"done"`
	Total int `json:"total"`
}

// WatchState is how the datastore is watched.
type WatchState struct {
	// Mode is "events", "poll", "off" or "failed".
	Mode    string `json:"mode"`
	Watches int    `json:"watches"`
	// Err is a user-facing sentence (how to raise the inotify limit),
	// absent when watching works.
	Err string `json:"error,omitempty"`
	// Requests is the requests of the last minute to a remote datastore
	// (S3); omitted for a local one.
	Requests *int64 `json:"requests_per_min,omitempty"`
	// Cached: reads were answered from the local cache of finished runs
	// in the last minute.
	Cached bool `json:"cached,omitempty"`
	// Metadata is where run user and tags come from when not from the
	// datastore's own _meta: "none" (an S3 bucket: they are kept by the
	// metadata service) or the joined local metadata folder.
	Metadata string `json:"metadata,omitempty"`
}

// Flow is one flow of GET /api/flows.
type Flow struct {
	Name      string    `json:"name"`
	Runs      int       `json:"runs"`
	LatestRun OptString `json:"latest_run"`
	Err       OptString `json:"error"`
}

// RunSummary is one run of a flow's runs list, and the head of RunDetail.
type RunSummary struct {
	Flow   string `json:"flow"`
	ID     string `json:"id"`
	Status Status `json:"status"`
	// User is the user who started the run, null when none is recorded.
	User       OptString `json:"user"`
	Tags       []string  `json:"tags"`
	SystemTags []string  `json:"system_tags"`
	Started    Time      `json:"started_at"`
	Finished   Time      `json:"finished_at"`
	// Loaded is false until the run's metadata is read (status "unknown").
	Loaded bool   `json:"loaded"`
	Counts Counts `json:"counts"`
	// OriginRun is the run a resumed run came from, "flow/run"; null when
	// not resumed.
	OriginRun       OptString `json:"origin_run"`
	MetaflowVersion OptString `json:"metaflow_version"`
	// Parameters maps each parameter to its value in one line (Python-like:
	// 0.01, 'tuned', True); {} when the run is not read yet or recorded none.
	Parameters map[string]string `json:"parameters"`
	Err        OptString         `json:"error"`
	// Cached says the run is kept in the local cache of an S3 datastore's
	// finished runs: it opens again offline. Always false for a folder.
	Cached bool `json:"cached"`
}

// CardRef is one card of a task.
type CardRef struct {
	Key             string    `json:"key"`
	Type            string    `json:"type"`
	ID              OptString `json:"id"`
	UUID            string    `json:"uuid"`
	Attempt         int       `json:"attempt"`
	AttemptInferred bool      `json:"attempt_inferred"`
	Token           string    `json:"token"`
	DataToken       OptString `json:"data_token"`
	Final           bool      `json:"final"`
	Origin          OptString `json:"origin"`
	Err             OptString `json:"error"`
	// ErrorCard says Metaflow's error card ("Card Render Failed With Error")
	// stands in for this card.
	ErrorCard bool `json:"error_card"`
}

// TaskSummary is one task of a step, and the head of TaskDetail.
type TaskSummary struct {
	Flow         string    `json:"flow"`
	Run          string    `json:"run"`
	Step         string    `json:"step"`
	ID           string    `json:"id"`
	Status       Status    `json:"status"`
	Attempt      int       `json:"attempt"`
	Started      Time      `json:"started_at"`
	Finished     Time      `json:"finished_at"`
	ForeachIndex *int      `json:"foreach_index"`
	ForeachVar   OptString `json:"foreach_var"`
	ForeachValue OptString `json:"foreach_value"`
	// Origin is the task a resumed task was cloned from, "flow/run/step/task".
	Origin OptString `json:"origin"`
	Cards  []CardRef `json:"cards"`
	// FirstCard is the key of the card the task opens on
	// (datastore.FirstCard), null when it has none.
	FirstCard OptString `json:"first_card"`
	Err       OptString `json:"error"`
}

// Landing is where the UI opens with no route (GET /api/landing): a route,
// null past its last level.
type Landing struct {
	Flow OptString `json:"flow"`
	Run  OptString `json:"run"`
	Step OptString `json:"step"`
	Task OptString `json:"task"`
	Card OptString `json:"card"`
}

// Step is one step of a run, with a page of its tasks.
type Step struct {
	Name string `json:"name"`
	// Type is the step's type in the run graph (StepType), null when unknown.
	Type        OptString     `json:"type"`
	Status      Status        `json:"status"`
	Counts      Counts        `json:"counts"`
	Started     Time          `json:"started_at"`
	TasksTotal  int           `json:"tasks_total"`
	TasksOffset int           `json:"tasks_offset"`
	Tasks       []TaskSummary `json:"tasks"`
	Err         OptString     `json:"error"`
}

// RunDetail is the body of GET /api/runs/{flow}/{run}.
type RunDetail struct {
	RunSummary
	DAG      *RunGraph `json:"dag"`
	EndStep  string    `json:"end_step"`
	Steps    []Step    `json:"steps"`
	Failures []Failure `json:"failures"`
	// CardsFoundIn is the card root of a run whose cards are not under the
	// datastore's (a subfolder's .metaflow/mf.cards, Metaflow before
	// 2.18.13).
	CardsFoundIn OptString `json:"cards_found_in"`
}

// TimelineAttempt is one attempt of a task on the run's timeline.
type TimelineAttempt struct {
	Step     string `json:"step"`
	Task     string `json:"task"`
	Attempt  int    `json:"attempt"`
	Status   Status `json:"status"`
	Started  Time   `json:"started_at"`
	Finished Time   `json:"finished_at"`
}

// Timeline is the body of GET /api/runs/{flow}/{run}/timeline: every
// attempt of every task, for the run page's Gantt chart.
type Timeline struct {
	// Now is the server's clock when it answered.
	Now      Time   `json:"now"`
	Status   Status `json:"status"`
	Started  Time   `json:"started_at"`
	Finished Time   `json:"finished_at"`
	// Tasks is the number of tasks in the run (each has one or more
	// attempts).
	Tasks    int               `json:"tasks"`
	Attempts []TimelineAttempt `json:"attempts"`
}

// LogStream is "stdout" or "stderr".
type LogStream string

// The two log streams.
const (
	Stdout LogStream = "stdout"
	Stderr LogStream = "stderr"
)

// Attempt is one attempt of a task.
type Attempt struct {
	Attempt  int    `json:"attempt"`
	Status   Status `json:"status"`
	Started  Time   `json:"started_at"`
	Finished Time   `json:"finished_at"`
	// Logs lists the streams the attempt has.
	Logs []string `json:"logs" tstype:"LogStream[]"`
}

// ArtifactValue is the body of GET
// /api/tasks/{flow}/{run}/{step}/{task}/artifacts/{name}.
type ArtifactValue struct {
	Name    string `json:"name"`
	Type    string `json:"type"`
	Size    int64  `json:"size"`
	Attempt int    `json:"attempt"`
	// Value is the artifacts package's value tree, sent as decoded.
	Value     json.RawMessage `json:"value" tstype:"ValueNode"`
	Truncated bool            `json:"truncated"`
	Err       OptString       `json:"error"`
}

// TaskLogs says which log streams a task has.
type TaskLogs struct {
	Stdout bool `json:"stdout"`
	Stderr bool `json:"stderr"`
}

// TaskDetail is the body of GET /api/tasks/{flow}/{run}/{step}/{task}.
type TaskDetail struct {
	TaskSummary
	Attempts  []Attempt  `json:"attempts"`
	Artifacts []Artifact `json:"artifacts"`
	Logs      TaskLogs   `json:"logs"`
	Pathspec  string     `json:"pathspec"`
	// CardsFoundIn: see RunDetail.
	CardsFoundIn OptString `json:"cards_found_in"`
	// CardSearch is set when the run has no card anywhere: where Flowdeck
	// looked.
	CardSearch *CardSearch `json:"card_search"`
}

// CardKind is what a card file holds, and so how it is shown (docs/format.md §9).
type CardKind string

const (
	// KindTemplate is a default, blank or error card: HTML that embeds the
	// card JSON as base64 in window.__MF_DATA__.
	KindTemplate CardKind = "template"
	// KindJSON is raw card JSON stored as .html (default_json).
	KindJSON CardKind = "json"
	// KindHTML is any other HTML: custom cards, html extension cards.
	KindHTML CardKind = "html"
	// KindText is anything else, e.g. taskspec_card's pathspec.
	KindText CardKind = "text"
)

// CardDetail is the body of GET /api/cards/{key}.
type CardDetail struct {
	Key  string    `json:"key"`
	Type string    `json:"type"`
	ID   OptString `json:"id"`
	UUID string    `json:"uuid"`
	// Task is the task's pathspec, "flow/run/step/task".
	Task            string    `json:"task"`
	Origin          OptString `json:"origin"`
	Attempt         int       `json:"attempt"`
	AttemptInferred bool      `json:"attempt_inferred"`
	Token           string    `json:"token"`
	DataToken       OptString `json:"data_token"`
	Final           bool      `json:"final"`
	Kind            CardKind  `json:"kind"`
	ErrorCard       bool      `json:"error_card"`
	// Card is the card's component tree (template and JSON cards), null for
	// the rest.
	Card any       `json:"card" tstype:"{ metadata?: unknown; components?: unknown[] } | null"`
	Text OptString `json:"text"`
	// UpdateDisabled says a final template render accepts no more data.
	UpdateDisabled bool `json:"update_disabled"`
	Live           bool `json:"live"`
	// Original says the card file's own HTML shows the card (false: the
	// demo's stand-in HTML, text cards).
	Original bool `json:"original"`
	// TaskStatus is the status of the task the card file belongs to.
	TaskStatus string `json:"task_status" tstype:"Status | ''"`
	// LatestAttempt is the task's latest attempt (a card of an older
	// attempt is left over).
	LatestAttempt int    `json:"latest_attempt"`
	HTMLURL       string `json:"html_url"`
	Size          int64  `json:"size"`
	UpdatedAt     Time   `json:"updated_at"`
	// Stale says the file is caught mid-write; this is its last good
	// content.
	Stale bool      `json:"stale"`
	Err   OptString `json:"error"`
}

// CardData is the body of GET /api/cards/{key}/data: a card's runtime data
// JSON.
type CardData struct {
	ReloadToken string          `json:"reload_token"`
	Data        json.RawMessage `json:"data" tstype:"Record<string, unknown>"`
	// CreatedOn is when the data was written (seconds), null when it has
	// none. A file this struct cannot read (a string created_on) is sent as
	// written, hence the string.
	CreatedOn *float64 `json:"created_on" tstype:"number | string | null"`
}

// Welcome is the body of GET /api/welcome: what the welcome page offers.
type Welcome struct {
	Recent        []string `json:"recent"`
	CanOpenDialog bool     `json:"can_open_dialog"`
	CanOpenPath   bool     `json:"can_open_path"`
	// CanOpenS3 says an s3://bucket/prefix can be opened (the window, with
	// S3 support).
	CanOpenS3 bool      `json:"can_open_s3"`
	Demo      bool      `json:"demo"`
	Home      OptString `json:"home"`
}

// OpenRequest is the body of POST /api/open: one of its fields is set.
type OpenRequest struct {
	Path   string `json:"path,omitempty"`
	Dialog bool   `json:"dialog,omitempty"`
	Demo   bool   `json:"demo,omitempty"`
	// Home leaves a demo for the datastore opened before it.
	Home bool `json:"home,omitempty"`
}

// Change is one typed change from the event stream ("change" events): what
// changed, never the data. Like every answer it sends each field: one that
// does not apply to its kind is null, never left out.
type Change struct {
	Kind ChangeKind `json:"kind"`
	Flow OptString  `json:"flow"`
	Run  OptString  `json:"run"`
	Step OptString  `json:"step"`
	Task OptString  `json:"task"`
	// Card is the card key for card changes.
	Card   OptString `json:"card"`
	Status *Status   `json:"status"`
	// OldStatus is set on status changes.
	OldStatus *Status `json:"old_status"`
	Attempt   int     `json:"attempt"`
	// Token is the HTML token (card_added, card_html_changed) or the data
	// token (card_data_changed); null when not read (a live card's data on
	// S3, datastore.lazyData).
	Token     OptString `json:"token"`
	CreatedOn *float64  `json:"created_on"`
	Final     bool      `json:"final"`
	Err       OptString `json:"error"`
}

// ErrorBody is the body of every error answer (4xx/5xx, docs/api.md).
type ErrorBody struct {
	Error string `json:"error"`
	// Welcome is set with 409 when no datastore is open: the UI shows the
	// welcome page.
	Welcome bool `json:"welcome,omitempty"`
}

// NoDatastore is the body of "status" events while no datastore is open
// (the welcome page); DatastoreStatus once one is.
type NoDatastore struct {
	Error   string `json:"error"`
	Welcome bool   `json:"welcome"`
	Shell   string `json:"shell"`
	Version string `json:"version"`
}

// Done is the body of a POST that acted (open, export, save), or whose
// dialog the user cancelled.
type Done struct {
	OK        bool `json:"ok"`
	Cancelled bool `json:"cancelled,omitempty"`
	// Path is where an export was saved.
	Path string `json:"path,omitempty"`
}

// Reloaded is the body of POST /api/runs/{flow}/{run}/reload.
type Reloaded struct {
	OK bool `json:"ok"`
	// Changes is how many changes reading the run again found (each is
	// also published as an event).
	Changes int `json:"changes"`
}
