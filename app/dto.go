package app

// The mapping from the datastore's model to the API's types (package wire).

import (
	"flowdeck/datastore"
	"flowdeck/wire"
)

func toRun(r datastore.Run) wire.RunSummary {
	st := r.Status
	if !r.Loaded {
		st = datastore.StatusUnknown
	}
	rj := wire.RunSummary{Flow: r.Flow, ID: r.ID, Status: st, User: wire.OptString(r.User), Tags: wire.NonNil(r.Tags), SystemTags: wire.NonNil(r.SystemTags),
		Started: wire.Time(r.Started), Finished: wire.Time(r.Finished), Loaded: r.Loaded, Counts: r.Counts,
		OriginRun: originRun(r), MetaflowVersion: wire.OptString(r.MetaflowVersion), Err: wire.OptString(r.Err),
		Parameters: r.Parameters}
	if rj.Parameters == nil {
		rj.Parameters = map[string]string{}
	}
	return rj
}

// runOut is a run as the API sends it: toRun with its cached mark.
func (s *session) runOut(r datastore.Run) wire.RunSummary {
	rj := toRun(r)
	if s != nil && s.cached != nil {
		rj.Cached = s.cached(r.Flow, r.ID)
	}
	return rj
}

func toCard(c datastore.Card) wire.CardRef {
	cj := wire.CardRef{Key: c.Key, Type: c.Type, ID: wire.OptString(c.ID), UUID: c.UUID, Attempt: c.Attempt, AttemptInferred: c.AttemptInferred,
		Token: c.Token, Final: c.Final, Origin: wire.OptString(c.Origin), Err: wire.OptString(c.Err), ErrorCard: c.HTML.ErrorCard}
	if c.Data != nil {
		cj.DataToken = wire.OptString(c.Data.Token)
	}
	return cj
}

// toTask lists the cards of the latest attempt only (allCards false) for
// the run view, or every card (task view).
func toTask(t datastore.Task, allCards bool) wire.TaskSummary {
	tj := wire.TaskSummary{Flow: t.Flow, Run: t.Run, Step: t.Step, ID: t.ID, Status: t.Status, Attempt: t.Attempt,
		Started: wire.Time(t.Started), Finished: wire.Time(t.Finished), ForeachVar: wire.OptString(t.ForeachVar),
		ForeachValue: wire.OptString(t.ForeachValue), Err: wire.OptString(t.Err), Cards: []wire.CardRef{}}
	if t.ForeachIndex >= 0 {
		i := t.ForeachIndex
		tj.ForeachIndex = &i
	}
	if t.OriginRun != "" {
		tj.Origin = wire.OptString(t.Flow + "/" + t.OriginRun + "/" + t.Step + "/" + t.OriginTask)
	}
	for _, c := range t.Cards {
		if allCards || c.Attempt == t.Attempt {
			tj.Cards = append(tj.Cards, toCard(c))
		}
	}
	if c, ok := datastore.FirstCard(t.Cards); ok {
		tj.FirstCard = wire.OptString(c.Key)
	}
	return tj
}

func toLanding(l datastore.Landing) wire.Landing {
	return wire.Landing{Flow: wire.OptString(l.Flow), Run: wire.OptString(l.Run), Step: wire.OptString(l.Step), Task: wire.OptString(l.Task), Card: wire.OptString(l.Card)}
}

func toStep(s datastore.StepDetail, stepType string, offset, limit int) wire.Step {
	sj := wire.Step{Name: s.Name, Type: wire.OptString(stepType), Status: s.Status, Counts: s.Counts, Started: wire.Time(s.Started),
		TasksTotal: len(s.Tasks), TasksOffset: offset, Tasks: []wire.TaskSummary{}, Err: wire.OptString(s.Err)}
	if offset > len(s.Tasks) {
		offset = len(s.Tasks)
	}
	end := min(len(s.Tasks), offset+limit)
	for _, t := range s.Tasks[offset:end] {
		sj.Tasks = append(sj.Tasks, toTask(t, false))
	}
	return sj
}

// originRun is the run a resumed run came from, as "flow/run".
func originRun(r datastore.Run) wire.OptString {
	if r.OriginRun == "" {
		return ""
	}
	return wire.OptString(r.Flow + "/" + r.OriginRun)
}

// toChange is the wire form of a datastore change.
func toChange(c datastore.Change) wire.Change {
	opt := func(s datastore.Status) *wire.Status {
		if s == "" {
			return nil
		}
		return &s
	}
	return wire.Change{Kind: c.Kind, Flow: wire.OptString(c.Flow), Run: wire.OptString(c.Run), Step: wire.OptString(c.Step),
		Task: wire.OptString(c.Task), Card: wire.OptString(c.Card), Status: opt(c.Status), OldStatus: opt(c.OldStatus),
		Attempt: c.Attempt, Token: wire.OptString(c.Token), CreatedOn: c.CreatedOn, Final: c.Final, Err: wire.OptString(c.Err)}
}
