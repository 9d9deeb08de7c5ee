package cards

import (
	"bytes"
	"encoding/json"
	"html"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// md is built once: goldmark's Markdown is safe for concurrent Convert
// calls, and building it is most of a small conversion's cost. Raw HTML
// stays off (goldmark omits it unless html.WithUnsafe is given), so
// <script>, event handlers and iframes never come through; goldmark also
// empties javascript:, vbscript:, file: and non-image data: URLs, and
// safeURLs below closes the gaps browsers leave open around that check.
var md = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(safeURLs{}, 0))),
)

// RenderMarkdown renders a markdown component's source to HTML. Metaflow
// prefixes "\n" to sources that do not start with "#"; a leading blank line
// means nothing in markdown, so the rendering is the same either way.
func RenderMarkdown(src string) string {
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		// Convert fails only when writing fails, which a Buffer does not;
		// show the text rather than nothing.
		return "<pre>" + html.EscapeString(src) + "</pre>"
	}
	return buf.String()
}

// safeURLs drops link and image destinations whose scheme is not plainly
// safe. goldmark's own check compares a prefix, but browsers remove tabs
// and line breaks anywhere in a URL and leading control characters and
// spaces before they read the scheme, so "java\tscript:" would pass it.
type safeURLs struct{}

func (safeURLs) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	var unsafe []*ast.AutoLink
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch v := n.(type) {
		case *ast.Link:
			if !safeURL(v.Destination, false) {
				v.Destination = nil
			}
		case *ast.Image:
			if !safeURL(v.Destination, true) {
				v.Destination = nil
			}
		case *ast.AutoLink:
			if !safeURL(v.URL(src), false) {
				unsafe = append(unsafe, v)
			}
		}
		return ast.WalkContinue, nil
	})
	// Replaced after the walk, which would lose its place otherwise. An
	// autolink has no destination to clear: it becomes its text.
	for _, n := range unsafe {
		n.Parent().ReplaceChild(n.Parent(), n, ast.NewString(n.Label(src)))
	}
}

// safeURL allows relative URLs, http, https and mailto, and for images
// the data: image types goldmark allows.
func safeURL(u []byte, image bool) bool {
	var b strings.Builder
	for _, c := range u {
		if c == '\t' || c == '\n' || c == '\r' || (b.Len() == 0 && c <= ' ') {
			continue
		}
		b.WriteByte(c)
	}
	s := strings.ToLower(html.UnescapeString(b.String()))
	colon := strings.IndexByte(s, ':')
	if colon < 0 || strings.ContainsAny(s[:colon], "/?#") {
		return true // no scheme: relative
	}
	switch s[:colon] {
	case "http", "https", "mailto":
		return true
	case "data":
		if !image {
			return false
		}
		for _, t := range []string{"data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"} {
			if strings.HasPrefix(s, t) {
				return true
			}
		}
	}
	return false
}

// AnnotateMarkdown sets an "html" field with RenderMarkdown(source) on
// every markdown component of the card: nested ones in sections, table
// cells and event payloads too. The frontend shows that HTML and never
// renders markdown itself. Run it again after changing a source by hand.
// Live updates are applied by the frontend (frontend/src/cards/native/update.ts),
// which drops a stale "html"; AnnotateMarkdownData annotates the update.
func AnnotateMarkdown(card *Card) {
	card.Walk(annotate)
}

func annotate(c *Component) bool {
	if c.Type == TypeMarkdown {
		if src, ok := c.String("source"); ok {
			c.SetString("html", RenderMarkdown(src))
		}
	}
	return true
}

// ShownData is a runtime data object as the page gets it, from the card
// data API and in the compare page's offline export alike:
// AnnotateMarkdownData's result, or the data as written when it cannot be
// annotated (not JSON: the page's update step refuses it there).
func ShownData(data json.RawMessage) json.RawMessage {
	if ann, err := AnnotateMarkdownData(data); err == nil {
		return ann
	}
	return data
}

// AnnotateMarkdownData does what AnnotateMarkdown does inside a runtime
// data object (the "data" of a data JSON file): on values that are markdown
// components and on markdown nested in values, such as the cells of a
// table sent whole. Data that holds no markdown, or is not an object (a
// custom card's), comes back unchanged; data that is not JSON is an error.
func AnnotateMarkdownData(data json.RawMessage) (json.RawMessage, error) {
	b := bytes.TrimSpace(data)
	if err := checkJSON(b, "annotate data"); err != nil {
		return nil, err
	}
	if jsonKind(b) != '{' {
		return data, nil
	}
	ms, err := splitObject(b)
	if err != nil {
		return nil, err
	}
	o := objectFrom(ms)
	found := false
	for i := range o.members {
		m := &o.members[i]
		if jsonKind(m.val.raw) != '{' {
			continue
		}
		c, err := decodeComponent(m.val.raw, 0)
		if err != nil {
			continue // nested past the cap: passed on as it is
		}
		c.Walk(func(k *Component) bool {
			if k.Type == TypeMarkdown {
				found = true
			}
			return annotate(k)
		})
		m.val = &value{kind: kindComponent, comp: c}
	}
	if !found {
		return data, nil
	}
	return o.appendJSON(nil), nil
}
