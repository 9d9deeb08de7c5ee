package mfsim

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// These tests hold mfsim's scenarios against the fixtures written by real
// Metaflow: after run ids, millisecond timestamps and uuids are normalized,
// the set of files must be the same, every JSON file kind must have the
// same keys in the same order, sysmeta records the same fields, types and
// tags, and cards the same HTML lines and card JSON skeleton.

var (
	reRunID = regexp.MustCompile(`[0-9]{16}`)
	reMs    = regexp.MustCompile(`_[0-9]{13}\.json$`)
	reUUID  = regexp.MustCompile(`[0-9a-f]{32}`)
)

func normPath(rel string) string {
	rel = reRunID.ReplaceAllString(rel, "RUN")
	rel = reMs.ReplaceAllString(rel, "_TS.json")
	return reUUID.ReplaceAllString(rel, "UUID")
}

// fileSet is the normalized paths under root with their counts, without
// artifact blobs (their names are content hashes of real pickles).
func fileSet(t *testing.T, root string, skip func(string) bool) map[string]int {
	set := map[string]int{}
	for _, rel := range walkFiles(t, root) {
		if strings.Contains(rel, "/data/") || (skip != nil && skip(rel)) {
			continue
		}
		set[normPath(rel)]++
	}
	return set
}

func diffSets(t *testing.T, what string, got, want map[string]int) {
	t.Helper()
	var extra, missing []string
	for k, n := range got {
		if want[k] != n {
			extra = append(extra, k)
		}
	}
	for k, n := range want {
		if got[k] != n {
			missing = append(missing, k)
		}
	}
	sort.Strings(extra)
	sort.Strings(missing)
	if len(extra)+len(missing) > 0 {
		t.Errorf("%s: file sets differ\nonly (or a different count) in mfsim: %v\nonly (or a different count) in fixture: %v", what, extra, missing)
	}
}

var reGenID = regexp.MustCompile(`_[0-9a-f]{6}$`)

// shape describes a JSON value without its data: object keys in order,
// with the shapes of their values, list element shapes de-duplicated.
// Generated component ids are normalized; the artifact maps of data.json
// are compared as sets, since Metaflow's order there varies between tasks.
func shape(v any) string { return shapeIn("", v) }

func shapeIn(parent string, v any) string {
	switch x := v.(type) {
	case Obj:
		parts := make([]string, len(x))
		for i, kv := range x {
			parts[i] = reGenID.ReplaceAllString(kv.K, "_ID") + ":" + shapeIn(kv.K, kv.V)
		}
		if parent == "objects" || parent == "info" {
			sort.Strings(parts)
		}
		return "{" + strings.Join(parts, ",") + "}"
	case []any:
		seen := map[string]bool{}
		var parts []string
		for _, e := range x {
			s := shapeIn("", e)
			if !seen[s] {
				seen[s] = true
				parts = append(parts, s)
			}
		}
		sort.Strings(parts)
		return "[" + strings.Join(parts, "|") + "]"
	case string:
		return "s"
	case nil:
		return "null"
	case bool:
		return "b"
	}
	return "n"
}

// kindShapes maps each normalized file (JSON files, and the embedded card
// JSON of HTML cards) to its shape; sysmeta records are keyed by field and
// carry their type and tags, whose values are the format.
func kindShapes(t *testing.T, root string, skip func(string) bool) map[string]string {
	out := map[string]string{}
	for _, rel := range walkFiles(t, root) {
		if strings.Contains(rel, "/data/") || (skip != nil && skip(rel)) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		key := normPath(rel)
		var js []byte
		switch {
		case strings.HasSuffix(rel, ".html") && bytes.Contains(b, []byte("__MF_DATA__")):
			tok, _, _, card := cardParts(t, b)
			js = card
			key += " token=" + tokenKind(tok)
		case strings.HasSuffix(rel, ".json") || strings.HasSuffix(rel, ".task_begin") || strings.HasSuffix(rel, ".runtime"):
			js = b
		default:
			continue
		}
		v, err := decodeOrdered(js)
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		s := shape(v)
		if o, ok := v.(Obj); ok && strings.Contains(rel, "/sysmeta_") {
			typ, _ := o.Get("type")
			tags, _ := o.Get("tags")
			field, _ := o.Get("field_name")
			s += " type=" + typ.(string) + " tags=" + reUUID.ReplaceAllString(string(mustPyJSON(tags)), "UUID")
			key += " field=" + reUUID.ReplaceAllString(field.(string), "UUID")
		}
		if o, ok := v.(Obj); ok && strings.Contains(rel, "/runtime/") {
			tok, _ := o.Get("reload_token")
			key += " token=" + tokenKind(tok.(string))
		}
		if prev, dup := out[key]; dup && prev != s {
			key += " (2)"
		}
		out[key] = s
	}
	return out
}

