package compare

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"regexp"
	"time"

	"flowdeck/cards"
	"flowdeck/datastore"
)

// Trees reads the tree of every matched card, with its newest runtime data
// applied, for the offline export; a card without a tree maps to nil.
func Trees(ctx context.Context, ix *datastore.Index, res *Result) (map[string]*cards.Card, error) {
	out := map[string]*cards.Card{}
	for _, m := range res.Cards {
		for _, k := range m.Keys {
			if k == "" {
				continue
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			out[k] = liveTree(ctx, ix, k)
		}
	}
	return out, nil
}

// Renderer is the built offline renderer (frontend/vite.export.config.ts):
// one script and one stylesheet.
type Renderer struct {
	JS, CSS []byte
}

// exportCSP allows the inlined script and style and data: images, and
// nothing else: the file never loads anything, wherever it is opened.
const exportCSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:"

var (
	scriptEnd = regexp.MustCompile(`(?i)</script`)
	styleEnd  = regexp.MustCompile(`(?i)</style`)
)

// WriteHTML writes the comparison as one self-contained HTML file: the
// renderer inlined, and the result with the card trees as a JSON script
// element the renderer reads. Card text stays data: it is JSON-encoded
// with <, > and & escaped, so it cannot close the element.
func WriteHTML(w io.Writer, res *Result, trees map[string]*cards.Card, r Renderer, now time.Time) error {
	data, err := json.Marshal(struct {
		Result     *Result                `json:"result"`
		Trees      map[string]*cards.Card `json:"trees"`
		ExportedAt time.Time              `json:"exported_at"`
	}{res, trees, now.UTC()})
	if err != nil {
		return fmt.Errorf("compare: export: %w", err)
	}
	var b bytes.Buffer
	b.WriteString("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString(`<meta http-equiv="Content-Security-Policy" content="` + exportCSP + "\">\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"color-scheme\" content=\"light dark\">\n")
	b.WriteString("<title>" + html.EscapeString(res.Flow) + " · Flowdeck comparison</title>\n<style>")
	b.Write(styleEnd.ReplaceAll(r.CSS, []byte(`<\/style`)))
	b.WriteString("</style>\n</head>\n<body>\n<div id=\"app\"></div>\n<script type=\"application/json\" id=\"flowdeck-compare\">")
	b.Write(data)
	b.WriteString("</script>\n<script type=\"module\">")
	b.Write(scriptEnd.ReplaceAll(r.JS, []byte(`<\/script`)))
	b.WriteString("</script>\n</body>\n</html>\n")
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("compare: export: %w", err)
	}
	return nil
}
