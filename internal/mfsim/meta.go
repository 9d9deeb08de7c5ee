package mfsim

import (
	"path"
	"strconv"
	"time"
)

// Metadata records, key for key as Metaflow's local metadata provider
// writes them (docs/format.md §4). The key order is part of the format as the
// fixtures show it.

const (
	pythonVersion     = "3.11.7"
	pythonVersionLong = "3.11.7 (main, May  9 2026, 07:35:25) [GCC 12.2.0]"
)

func (r *Run) systemTags() []string {
	return []string{
		"user:" + r.user,
		"python_version:" + pythonVersion,
		"runtime:dev",
		"metaflow_version:" + r.ds().feat.version,
	}
}

func (r *Run) runSelf(t time.Time) Obj {
	return Obj{
		{"run_number", r.id},
		{"flow_id", r.flow.name},
		{"user_name", r.user},
		{"tags", tagList(r.tags)},
		{"system_tags", r.systemTags()},
		{"ts_epoch", epochMs(t)},
	}
}

func (r *Run) stepSelf(step string, t time.Time) Obj {
	return Obj{
		{"run_number", r.id},
		{"step_name", step},
		{"flow_id", r.flow.name},
		{"user_name", r.user},
		{"tags", tagList(r.createTags)},
		{"system_tags", r.systemTags()},
		{"ts_epoch", epochMs(t)},
	}
}

func (r *Run) taskSelf(step, task string, t time.Time) Obj {
	return Obj{
		{"run_number", r.id},
		{"step_name", step},
		{"task_id", task},
		{"flow_id", r.flow.name},
		{"user_name", r.user},
		{"tags", tagList(r.createTags)},
		{"system_tags", r.systemTags()},
		{"ts_epoch", epochMs(t)},
	}
}

func (r *Run) sysmeta(step, task, field, typ string, value any, tags []string, t time.Time) Obj {
	return Obj{
		{"flow_id", r.flow.name},
		{"run_number", r.id},
		{"step_name", step},
		{"task_id", task},
		{"field_name", field},
		{"type", typ},
		{"value", value},
		{"tags", tagList(tags)},
		{"user_name", r.user},
		{"ts_epoch", epochMs(t)},
	}
}

func (r *Run) artifactRecord(step, task string, attempt int, a storedArtifact, t time.Time) Obj {
	return Obj{
		{"run_number", r.id},
		{"step_name", step},
		{"task_id", task},
		{"attempt_id", attempt},
		{"name", a.name},
		{"content_type", a.encoding},
		{"type", "metaflow.artifact"},
		{"sha", a.sha},
		{"ds_type", "local"},
		{"location", ":root:" + r.ds().opts.DSRoot},
		{"flow_id", r.flow.name},
		{"user_name", r.user},
		{"tags", tagList(r.createTags)},
		{"system_tags", r.systemTags()},
		{"ts_epoch", epochMs(t)},
	}
}

func tagList(tags []string) []string {
	if tags == nil {
		return []string{}
	}
	return tags
}

func attemptTag(a int) []string { return []string{"attempt_id:" + strconv.Itoa(a)} }

// metaWriter writes the sysmeta records of one task. Metaflow names them
// by field and millisecond, so two records of one field in the same
// millisecond would overwrite each other; a real task never does that
// (its processes start ~0.3 s apart), so the later one moves on by 1 ms.
type metaWriter struct {
	run        *Run
	step, task string
	dir        string // <flow>/<run>/<step>/<task>/_meta
	used       map[string]bool
}

func newMetaWriter(r *Run, step, task string) *metaWriter {
	return &metaWriter{
		run: r, step: step, task: task,
		dir:  path.Join(r.flow.name, r.id, step, task, "_meta"),
		used: map[string]bool{},
	}
}

// field is one metadata event: sysmeta_<field>_<ts_ms>.json.
type field struct {
	name, typ string
	value     any
}

func sysField(name string, value any) field { return field{name, name, value} }

func (m *metaWriter) write(t time.Time, tags []string, fields ...field) error {
	for _, f := range fields {
		ts := t
		name := m.fileName(f.name, ts)
		for m.used[name] {
			ts = ts.Add(time.Millisecond)
			name = m.fileName(f.name, ts)
		}
		m.used[name] = true
		rec := m.run.sysmeta(m.step, m.task, f.name, f.typ, f.value, tags, ts)
		if err := m.run.ds().put(path.Join(m.dir, name), mustPyJSON(rec)); err != nil {
			return err
		}
	}
	return nil
}

func (m *metaWriter) fileName(field string, t time.Time) string {
	return "sysmeta_" + field + "_" + strconv.FormatInt(epochMs(t), 10) + ".json"
}

func (m *metaWriter) writeSelf(t time.Time) error {
	return m.run.ds().put(path.Join(m.dir, "_self.json"), mustPyJSON(m.run.taskSelf(m.step, m.task, t)))
}

// systemInfo is what both the orchestrator and the task process register
// for every task (the pairs of sysmeta_user_*, sysmeta_runtime_*, … files).
func (r *Run) systemInfo() []field {
	fs := []field{
		sysField("user", r.user),
		sysField("runtime", "dev"),
		sysField("python_version", pythonVersion),
		sysField("metaflow_version", r.ds().feat.version),
	}
	if r.ds().feat.scriptName {
		fs = append(fs, sysField("script-name", r.script))
	}
	return fs
}
