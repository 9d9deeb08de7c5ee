package datastore

import (
	"context"
	"path/filepath"
	"strconv"

	"github.com/tidwall/gjson"
)

// runParameters reads a run's parameters: the artifacts of its _parameters
// task without Metaflow's internal ones (names starting with "_") and
// without "name" (the flow's name), which is the rule of Metaflow's default
// card. Values are one line (decoded.shortValue). A run has no _parameters
// task before its first step starts, or when it was made by `spin`: nil.
// Parameters never change once written, and their blobs are cached by sha,
// so reading them again when a run is re-read is cheap.
func (rd *runReader) runParameters(flow, run string) map[string]string {
	dir := filepath.Join(rd.runDir(flow, run), "_parameters")
	ents, err := rd.fsys.ReadDir(dir)
	if err != nil {
		return nil
	}
	task := ""
	for _, e := range ents {
		if e.IsDir() && !skipName(levelStep, e.Name()) && (task == "" || e.Name() < task) {
			task = e.Name()
		}
	}
	if task == "" {
		return nil
	}
	// persist_constants writes the _parameters task once, as attempt 0.
	refs, err := rd.readArtifactIndex(filepath.Join(dir, task), 0)
	if err != nil || refs == nil {
		return nil
	}
	out := map[string]string{}
	for _, r := range refs {
		if r.Name[0] == '_' || r.Name == "name" {
			continue
		}
		d, err := rd.decodeBlob(context.Background(), flow, r.sha)
		if err != nil || d.partial {
			// A blob not there yet (the task is still saving it) or cut
			// off: nil reads the parameters again when the run is next
			// read, rather than keeping "(unreadable)" for good.
			return nil
		}
		out[r.Name] = d.shortValue()
	}
	return out
}

// withParameters sets a freshly read run's parameters, keeping those its
// header already carries.
func (rd *runReader) withParameters(snap *runSnap) {
	if snap.run.Parameters == nil {
		snap.run.Parameters = rd.runParameters(snap.run.Flow, snap.run.ID)
	}
}

// foreachFromStack fills the foreach position of a task written by
// Metaflow before 2.14.1, which records no foreach-stack metadata, from
// its _foreach_stack artifact, as Metaflow's client does (Task.index is
// the last frame's index; the value is frame.value, or the frame's
// variable indexed like FlowSpec.input). See docs/format.md.
func (rd *runReader) foreachFromStack(dir string, t *Task) {
	refs, err := rd.readArtifactIndex(dir, t.Attempt)
	if err != nil || refs == nil {
		return
	}
	sha := func(name string) string {
		for _, r := range refs {
			if r.Name == name {
				return r.sha
			}
		}
		return ""
	}
	ctx := context.Background()
	s := sha("_foreach_stack")
	if s == "" {
		return
	}
	d, err := rd.decodeBlob(ctx, t.Flow, s)
	if err != nil || d.err != "" {
		return
	}
	frames := gjson.GetBytes(d.json, "items")
	if !frames.IsArray() || len(frames.Array()) == 0 {
		return
	}
	f := readFrame(frames.Array()[len(frames.Array())-1])
	if f.index < 0 {
		return
	}
	t.ForeachIndex, t.ForeachVar = f.index, f.variable
	if f.value.Exists() && f.value.Get("kind").String() != "none" {
		t.ForeachValue = valueText(f.value)
		return
	}
	if f.variable == "" {
		return
	}
	vs := sha(f.variable)
	if vs == "" {
		return
	}
	vd, err := rd.decodeBlob(ctx, t.Flow, vs)
	if err != nil {
		return
	}
	if item := gjson.GetBytes(vd.json, "items."+strconv.Itoa(f.index)); item.Exists() {
		t.ForeachValue = valueText(item)
	}
}

type stackFrame struct {
	variable string
	index    int
	value    gjson.Result
}

// readFrame reads a ForeachFrame namedtuple (step, var, num_splits, index,
// and from 2.12 value) by field name when the decoder knows the names,
// else by position.
func readFrame(v gjson.Result) stackFrame {
	f := stackFrame{index: -1}
	get := func(name string, pos int) gjson.Result {
		if fv := v.Get(`fields.#(name=="` + name + `").value`); fv.Exists() {
			return fv
		}
		return v.Get("items." + strconv.Itoa(pos))
	}
	if i := get("index", 3); i.Get("kind").String() == "int" {
		f.index = int(i.Get("value").Int())
	}
	if s := get("var", 1); s.Get("kind").String() == "str" {
		f.variable = s.Get("value").String()
	}
	f.value = get("value", 4)
	return f
}

// valueText is a value as Python's str() gives it, which is how Metaflow
// formats foreach-stack metadata ("items=item_003").
func valueText(v gjson.Result) string {
	if v.Get("kind").String() == "str" {
		return v.Get("value").String()
	}
	return v.Get("repr").String()
}
