package artifacts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"flowdeck/internal/fixture"
)

// The artifacts fixture: every kind of value Metaflow pickles, written by
// real Metaflow (testdata/metaflow/artifacts/README.md).
const fixtureRun = "1796418786417171"

// startObjects maps the start task's artifact names to their blob paths.
func startObjects(tb testing.TB) map[string]string {
	tb.Helper()
	flow := fixture.Path(tb, "artifacts", ".metaflow", "ArtifactsFlow")
	m, err := filepath.Glob(filepath.Join(flow, fixtureRun, "start", "*", "0.data.json"))
	if err != nil || len(m) != 1 {
		tb.Fatalf("start task data.json: %v %v", m, err)
	}
	b, err := os.ReadFile(m[0])
	if err != nil {
		tb.Fatal(err)
	}
	var dj struct {
		Objects map[string]string `json:"objects"`
	}
	if err := json.Unmarshal(b, &dj); err != nil {
		tb.Fatal(err)
	}
	out := map[string]string{}
	for name, sha := range dj.Objects {
		out[name] = filepath.Join(flow, "data", sha[:2], sha)
	}
	return out
}

func decodeFile(tb testing.TB, path string) (*Value, error) {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	return Decode(f, Limits{})
}

// TestGolden decodes every artifact of the fixture's start task that has a
// golden file (made by CPython with make_golden.py) and compares the
// Value trees: kind, type, value, repr, len, items, entries, dtype, shape,
// columns, index, truncated.
func TestGolden(t *testing.T) {
	objects := startObjects(t)
	goldens, _ := filepath.Glob("testdata/golden/*.json")
	if len(goldens) < 40 {
		t.Fatalf("only %d golden files; run /usr/bin/python3 artifacts/testdata/make_golden.py", len(goldens))
	}
	for _, g := range goldens {
		name := strings.TrimSuffix(filepath.Base(g), ".json")
		t.Run(name, func(t *testing.T) {
			path, ok := objects[name]
			if !ok {
				t.Fatalf("no artifact %q in the fixture", name)
			}
			v, err := decodeFile(t, path)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			got := normalize(toJSON(t, v))
			want := normalize(readJSON(t, g))
			if d := diff("", want, got); d != "" {
				t.Errorf("%s differs from the golden value: %s", name, d)
			}
		})
	}
}

func toJSON(tb testing.TB, v *Value) any {
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	var out any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&out); err != nil {
		tb.Fatal(err)
	}
	return out
}

func readJSON(tb testing.TB, path string) any {
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var out any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&out); err != nil {
		tb.Fatal(err)
	}
	return out
}

// normalize makes numbers comparable (3 and 3.0 are one JSON number) and
// puts set items in one order: a set's order is its hash order in the
// process that iterates it, so the reprs of sets are not compared either.
func normalize(x any) any {
	switch v := x.(type) {
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return v.String()
		}
		return f
	case []any:
		for i := range v {
			v[i] = normalize(v[i])
		}
		return v
	case map[string]any:
		for k := range v {
			v[k] = normalize(v[k])
		}
		if k := v["kind"]; k == KindSet || k == KindFrozenset {
			if items, ok := v["items"].([]any); ok {
				sort.Slice(items, func(i, j int) bool {
					a, _ := json.Marshal(items[i])
					b, _ := json.Marshal(items[j])
					return string(a) < string(b)
				})
			}
			delete(v, "repr")
		}
		return v
	}
	return x
}

// diff names the first difference between two JSON trees.
func diff(path string, want, got any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: want an object, got %v", path, short(got))
		}
		keys := map[string]bool{}
		for k := range w {
			keys[k] = true
		}
		for k := range g {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			if d := diff(path+"."+k, w[k], g[k]); d != "" {
				return d
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok {
			return fmt.Sprintf("%s: want a list of %d, got %v", path, len(w), short(got))
		}
		if len(w) != len(g) {
			return fmt.Sprintf("%s: want %d items, got %d", path, len(w), len(g))
		}
		for i := range w {
			if d := diff(fmt.Sprintf("%s[%d]", path, i), w[i], g[i]); d != "" {
				return d
			}
		}
		return ""
	}
	if !reflect.DeepEqual(want, got) {
		return fmt.Sprintf("%s: want %v, got %v", path, short(want), short(got))
	}
	return ""
}

func short(x any) string {
	b, _ := json.Marshal(x)
	return cut(string(b), 300)
}
