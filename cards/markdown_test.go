package cards

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/tidwall/gjson"
	gmhtml "github.com/yuin/goldmark/renderer/html"
)

// TestMarkdownGolden renders testdata/markdown/*.md and compares with the
// .html next to it (rewritten under -update).
func TestMarkdownGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/markdown/*.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("no markdown cases: %v", err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".md")
		t.Run(name, func(t *testing.T) {
			out := RenderMarkdown(string(src))
			golden(t, "markdown/"+name+".html", []byte(out))
			assertSafe(t, out)
		})
	}
}

var (
	reScript  = regexp.MustCompile(`(?i)<\s*script`)
	reHandler = regexp.MustCompile(`(?i)<[^>]+\son[a-z]+\s*=`)
	reBadHref = regexp.MustCompile(`(?i)(href|src)\s*=\s*"\s*(javascript|vbscript|file|data:text)`)
	reFrame   = regexp.MustCompile(`(?i)<\s*(iframe|object|embed|form|style|link|meta)`)
)

// assertSafe checks rendered HTML for what must never come through,
// whatever the golden file says.
func assertSafe(t *testing.T, out string) {
	t.Helper()
	for _, re := range []*regexp.Regexp{reScript, reHandler, reBadHref, reFrame} {
		if m := re.FindString(out); m != "" {
			t.Errorf("unsafe output %q in:\n%s", m, out)
		}
	}
}

func TestMarkdownSafety(t *testing.T) {
	for _, tc := range []struct{ src, mustHave, mustNot string }{
		{"<script>alert(1)</script>", "raw HTML omitted", "alert(1)</script>"},
		{"[x](javascript:alert(1))", `<a href="">x</a>`, "javascript"},
		{"[x](JaVaScRiPt:alert(1))", `<a href="">x</a>`, "alert"},
		{"[x](&#106;avascript:alert(1))", `<a href="">x</a>`, "alert"},
		{"[x](javascript&#58;alert(1))", `<a href="">x</a>`, "alert"},
		{"[x](javascript&colon;alert(1))", `<a href="">x</a>`, "alert"},
		{"[x](<java\tscript:alert(1)>)", `<a href="">x</a>`, "alert"},
		{"<javascript:alert(1)>", "javascript:alert(1)", "<a"},
		{"[x](vbscript:msgbox)", `<a href="">x</a>`, "vbscript"},
		{"[x](data:text/html,hi)", `<a href="">x</a>`, "data:"},
		{"![x](http://127.0.0.1:47291/i.png)", `src="http://127.0.0.1:47291/i.png"`, ""},
		{"[x](https://example.com/?a=1&b=2)", `href="https://example.com/?a=1&amp;b=2"`, ""},
		{`<img src=x onerror="alert(1)">`, "raw HTML omitted", "onerror"},
	} {
		out := RenderMarkdown(tc.src)
		if !strings.Contains(out, tc.mustHave) || tc.mustNot != "" && strings.Contains(out, tc.mustNot) {
			t.Errorf("%q rendered %q", tc.src, out)
		}
		assertSafe(t, out)
	}
	// The extra check closes a gap goldmark's own prefix test leaves.
	if gmhtml.IsDangerousURL([]byte("java\tscript:x")) || safeURL([]byte("java\tscript:x"), false) {
		t.Error("safeURL does not add to goldmark's check")
	}
	for u, want := range map[string]bool{
		"https://x": true, "HTTP://x": true, "mailto:a@b": true, "./a:b": true, "#frag": true, "/p?q=a:b": true,
		"\x01javascript:x": false, " javascript:x": false, "ja\nvascript:x": false, "ms-settings:x": false,
	} {
		if safeURL([]byte(u), false) != want {
			t.Errorf("safeURL(%q) = %v", u, !want)
		}
	}
	if !safeURL([]byte("data:image/png;base64,AA=="), true) || safeURL([]byte("data:image/svg+xml,<svg>"), true) {
		t.Error("data: image rule")
	}
}

// TestMarkdownLeadingNewline: Metaflow prefixes "\n" to sources that do
// not start with "#" (docs/format.md §10); the rendering must not change.
func TestMarkdownLeadingNewline(t *testing.T) {
	for _, s := range []string{"plain paragraph", "**md in cell**", "a\n\nb", "| a |\n|---|\n| 1 |"} {
		if a, b := RenderMarkdown(s), RenderMarkdown("\n"+s); a != b {
			t.Errorf("%q: %q vs %q", s, a, b)
		}
	}
}

func TestMarkdownConcurrent(t *testing.T) {
	want := RenderMarkdown("# t\n\n*x* | y\n--|--\n1 | 2\n")
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 200; j++ {
				if got := RenderMarkdown("# t\n\n*x* | y\n--|--\n1 | 2\n"); got != want {
					t.Error("concurrent render differs")
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestAnnotateMarkdown: every markdown of the components card, also the
// ones in table cells and event payloads, gets its rendering.
func TestAnnotateMarkdown(t *testing.T) {
	c := mustCard(t, fxComponents)
	AnnotateMarkdown(c)
	n := 0
	c.Walk(func(k *Component) bool {
		if k.Type != TypeMarkdown {
			return true
		}
		n++
		m, err := As[Markdown](k)
		if err != nil || m.HTML != RenderMarkdown(m.Source) || m.HTML == "" {
			t.Errorf("%s: html %q (%v)", k.ID, m.HTML, err)
		}
		return true
	})
	// intro, markdown_18c926, the cell, the payload, two extended.
	if n != 6 {
		t.Errorf("%d markdown components", n)
	}
	if m, _ := As[Markdown](c.Find("markdown_82a884")); m.HTML != "<p><strong>md in cell</strong></p>\n" {
		t.Errorf("cell markdown html %q", m.HTML)
	}
	// Annotating twice replaces the field, it does not add one.
	AnnotateMarkdown(c)
	if keys := strings.Join(c.Find("intro").Keys(), ","); keys != "type,source,id,html" {
		t.Errorf("keys %s", keys)
	}
	// The hostile card's markdown stays inert.
	h := mustCard(t, fxHostile)
	AnnotateMarkdown(h)
	m, _ := As[Markdown](h.Find("md_hostile"))
	assertSafe(t, m.HTML)
	// Per CommonMark the <img ...> line opens an HTML block that runs to
	// the next blank line, so the link and image lines are omitted with it.
	if m.HTML != "<h1>Hostile markdown</h1>\n<!-- raw HTML omitted -->\n<!-- raw HTML omitted -->\n" {
		t.Errorf("hostile markdown html %q", m.HTML)
	}
}

func TestAnnotateMarkdownData(t *testing.T) {
	rel := strings.Replace(strings.Replace(fxComponents, "/cards/", "/runtime/", 1), ".html", ".data.json", 1)
	d, err := ParseData(fixture(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	out, err := AnnotateMarkdownData(d.Data)
	if err != nil {
		t.Fatal(err)
	}
	if h := gjson.GetBytes(out, "intro.html").String(); h != RenderMarkdown("# All components\nSome *markdown* text.") {
		t.Errorf("intro html %q", h)
	}
	// mixed_table is sent whole: its cell markdown is annotated too.
	if h := gjson.GetBytes(out, "mixed_table.data.1.0.html").String(); h != "<p><strong>md in cell</strong></p>\n" {
		t.Errorf("cell html %q in %.300s", h, gjson.GetBytes(out, "mixed_table").Raw)
	}
	// Everything else is as it was.
	var a, b map[string]any
	_ = json.Unmarshal(out, &a)
	_ = json.Unmarshal(d.Data, &b)
	if len(a) != len(b) {
		t.Errorf("keys %d vs %d", len(a), len(b))
	}
	// Data without markdown, and a custom card's data, come back as they were.
	for _, s := range []string{`{}`, `{"user":{"epoch":4},"components":{}}`, `[1,2]`, `"text"`, `{"p":{"type":"progressBar","id":"p"}}`} {
		got, err := AnnotateMarkdownData(json.RawMessage(s))
		if err != nil || string(got) != s {
			t.Errorf("%s: %s %v", s, got, err)
		}
	}
	if _, err := AnnotateMarkdownData(json.RawMessage(`{"a":`)); !errors.Is(err, ErrIncomplete) {
		t.Errorf("cut data: %v", err)
	}
	if _, err := AnnotateMarkdownData(json.RawMessage(`{"a":x}`)); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad data: %v", err)
	}
}