func tokenKind(tok string) string {
	switch {
	case strings.HasPrefix(tok, "runtime-"):
		return "runtime"
	case strings.HasPrefix(tok, "render-seq-"):
		return "render-seq"
	}
	return tok
}

func diffShapes(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	n := 0
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("%s: mfsim has no %s", what, k)
			continue
		}
		if g != w {
			t.Errorf("%s: %s\n mfsim   %s\n fixture %s", what, k, g, w)
		}
		n++
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: fixture has no %s", what, k)
		}
	}
	if n == 0 {
		t.Errorf("%s: nothing compared", what)
	}
}

func TestScenariosMatchFixtures(t *testing.T) {
	cases := []struct {
		fixture string
		write   func(root string) error
		// skip leaves out files whose content depends on what the real flow
		// did beyond the format (its user artifacts, its Python source).
		skip func(rel string) bool
	}{
		{"retry", func(r string) error { _, err := WriteRetry(r, Options{}); return err }, nil},
		{"failing", func(r string) error { _, err := WriteFailing(r, Options{}); return err }, nil},
		{"foreach", func(r string) error { _, err := WriteForeach(r, 20, Options{}); return err }, nil},
		{"live", func(r string) error { _, err := WriteLiveCard(r, -1, Options{}); return err }, nil},
		{"live_midrun", func(r string) error { _, err := WriteLiveCard(r, 27, Options{}); return err }, nil},
	}
	for _, c := range cases {
		t.Run(c.fixture, func(t *testing.T) {
			want := fixture(t, c.fixture)
			root := filepath.Join(t.TempDir(), ".metaflow")
			if err := c.write(root); err != nil {
				t.Fatal(err)
			}
			diffSets(t, c.fixture, fileSet(t, root, c.skip), fileSet(t, want, c.skip))
			diffShapes(t, c.fixture, kindShapes(t, root, c.skip), kindShapes(t, want, c.skip))
		})
	}
}

// TestSeveralCardsMatchesComponents compares the card side of
// WriteSeveralCards with fixtures/components: the same three card files
// and data JSON, the same HTML lines, and card JSON of the same top-level
// structure (the fixture has more components than mfsim builds).
func TestSeveralCardsMatchesComponents(t *testing.T) {
	want := fixture(t, "components")
	root := filepath.Join(t.TempDir(), ".metaflow")
	if _, err := WriteSeveralCards(root, Options{}); err != nil {
		t.Fatal(err)
	}
	onlyCards := func(rel string) bool { return !strings.HasPrefix(rel, "mf.cards/") }
	diffSets(t, "components", fileSet(t, root, onlyCards), fileSet(t, want, onlyCards))
	top := func(root string) map[string]string {
		out := map[string]string{}
		for _, rel := range walkFiles(t, root) {
			if !strings.HasSuffix(rel, ".html") {
				continue
			}
			b, _ := os.ReadFile(filepath.Join(root, rel))
			tok, _, _, js := cardParts(t, b)
			v, err := decodeOrdered(js)
			if err != nil {
				t.Fatal(err)
			}
			o := v.(Obj)
			meta, _ := o.Get("metadata")
			comps, _ := o.Get("components")
			var types []string
			for _, c := range comps.([]any) {
				ty := objType(c.(Obj))
				if ty == "page" {
					title, _ := c.(Obj).Get("title")
					ty += "(" + title.(string) + ")"
				}
				types = append(types, ty)
			}
			out[normPath(rel)] = tok + " " + keys(o) + " meta=" + keys(meta.(Obj)) + " " + strings.Join(types, ",")
		}
		return out
	}
	g, w := top(root), top(want)
	for k, wv := range w {
		if g[k] != wv {
			t.Errorf("%s:\n mfsim   %s\n fixture %s", k, g[k], wv)
		}
	}
}

// TestLegacyMatchesOlderFixtures compares WriteLegacy (2.12 flavour) with
// the retry and foreach datastores Metaflow 2.12.39 wrote.
func TestLegacyMatchesOlderFixtures(t *testing.T) {
	root := filepath.Join(t.TempDir(), ".metaflow")
	if _, err := WriteLegacy(root, false, Options{}); err != nil {
		t.Fatal(err)
	}
	got := fileSet(t, root, nil)
	gotShapes := kindShapes(t, root, nil)
	want := map[string]int{}
	wantShapes := map[string]string{}
	for _, name := range []string{"older-2.12.39/retry", "older-2.12.39/foreach"} {
		w := fixture(t, name)
		for k, n := range fileSet(t, w, nil) {
			want[k] += n
		}
		for k, s := range kindShapes(t, w, nil) {
			wantShapes[k] = s
		}
	}
	diffSets(t, "2.12", got, want)
	diffShapes(t, "2.12", gotShapes, wantShapes)
}
