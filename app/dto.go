package app

import (
	"time"

	"flowdeck/datastore"
)

// jtime marshals as RFC 3339 with milliseconds, or null when unknown.
type jtime time.Time

func (t jtime) MarshalJSON() ([]byte, error) {
	tt := time.Time(t)
	if tt.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + tt.UTC().Format("2006-01-02T15:04:05.000Z07:00") + `"`), nil
}

// optStr marshals "" as null.
type optStr string

func (s optStr) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte("null"), nil
	}
	return jsonString(string(s)), nil
}

type runJSON struct {
	Flow       string           `json:"flow"`
	ID         string           `json:"id"`
	Status     datastore.Status `json:"status"`
	User       string           `json:"user"`
	Tags       []string         `json:"tags"`
	SystemTags []string         `json:"system_tags"`
	Started    jtime            `json:"started_at"`
	Finished   jtime            `json:"finished_at"`
	Loaded     bool             `json:"loaded"`
	Counts     datastore.Counts `json:"counts"`
	OriginRun  optStr           `json:"origin_run"`
	Version    optStr           `json:"metaflow_version"`
	// Parameters maps each parameter to its value in one line; {} when the
	// run is not read yet or recorded none.
	Parameters map[string]string `json:"parameters"`
	Err        optStr            `json:"error"`
}

func toRun(r datastore.Run) runJSON {
	st := r.Status
	if !r.Loaded {
		st = datastore.StatusUnknown
	}
	rj := runJSON{Flow: r.Flow, ID: r.ID, Status: st, User: r.User, Tags: nonNil(r.Tags), SystemTags: nonNil(r.SystemTags),
		Started: jtime(r.Started), Finished: jtime(r.Finished), Loaded: r.Loaded, Counts: r.Counts,
		OriginRun: originRun(r), Version: optStr(r.MetaflowVersion), Err: optStr(r.Err),
		Parameters: r.Parameters}
	if rj.Parameters == nil {
		rj.Parameters = map[string]string{}
	}
	return rj
}

type cardJSON struct {
	Key             string `json:"key"`
	Type            string `json:"type"`
	ID              optStr `json:"id"`
	UUID            string `json:"uuid"`
	Attempt         int    `json:"attempt"`
	AttemptInferred bool   `json:"attempt_inferred"`
	Token           string `json:"token"`
	DataToken       optStr `json:"data_token"`
	Final           bool   `json:"final"`
	Origin          optStr `json:"origin"`
	Err             optStr `json:"error"`
	ErrorCard       bool   `json:"error_card"`
}

func toCard(c datastore.Card) cardJSON {
	cj := cardJSON{Key: c.Key, Type: c.Type, ID: optStr(c.ID), UUID: c.UUID, Attempt: c.Attempt, AttemptInferred: c.AttemptInferred,
		Token: c.Token, Final: c.Final, Origin: optStr(c.Origin), Err: optStr(c.Err), ErrorCard: c.HTML.ErrorCard}
	if c.Data != nil {
		cj.DataToken = optStr(c.Data.Token)
	}
	return cj
}

type taskJSON struct {
	Flow         string           `json:"flow"`
	Run          string           `json:"run"`
	Step         string           `json:"step"`
	ID           string           `json:"id"`
	Status       datastore.Status `json:"status"`
	Attempt      int              `json:"attempt"`
	Started      jtime            `json:"started_at"`
	Finished     jtime            `json:"finished_at"`
	ForeachIndex *int             `json:"foreach_index"`
	ForeachVar   optStr           `json:"foreach_var"`
	ForeachValue optStr           `json:"foreach_value"`
	Origin       optStr           `json:"origin"`
	Cards        []cardJSON       `json:"cards"`
	// FirstCard is the key of the card the task opens on
	// (datastore.FirstCard), null when it has none.
	FirstCard optStr `json:"first_card"`
	Err       optStr `json:"error"`
}

// toTask lists the cards of the latest attempt only (allCards false) for
// the run view, or every card (task view).
func toTask(t datastore.Task, allCards bool) taskJSON {
	tj := taskJSON{Flow: t.Flow, Run: t.Run, Step: t.Step, ID: t.ID, Status: t.Status, Attempt: t.Attempt,
		Started: jtime(t.Started), Finished: jtime(t.Finished), ForeachVar: optStr(t.ForeachVar),
		ForeachValue: optStr(t.ForeachValue), Err: optStr(t.Err), Cards: []cardJSON{}}
	if t.ForeachIndex >= 0 {
		i := t.ForeachIndex
		tj.ForeachIndex = &i
	}
	if t.OriginRun != "" {
		tj.Origin = optStr(t.Flow + "/" + t.OriginRun + "/" + t.Step + "/" + t.OriginTask)
	}
	for _, c := range t.Cards {
		if allCards || c.Attempt == t.Attempt {
			tj.Cards = append(tj.Cards, toCard(c))
		}
	}
	if c, ok := datastore.FirstCard(t.Cards); ok {
		tj.FirstCard = optStr(c.Key)
	}
	return tj
}

// landingJSON is a route: the levels the UI opens, null past the last.
type landingJSON struct {
	Flow optStr `json:"flow"`
	Run  optStr `json:"run"`
	Step optStr `json:"step"`
	Task optStr `json:"task"`
	Card optStr `json:"card"`
}

func toLanding(l datastore.Landing) landingJSON {
	return landingJSON{Flow: optStr(l.Flow), Run: optStr(l.Run), Step: optStr(l.Step), Task: optStr(l.Task), Card: optStr(l.Card)}
}

type stepJSON struct {
	Name        string           `json:"name"`
	Type        optStr           `json:"type"`
	Status      datastore.Status `json:"status"`
	Counts      datastore.Counts `json:"counts"`
	Started     jtime            `json:"started_at"`
	TasksTotal  int              `json:"tasks_total"`
	TasksOffset int              `json:"tasks_offset"`
	Tasks       []taskJSON       `json:"tasks"`
	Err         optStr           `json:"error"`
}

func toStep(s datastore.StepDetail, stepType string, offset, limit int) stepJSON {
	sj := stepJSON{Name: s.Name, Type: optStr(stepType), Status: s.Status, Counts: s.Counts, Started: jtime(s.Started),
		TasksTotal: len(s.Tasks), TasksOffset: offset, Tasks: []taskJSON{}, Err: optStr(s.Err)}
	if offset > len(s.Tasks) {
		offset = len(s.Tasks)
	}
	end := min(len(s.Tasks), offset+limit)
	for _, t := range s.Tasks[offset:end] {
		sj.Tasks = append(sj.Tasks, toTask(t, false))
	}
	return sj
}

type attemptJSON struct {
	Attempt  int              `json:"attempt"`
	Status   datastore.Status `json:"status"`
	Started  jtime            `json:"started_at"`
	Finished jtime            `json:"finished_at"`
	Logs     []string         `json:"logs"`
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// originRun is the run a resumed run came from, as "flow/run".
func originRun(r datastore.Run) optStr {
	if r.OriginRun == "" {
		return ""
	}
	return optStr(r.Flow + "/" + r.OriginRun)
}
