package cards

import (
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// expected is one entry of testdata/fixtures_expected.json, which
// testdata/expect_fixtures.py writes by reading every card file with the
// regular expressions of docs/format.md §9 and Python's base64 and json: an
// oracle that shares no code with this package.
type expected struct {
	Kind           string   `json:"kind"`
	Token          *string  `json:"token"`
	DataID         string   `json:"data_id"`
	UpdateDisabled bool     `json:"update_disabled"`
	Static         bool     `json:"static"`
	Top            []string `json:"top"`
	Pathspec       string   `json:"pathspec"`
	Text           string   `json:"text"`
	// data JSON files
	CreatedOn bool     `json:"created_on"`
	IDs       []string `json:"ids"`
}

func loadExpected(t *testing.T) map[string]expected {
	t.Helper()
	b, err := os.ReadFile("testdata/fixtures_expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]expected
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// topTypes describes the top-level components as the oracle does: the type,
// and for pages ":" and the title.
func topTypes(c *Card) []string {
	var out []string
	for _, k := range c.Components {
		s := k.Type
		if k.Type == TypePage {
			title, _ := k.String("title")
			s += ":" + title
		}
		out = append(out, s)
	}
	return out
}

// TestEveryFixtureCardFile parses every card HTML and data JSON of every
// fixture datastore, including older-2.11.0 and older-2.12.39, and checks
// each against the oracle.
func TestEveryFixtureCardFile(t *testing.T) {
	want := loadExpected(t)
	files := cardFiles(t)
	var listed []string
	for k := range want {
		listed = append(listed, k)
	}
	sort.Strings(listed)
	if !reflect.DeepEqual(files, listed) {
		t.Fatalf("fixture card files changed: %d on disk, %d in testdata/fixtures_expected.json; rerun testdata/expect_fixtures.py", len(files), len(listed))
	}
	counts := map[string]int{}
	for _, rel := range files {
		e := want[rel]
		b := fixture(t, rel)
		if strings.HasSuffix(rel, ".data.json") {
			counts["data"]++
			checkDataFile(t, rel, b, e)
			continue
		}
		counts[e.Kind]++
		p, err := Parse(b)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		if string(p.Kind) != e.Kind {
			t.Errorf("%s: kind %q, want %q", rel, p.Kind, e.Kind)
		}
		wantTok, wantHas := "", e.Token != nil
		if wantHas {
			wantTok = *e.Token
		}
		if p.Token != wantTok || p.HasToken != wantHas {
			t.Errorf("%s: token %q/%v, want %q/%v", rel, p.Token, p.HasToken, wantTok, wantHas)
		}
		// The datastore reads the token from the first 128 KB only.
		if tok, ok := ScanToken(b[:min(len(b), 128<<10)]); tok != p.Token || ok != p.HasToken {
			t.Errorf("%s: ScanToken gives %q/%v, Parse %q/%v", rel, tok, ok, p.Token, p.HasToken)
		}
		if p.UpdateDisabled != e.UpdateDisabled || p.Static != e.Static {
			t.Errorf("%s: disabled/static %v/%v, want %v/%v", rel, p.UpdateDisabled, p.Static, e.UpdateDisabled, e.Static)
		}
		if p.DataID != e.DataID {
			t.Errorf("%s: data id %q, want %q", rel, p.DataID, e.DataID)
		}
		if p.Text != e.Text {
			t.Errorf("%s: text %q, want %q", rel, p.Text, e.Text)
		}
		if (p.CardJSON != nil) != (e.Top != nil) {
			t.Errorf("%s: card JSON present %v, want %v", rel, p.CardJSON != nil, e.Top != nil)
			continue
		}
		if p.CardJSON == nil {
			continue
		}
		c, err := DecodeCard(p.CardJSON)
		if err != nil {
			t.Errorf("%s: decode: %v", rel, err)
			continue
		}
		if got := topTypes(c); !reflect.DeepEqual(got, e.Top) {
			t.Errorf("%s: top components %q, want %q", rel, got, e.Top)
		}
		if ps, _ := c.Metadata.String("pathspec"); ps != e.Pathspec {
			t.Errorf("%s: pathspec %q, want %q", rel, ps, e.Pathspec)
		}
	}
	// Every kind of docs/format.md §9 is in the corpus.
	for _, k := range []string{"template", "json", "html", "text", "data"} {
		if counts[k] == 0 {
			t.Errorf("no %s card among the fixtures", k)
		}
	}
	t.Logf("checked %d files: %v", len(files), counts)
}

func checkDataFile(t *testing.T, rel string, b []byte, e expected) {
	t.Helper()
	d, err := ParseData(b)
	if err != nil {
		t.Errorf("%s: %v", rel, err)
		return
	}
	if e.Token == nil || d.ReloadToken != *e.Token {
		t.Errorf("%s: token %q, want %v", rel, d.ReloadToken, e.Token)
	}
	if (d.CreatedOn != nil) != e.CreatedOn {
		t.Errorf("%s: created_on present %v, want %v", rel, d.CreatedOn != nil, e.CreatedOn)
	}
	var ids []string
	gjson.ParseBytes(d.Data).ForEach(func(k, _ gjson.Result) bool {
		ids = append(ids, k.String())
		return true
	})
	if len(ids) != len(e.IDs) || len(ids) > 0 && !reflect.DeepEqual(ids, e.IDs) {
		t.Errorf("%s: data keys %q, want %q", rel, ids, e.IDs)
	}
	// The annotated data of a template card is still JSON.
	html := strings.Replace(strings.TrimSuffix(rel, ".data.json")+".html", "/runtime/", "/cards/", 1)
	if p, err := Parse(fixture(t, html)); err == nil && p.Kind == KindTemplate {
		if _, err := DecodeCard(p.CardJSON); err != nil {
			t.Fatal(err)
		}
		a, err := AnnotateMarkdownData(d.Data)
		if err != nil || !json.Valid(a) {
			t.Errorf("%s: annotate: %v", rel, err)
		}
	}
}

// TestFixtureCardsByHand checks a representative set against values read by
// hand from the fixture files and docs/format.md.
func TestFixtureCardsByHand(t *testing.T) {
	type want struct {
		rel            string
		kind           Kind
		token          string
		hasToken       bool
		updateDisabled bool
		static         bool
	}
	for _, w := range []want{
		{fxComponents, KindTemplate, "final", true, true, false},
		{fxDefault, KindTemplate, "final", true, true, false},
		{fxDefaultJSON, KindJSON, "", false, false, true},
		{fxTaskspec, KindText, "", false, false, true},
		{fxHostileHTML, KindHTML, "final", true, false, false},
		{fxLiveCustom, KindHTML, "final", true, false, false},
		{fxMidCustom, KindHTML, "render-seq-1", true, false, false},
		{fxMidBlank, KindTemplate, "runtime-1795642690.863389", true, false, false},
		{fxFailing, KindTemplate, "runtime-1795642653.4474812", true, false, false},
		{fxOldFailing, KindTemplate, "runtime-1795644076.0692446", true, false, false},
		{fxOld12Live, KindTemplate, "runtime-1795644304.138464", true, false, false},
	} {
		p := mustParse(t, w.rel)
		if p.Kind != w.kind || p.Token != w.token || p.HasToken != w.hasToken ||
			p.UpdateDisabled != w.updateDisabled || p.Static != w.static {
			t.Errorf("%s:\n got %s %q %v disabled=%v static=%v\nwant %s %q %v disabled=%v static=%v", w.rel,
				p.Kind, p.Token, p.HasToken, p.UpdateDisabled, p.Static,
				w.kind, w.token, w.hasToken, w.updateDisabled, w.static)
		}
	}

	if p := mustParse(t, fxTaskspec); p.Text != "DefaultCardFlow/1795642620378112/end/5" {
		t.Errorf("taskspec text %q", p.Text)
	}
	if p := mustParse(t, fxMidBlank); p.DataID != "53ce8ff6-2fa4-41b2-aa21-825795f7453a" {
		t.Errorf("live_midrun blank data id %q", p.DataID)
	}

	// Blank components card: page "All components" > one untitled section
	// holding every appended component, in append order.
	c := mustCard(t, fxComponents)
	if len(c.Components) != 1 || c.Components[0].Type != TypePage {
		t.Fatalf("components card top: %v", topTypes(c))
	}
	secs := c.Components[0].Contents()
	if len(secs) != 1 || secs[0].Type != TypeSection {
		t.Fatalf("components page holds %d components", len(secs))
	}
	var got []string
	for _, k := range secs[0].Contents() {
		got = append(got, k.Type+"/"+k.ID)
	}
	wantIDs := []string{
		"markdown/intro", "markdown/markdown_18c926", "table/mixed_table",
		"image/gradient_image", "image/updatable_image", "artifacts/artifact_90fc6e",
		"artifacts/artifact_67569e", "progressBar/static_progress", "valueBox/acc_box",
		"pythonCode/pythoncode_c5dce9", "jsonViewer/jsonviewer_a7aa91",
		"yamlViewer/yamlviewer_d1f9de", "eventsTimeline/timeline", "vegaChart/bar_chart",
		"log/logcomponent_f37cfe", "markdown/markdown_530b5f", "markdown/markdown_9bef7b",
		"log/logcomponent_bd5c54",
	}
	if !reflect.DeepEqual(got, wantIDs) {
		t.Errorf("components section:\n got %q\nwant %q", got, wantIDs)
	}

	// Default card: title(pathspec) + page "Task Info" with the sections of
	// docs/format.md §10, the user's untitled section first.
	c = mustCard(t, fxDefault)
	if got := topTypes(c); !reflect.DeepEqual(got, []string{"title", "page:Task Info"}) {
		t.Errorf("default card top %q", got)
	}
	if tt, _ := As[Text](c.Components[0]); tt.Text != "DefaultCardFlow/1795642620378112/start/1" {
		t.Errorf("default card title %q", tt.Text)
	}
	if got := sectionTitles(c.Components[1]); !reflect.DeepEqual(got, []string{"", "Task Metadata", "Task Code", "Flow Parameters", "Artifacts", "Image Data", "DAG"}) {
		t.Errorf("default card sections %q", got)
	}
	if v, _ := c.Metadata.String("metaflow_version"); v != "2.19.38" {
		t.Errorf("metaflow_version %q", v)
	}
	// 2.11.0: no Task Code section (docs/format.md §10).
	c = mustCard(t, fxOldDefault)
	if got := sectionTitles(c.Components[1]); !reflect.DeepEqual(got, []string{"", "Task Metadata", "Flow Parameters", "Artifacts", "Image Data", "DAG"}) {
		t.Errorf("2.11.0 default card sections %q", got)
	}
	// default_json holds the same schema, raw.
	c = mustCard(t, fxDefaultJSON)
	if got := topTypes(c); !reflect.DeepEqual(got, []string{"title", "page:Task Info"}) {
		t.Errorf("default_json top %q", got)
	}
}

func sectionTitles(page *Component) []string {
	var out []string
	for _, s := range page.Contents() {
		title, _ := s.String("title")
		out = append(out, title)
	}
	return out
}

// TestPlaceholderTokenIsStatic covers error cards of Metaflow 2.10.9 to
// 2.12.4 (docs/format.md §12): none is in the fixtures (their error cards
// were not kept), so the 2.11.0 failing card is given the placeholder the
// template leaves when it is not substituted.
func TestPlaceholderTokenIsStatic(t *testing.T) {
	b := fixture(t, fxOldFailing)
	s := strings.Replace(string(b), `"runtime-1795644076.0692446"`, `"[METAFLOW_RELOAD_TOKEN]"`, 1)
	p, err := Parse([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	if p.Token != PlaceholderToken || !p.HasToken || !p.Static || p.UpdateDisabled {
		t.Errorf("placeholder card: %+v", p)
	}
	// Cards before 2.10.9 have no token line and no render-complete block.
	lines := strings.Split(string(b), "\n")
	var kept []string
	for _, l := range lines {
		if !strings.Contains(l, "METAFLOW_RELOAD_TOKEN") && !strings.Contains(l, "Realtime Updatable") {
			kept = append(kept, l)
		}
	}
	p, err = Parse([]byte(strings.Join(kept, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	if p.Kind != KindTemplate || p.HasToken || !p.Static || p.CardJSON == nil {
		t.Errorf("pre-2.10.9 card: %+v", p)
	}
}
