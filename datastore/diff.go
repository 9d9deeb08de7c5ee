package datastore

import (
	"slices"
	"sort"
)

// diffRun lists what changed between two snapshots of a run. touched limits
// task comparison to those tasks (nil: all). Order: the run appearing,
// steps, tasks, cards, then the run's own status, so a consumer sees a task
// finish before the run does.
func diffRun(old, ns *runSnap, touched map[stepTask]bool, isNew bool) []Change {
	var out []Change
	flow, run := ns.run.Flow, ns.run.ID
	if isNew {
		out = append(out, Change{Kind: RunAdded, Flow: flow, Run: run, Status: ns.run.Status})
	}
	for _, st := range ns.steps {
		if old.step(st.step.Name) == nil {
			out = append(out, Change{Kind: StepAdded, Flow: flow, Run: run, Step: st.step.Name})
		}
	}
	oldTasks := comparedTasks(old, touched)
	var cardChanges []Change
	seen := map[stepTask]bool{}
	for _, st := range ns.steps {
		for _, t := range st.tasks {
			k := stepTask{st.step.Name, t.ID}
			if touched != nil && !touched[k] {
				continue
			}
			seen[k] = true
			base := Change{Flow: flow, Run: run, Step: st.step.Name, Task: t.ID}
			o := oldTasks[k]
			if c, ok := diffTask(base, old, o, ns, t); ok {
				out = append(out, c)
			}
			var oldCards []Card
			if o != nil {
				oldCards = o.Cards
			}
			cardChanges = append(cardChanges, diffCards(base, oldCards, t.Cards)...)
		}
	}
	for _, k := range removedTasks(oldTasks, seen) {
		for _, c := range oldTasks[k].Cards {
			cardChanges = append(cardChanges, Change{Kind: CardRemoved, Flow: flow, Run: run, Step: k.step, Task: k.task, Card: c.Key})
		}
		out = append(out, Change{Kind: TaskRemoved, Flow: flow, Run: run, Step: k.step, Task: k.task})
	}
	out = append(out, cardChanges...)
	if !isNew {
		if rc, ok := diffRunHeader(old.run, ns.run); ok {
			out = append(out, rc)
		}
	}
	return out
}

// comparedTasks indexes the old snapshot's tasks that touched names (all
// when nil).
func comparedTasks(old *runSnap, touched map[stepTask]bool) map[stepTask]*Task {
	oldTasks := map[stepTask]*Task{}
	for _, st := range old.steps {
		for _, t := range st.tasks {
			k := stepTask{st.step.Name, t.ID}
			if touched == nil || touched[k] {
				oldTasks[k] = t
			}
		}
	}
	return oldTasks
}

// diffTask compares a task's effective state (see effectiveTask) with its
// previous one (o, nil when it is new) and returns the task-level change,
// if any.
func diffTask(base Change, old *runSnap, o *Task, ns *runSnap, t *Task) (Change, bool) {
	nt := ns.effectiveTask(t)
	c := base
	if o == nil {
		c.Kind, c.Status, c.Attempt = TaskAdded, nt.Status, nt.Attempt
		return c, true
	}
	ot := old.effectiveTask(o)
	if ot.Status == nt.Status && ot.Attempt == nt.Attempt && ot.Err == nt.Err {
		return Change{}, false
	}
	c.Kind, c.Status, c.Attempt, c.Err = TaskChanged, nt.Status, nt.Attempt, nt.Err
	if ot.Status != nt.Status {
		c.OldStatus = ot.Status
	}
	return c, true
}

// removedTasks lists the compared old tasks not seen in the new snapshot,
// in step then task order.
func removedTasks(oldTasks map[stepTask]*Task, seen map[stepTask]bool) []stepTask {
	var removed []stepTask
	for k := range oldTasks {
		if !seen[k] {
			removed = append(removed, k)
		}
	}
	sort.Slice(removed, func(i, j int) bool {
		if removed[i].step != removed[j].step {
			return removed[i].step < removed[j].step
		}
		return lessID(removed[i].task, removed[j].task)
	})
	return removed
}

func diffRunHeader(a, b Run) (Change, bool) {
	c := Change{Kind: RunChanged, Flow: b.Flow, Run: b.ID, Status: b.Status}
	changed := false
	if a.Status != b.Status {
		c.OldStatus = a.Status
		changed = true
	}
	if !slices.Equal(a.Tags, b.Tags) || !slices.Equal(a.SystemTags, b.SystemTags) || a.User != b.User ||
		!a.Finished.Equal(b.Finished) || a.Err != b.Err || a.Loaded != b.Loaded {
		changed = true
	}
	return c, changed
}

// diffCards compares the cards of one task.
func diffCards(base Change, old, cur []Card) []Change {
	var out []Change
	byKey := make(map[string]*Card, len(old))
	for i := range old {
		byKey[old[i].Key] = &old[i]
	}
	for i := range cur {
		c := &cur[i]
		o := byKey[c.Key]
		delete(byKey, c.Key)
		ch := base
		ch.Card, ch.Attempt, ch.Final = c.Key, c.Attempt, c.Final
		if o == nil {
			a := ch
			a.Kind, a.Token = CardAdded, c.Token
			out = append(out, a)
			if c.Data != nil && c.Data.resolved {
				d := ch
				d.Kind, d.Token, d.CreatedOn = CardDataChanged, c.Data.Token, c.Data.CreatedOn
				out = append(out, d)
			}
			continue
		}
		if o.HTML.sum != c.HTML.sum || o.HTML.Size != c.HTML.Size || !o.HTML.ModTime.Equal(c.HTML.ModTime) || o.Token != c.Token {
			h := ch
			h.Kind, h.Token = CardHTMLChanged, c.Token
			out = append(out, h)
		}
		if dataChanged(o.Data, c.Data) {
			d := ch
			d.Kind, d.Token, d.CreatedOn = CardDataChanged, c.Data.Token, c.Data.CreatedOn
			if c.Data.unread {
				// Not read (lazyData): the event says only that it changed.
				d.Token = ""
			}
			out = append(out, d)
		}
		if c.Err != "" && c.Err != o.Err {
			e := ch
			e.Kind, e.Err = CardError, c.Err
			out = append(out, e)
		}
	}
	var gone []string
	for k := range byKey {
		gone = append(gone, k)
	}
	sort.Strings(gone)
	for _, k := range gone {
		ch := base
		ch.Kind, ch.Card = CardRemoved, k
		out = append(out, ch)
	}
	return out
}

func dataChanged(o, c *CardFile) bool {
	switch {
	case c == nil:
		return false
	case o == nil:
		return c.resolved
	case !c.resolved:
		return false
	}
	return o.sum != c.sum || o.Token != c.Token || o.Size != c.Size
}
