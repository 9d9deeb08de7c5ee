package mfsim

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// cardJSON is the card JSON a render embeds (docs/format.md §10).
func (c *Card) cardJSON(final bool) Obj {
	t := c.task
	switch c.spec.Type {
	case "default", "default_json":
		return c.defaultCard(final)
	case "error":
		return Obj{
			{"metadata", Obj{{"pathspec", t.Pathspec()}}},
			{"components", []any{Page("Error Card", Section("Card Render Failed With Error", c.comps...))}},
		}
	}
	title, _ := c.spec.Options.Get("title")
	ts, _ := title.(string)
	var contents []Obj
	if len(c.comps) > 0 {
		contents = []Obj{Section("", c.comps...)}
	}
	return Obj{
		{"metadata", Obj{{"pathspec", t.Pathspec()}}},
		{"components", []any{Page(ts, contents...)}},
	}
}

// cardTime is how the default card prints times.
func cardTime(t time.Time) string { return t.UTC().Format("2006-01-02 03:04:05 PM") }

// defaultCard is the default card: a title and the "Task Info" page.
func (c *Card) defaultCard(final bool) Obj {
	t := c.task
	r := t.step.run
	feat := r.ds().feat
	var finished any
	if final && t.done {
		finished = cardTime(t.finishedAt)
	}
	meta := Obj{
		{"version", 1}, {"template", "defaultCardTemplate"}, {"metaflow_version", feat.version},
		{"stderr", ""}, {"stdout", ""}, {"created_at", cardTime(t.created)},
		{"finished_at", finished}, {"pathspec", t.Pathspec()},
	}
	var sections []Obj
	if len(c.comps) > 0 {
		sections = append(sections, Section("", c.comps...))
	}
	cols := []string{"Task Created On", "Task Finished On", "Tags"}
	row := []any{cardTime(t.created), finished, strings.Join(append(append([]string(nil), r.createTags...), r.systemTags()...), ", ")}
	if feat.attemptColumn {
		cols = append(cols, "Attempt")
		row = append(row, t.attempt)
	}
	if finished != nil {
		cols = append(cols, "Task Duration")
		row = append(row, pyTimedelta(t.finishedAt.Sub(t.created)))
	}
	cols = append(cols, "User")
	row = append(row, r.user)
	sections = append(sections, Section("Task Metadata",
		Obj{{"type", "table"}, {"columns", cols}, {"data", []any{row}}, {"vertical", true}}))
	if feat.taskCode {
		code := t.opts.Code
		if code == "" {
			code = "    @step\n    def " + t.step.name + "(self):\n        ...\n"
		}
		sections = append(sections, Section("Task Code",
			Obj{{"type", "table"}, {"columns", []string{}}, {"data", []any{[]any{PythonCode("", code)}}}, {"vertical", false}}))
	}
	if len(r.params) > 0 {
		var es []Obj
		for _, p := range r.params {
			es = append(es, artifactEntry(p.Name, p.Value))
		}
		sections = append(sections, Section("Flow Parameters", Artifacts("", es...)))
	} else {
		sections = append(sections, Section("Flow Parameters", Title("No Parameters")))
	}
	if final && len(t.artifacts) > 0 {
		var es []Obj
		for _, a := range t.artifacts {
			es = append(es, artifactEntry(a.name, a.value))
		}
		sections = append(sections, Section("Artifacts", Artifacts("", es...)))
	} else {
		sections = append(sections, Section("Artifacts", Title("No Artifacts")))
	}
	sections = append(sections, Section("DAG", r.DAG()))
	return Obj{
		{"metadata", meta},
		{"components", []any{Title(t.Pathspec()), Page("Task Info", sections...)}},
	}
}

func artifactEntry(name string, v any) Obj {
	typ := strings.TrimSuffix(strings.TrimPrefix(pyTypeName(v), "<class '"), "'>")
	return ArtifactEntry(name, typ, pyRepr(v))
}

// pyRepr is Python's repr() for the simple values mfsim pickles.
func pyRepr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		s := pyFloat(x)
		if s == "NaN" {
			return "nan"
		}
		if s == "Infinity" || s == "-Infinity" {
			return strings.ToLower(s[:len(s)-5])
		}
		return s
	case string:
		return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`, "\n", `\n`).Replace(x) + "'"
	case []byte:
		return fmt.Sprintf("b%q", x)
	case []string:
		return pyRepr(stringsToAny(x))
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = pyRepr(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case Tuple:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = pyRepr(e)
		}
		if len(x) == 1 {
			return "(" + parts[0] + ",)"
		}
		return "(" + strings.Join(parts, ", ") + ")"
	case Obj:
		parts := make([]string, len(x))
		for i, kv := range x {
			parts[i] = pyRepr(kv.K) + ": " + pyRepr(kv.V)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case PyObject:
		return x.Repr
	}
	return fmt.Sprint(v)
}

// pyTimedelta is str(datetime.timedelta) without the microseconds, as the
// default card shows durations ("0:00:21").
func pyTimedelta(d time.Duration) string {
	s := int64(d / time.Second)
	days := s / 86400
	s %= 86400
	out := fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	switch {
	case days == 1:
		return "1 day, " + out
	case days > 1:
		return fmt.Sprintf("%d days, %s", days, out)
	}
	return out
}
