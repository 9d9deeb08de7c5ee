package cards

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
)

// ApplyUpdate merges a runtime data object (the "data" of a
// runtime/*.data.json of a template card) into card, the way Metaflow's
// metaflow_card_update does in the card's own JavaScript (docs/format.md §12):
//
//   - Each value of data, in order, is an update for the component whose id
//     equals the value's "id". Values that are not objects, or have no
//     string id, are skipped (Metaflow's JavaScript would compare an
//     undefined id with components that have none; Metaflow never writes
//     such values).
//   - The search looks at one list of components at a time, starting with
//     the top-level list. The first component of the list with that id is
//     updated and the search stops there. If none matches, it goes on
//     inside every page and section of the list (their "contents"), so an
//     id present in two sections updates both. Table cells and event
//     payloads are never searched.
//   - The update is merged like Object.assign: every top-level key of the
//     update replaces the component's value (in place, or appended if new);
//     keys the update lacks stay.
//   - vegaChart is special: "spec" is replaced only when it differs
//     (JSON.stringify of both: key order matters, number formatting does
//     not), "data" is copied only when the chart has a truthy "data"
//     already, and no other key is merged.
//   - Ids that are not found are ignored.
//
// Markdown components that carry the "html" of AnnotateMarkdown get it
// rendered again when an update changes them without sending one.
//
// changedIDs lists, in data order and once each, the ids whose component
// content changed. A data value that is not an object (a custom card's
// data) is an error wrapping ErrInvalid; card is then unchanged.
func ApplyUpdate(card *Card, data json.RawMessage) (changedIDs []string, err error) {
	if card == nil {
		return nil, errors.New("cards: apply update: nil card")
	}
	b := bytes.TrimSpace(data)
	if err := checkJSON(b, "apply update"); err != nil {
		return nil, err
	}
	if jsonKind(b) != '{' {
		return nil, fmt.Errorf("cards: apply update: data is not an object of components: %w", ErrInvalid)
	}
	ms, err := splitObject(b)
	if err != nil {
		return nil, fmt.Errorf("cards: apply update: %v: %w", err, ErrInvalid)
	}
	seen := make(map[string]bool)
	for _, m := range objectFrom(ms).members {
		if jsonKind(m.val.raw) != '{' {
			continue
		}
		ums, err := splitObject(m.val.raw)
		if err != nil {
			return changedIDs, fmt.Errorf("cards: apply update %q: %v: %w", m.key, err, ErrInvalid)
		}
		upd := objectFrom(ums)
		id, ok := upd.String("id")
		if !ok {
			continue
		}
		if applyAt(card.Components, id, upd) && !seen[id] {
			seen[id] = true
			changedIDs = append(changedIDs, id)
		}
	}
	return changedIDs, nil
}

// applyAt is findAndMutateTree of Metaflow's card UI over one list.
func applyAt(level []*Component, id string, upd *Object) bool {
	for _, c := range level {
		if c.hasID && c.ID == id {
			if c.Type == TypeVegaChart {
				return mergeChart(c, upd)
			}
			return merge(c, upd)
		}
	}
	changed := false
	for _, c := range level {
		if c.Type == TypePage || c.Type == TypeSection {
			if applyAt(c.Contents(), id, upd) {
				changed = true
			}
		}
	}
	return changed
}

// merge is Object.assign(c, upd).
func merge(c *Component, upd *Object) bool {
	changed := false
	_, hadHTML := c.obj.Get("html")
	for _, m := range upd.members {
		if old := c.obj.getValue(m.key); old == nil || !jsonEqual(old.bytes(), m.val.raw) {
			changed = true
		}
		c.obj.put(m.key, rawValue(m.val.raw))
	}
	// A nesting field nested too deep stays raw: kept, not walked.
	_ = c.refresh()
	if changed && hadHTML && c.Type == TypeMarkdown && upd.find("html") < 0 {
		if src, ok := c.String("source"); ok {
			c.SetString("html", RenderMarkdown(src))
		}
	}
	return changed
}

// mergeChart is mutateChartElement of Metaflow's card UI.
func mergeChart(c *Component, upd *Object) bool {
	changed := false
	if old := c.obj.getValue("data"); old != nil && truthy(old.bytes()) {
		if nv := upd.getValue("data"); nv != nil {
			if !jsonEqual(old.bytes(), nv.raw) {
				changed = true
			}
			c.obj.put("data", rawValue(nv.raw))
		}
	}
	if nv := upd.getValue("spec"); nv != nil {
		if old := c.obj.getValue("spec"); old == nil || !jsonEqual(old.bytes(), nv.raw) {
			c.obj.put("spec", rawValue(nv.raw))
			changed = true
		}
	}
	return changed
}

// truthy is JavaScript truthiness of a JSON value.
func truthy(b []byte) bool {
	b = bytes.TrimSpace(b)
	switch jsonKind(b) {
	case 0, 'n', 'f':
		return false
	case '"':
		return len(b) > 2
	case '{', '[', 't':
		return true
	}
	f, err := strconv.ParseFloat(string(b), 64)
	return err != nil || f != 0
}

// jsonEqual reports whether two JSON values serialize identically under
// JavaScript's JSON.stringify after JSON.parse: same structure, same key
// order, strings equal once unescaped, numbers equal as float64. This is
// the test Metaflow's metaflow_card_update uses for a vegaChart spec. It
// walks both texts side by side, so nesting depth costs no stack.
func jsonEqual(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	i, j := 0, 0
	for {
		i, j = skipSpace(a, i), skipSpace(b, j)
		if i >= len(a) || j >= len(b) {
			return i >= len(a) && j >= len(b)
		}
		ca, cb := a[i], b[j]
		switch ca {
		case '{', '}', '[', ']', ',', ':':
			if ca != cb {
				return false
			}
			i, j = i+1, j+1
			continue
		}
		ea, err := skipValue(a, i)
		if err != nil {
			return false
		}
		eb, err := skipValue(b, j)
		if err != nil {
			return false
		}
		va, vb := a[i:ea], b[j:eb]
		i, j = ea, eb
		if bytes.Equal(va, vb) {
			continue
		}
		switch {
		case ca == '"' && cb == '"':
			sa, e1 := unquote(va)
			sb, e2 := unquote(vb)
			if e1 != nil || e2 != nil || sa != sb {
				return false
			}
		case isNumByte(ca) && isNumByte(cb):
			if jsNumber(json.Number(va)) != jsNumber(json.Number(vb)) {
				return false
			}
		default:
			return false
		}
	}
}

func isNumByte(c byte) bool { return c == '-' || c >= '0' && c <= '9' }

// jsNumber is the number JSON.parse makes of n; overflow gives ±Inf as in JS.
func jsNumber(n json.Number) float64 {
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil && !math.IsInf(f, 0) {
		return math.NaN()
	}
	return f
}
