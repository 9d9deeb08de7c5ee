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

// Snapshot is one card as the offline export carries it: the tree of its
// HTML as written, that HTML's reload token, and its newest runtime data
// (reload_token and data, absent when it has none). The renderer applies the data when it
// fits the token, with the live view's rule and code
// (frontend/src/cards/native/live.ts): the card update rule has one
// implementation, in TypeScript.
type Snapshot struct {
	Tree  *cards.Card     `json:"tree"`
	Token string          `json:"token"`
	Data  json.RawMessage `json:"data,omitempty"`
}

// Trees reads every matched card for the offline export; a card without a
// tree maps to nil.
func Trees(ctx context.Context, ix *datastore.Index, res *Result) (map[string]*Snapshot, error) {
	out := map[string]*Snapshot{}
	for _, m := range res.Cards {
		for _, k := range m.Keys {
			if k == "" {
				continue
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			out[k] = snapshot(ctx, ix, k)
		}
	}
	return out, nil
}

func snapshot(ctx context.Context, ix *datastore.Index, key string) *Snapshot {
	cc, err := ix.CardContent(ctx, key)
	if err != nil || cc.Tree == nil {
		return nil
	}
	s := &Snapshot{Tree: cc.Tree, Token: cc.Token}
	if cc.Card.Data == nil {
		return s
	}
	// Data caught mid-write, or gone: the tree as written is shown.
	_, d, err := ix.CardData(ctx, key)
	if err != nil {
		return s
	}
	// As GET /api/cards/{key}/data sends it: markdown in the data gets its
	// rendered "html" as in the tree (the frontend never renders markdown).
	s.Data, _ = json.Marshal(struct {
		ReloadToken string          `json:"reload_token"`
		Data        json.RawMessage `json:"data"`
	}{d.ReloadToken, cards.ShownData(d.Data)})
	return s
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
// with <, > and & escaped (runtime data too, RawMessage included), so it
// cannot close the element.
func WriteHTML(w io.Writer, res *Result, trees map[string]*Snapshot, r Renderer, now time.Time) error {
	data, err := json.Marshal(struct {
		Result     *Result              `json:"result"`
		Trees      map[string]*Snapshot `json:"trees"`
		ExportedAt time.Time            `json:"exported_at"`
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
