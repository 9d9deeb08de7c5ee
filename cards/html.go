package cards

import (
	"bytes"
	"encoding/base64"
	"flowdeck/wire"
	"fmt"
)

// Kind is what a card file holds (wire.CardKind, docs/format.md §9).
type Kind = wire.CardKind

// The kinds of card file.
const (
	KindTemplate = wire.KindTemplate
	KindJSON     = wire.KindJSON
	KindHTML     = wire.KindHTML
	KindText     = wire.KindText
)

// PlaceholderToken is the reload token of error cards written by Metaflow
// 2.10.9 to 2.12.4: the template's placeholder, never substituted.
const PlaceholderToken = "[METAFLOW_RELOAD_TOKEN]"

// Parsed is what Parse reads from a card file without running it.
type Parsed struct {
	Kind Kind
	// Token is the METAFLOW_RELOAD_TOKEN of template and custom HTML cards.
	// HasToken is false when there is no token assignment: cards from
	// before Metaflow 2.10.9, plain HTML, JSON and text cards.
	Token    string
	HasToken bool
	// DataID is mfCardDataId (template cards), a fresh uuid on every
	// render, or the __MF_DATA__ key when mfCardDataId is missing.
	DataID string
	// CardJSON is the card JSON of template (decoded from base64) and json
	// cards; nil otherwise. For json cards it shares the bytes given to
	// Parse.
	CardJSON []byte
	// UpdateDisabled is true for a template card whose render-complete
	// block sets window.metaflow_card_update = undefined: a final render of
	// a default or blank card, which takes no more data updates.
	UpdateDisabled bool
	// Static is true when data updates can never apply: no token, or the
	// placeholder token of old error cards. Nothing waits for "final".
	Static bool
	// Text is the content of a text card (taskspec_card: the pathspec).
	Text string
}

var (
	mfDataMarker = []byte(`window.__MF_DATA__[`)
	scriptOpen   = []byte("<script")
	scriptClose  = []byte("</script")
	updateName   = []byte("metaflow_card_update")
	bom          = []byte("\xef\xbb\xbf")
)

// Parse reads a card file's bytes. It scans bytes and decodes only the
// embedded card JSON; the ~1 MB of JavaScript in a template card is not
// looked at beyond locating the last script block.
//
// Errors wrap ErrIncomplete when b looks like the start of a card file
// cut short (writers before Metaflow 2.19.20 write in place, so a reader
// can see a 0-byte file or the first 1 MiB of one): an empty file, an HTML
// document that does not end in </html>, an unterminated __MF_DATA__
// string, card JSON that ends early. Callers keep the last good state and
// read again. Complete content that is not a card (bad base64, JSON that
// is not a card object) wraps ErrInvalid.
func Parse(b []byte) (*Parsed, error) {
	body := bytes.TrimLeft(bytes.TrimPrefix(b, bom), " \t\r\n")
	switch {
	case len(body) == 0:
		return nil, fmt.Errorf("cards: parse: empty file: %w", ErrIncomplete)
	case body[0] == '{':
		return parseJSONCard(body)
	case body[0] == '<':
		return parseHTML(body)
	}
	return &Parsed{Kind: KindText, Static: true, Text: string(b)}, nil
}

func parseJSONCard(b []byte) (*Parsed, error) {
	b = bytes.TrimRight(b, " \t\r\n")
	if err := checkJSON(b, "parse json card"); err != nil {
		return nil, err
	}
	if _, err := cardShape(b); err != nil {
		return nil, err
	}
	return &Parsed{Kind: KindJSON, CardJSON: b, Static: true}, nil
}

func parseHTML(b []byte) (*Parsed, error) {
	// Only a whole document promises an ending; a fragment (an html card
	// showing an artifact's markup) may end anywhere.
	if docStart(b, "<!doctype") || docStart(b, "<html") {
		if !hasSuffixFold(bytes.TrimRight(b, " \t\r\n"), "</html>") {
			return nil, fmt.Errorf("cards: parse: HTML does not end in </html>: %w", ErrIncomplete)
		}
	}
	p := &Parsed{Kind: KindHTML}
	if tok, ok := ScanToken(b); ok {
		p.Token, p.HasToken = tok, true
	}
	p.Static = !p.HasToken || p.Token == PlaceholderToken
	if bytes.Contains(b, mfDataMarker) {
		if err := parseTemplate(b, p); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// parseTemplate reads the __MF_DATA__ assignment and the render-complete
// block of a template card.
func parseTemplate(b []byte, p *Parsed) error {
	p.Kind = KindTemplate
	id, hasID := scanAssign(b, dataIDName)
	key, enc, err := findData(b, id, hasID)
	if err != nil {
		return err
	}
	p.DataID = string(key)
	if hasID {
		p.DataID = string(id)
	}
	js, err := decodeBase64(enc)
	if err != nil {
		return err
	}
	if err := checkJSON(js, "parse __MF_DATA__"); err != nil {
		return err
	}
	if _, err := cardShape(js); err != nil {
		return err
	}
	p.CardJSON = js
	p.UpdateDisabled = updateDisabled(b)
	return nil
}

// findData returns the key and base64 text of the
// window.__MF_DATA__["<key>"] = "<base64>" assignment the page's script
// reads: the one keyed by mfCardDataId, else the first.
func findData(b, id []byte, hasID bool) (key, enc []byte, err error) {
	var firstKey, firstEnc []byte
	found := false
	for off := 0; ; {
		i := bytes.Index(b[off:], mfDataMarker)
		if i < 0 {
			break
		}
		k, e, next, err := dataAssign(b, off+i+len(mfDataMarker))
		if err != nil {
			return nil, nil, err
		}
		off = next
		if k == nil {
			continue // a read such as window.__MF_DATA__[id], not an assignment
		}
		if !hasID || bytes.Equal(k, id) {
			return k, e, nil
		}
		if !found {
			firstKey, firstEnc, found = k, e, true
		}
	}
	if !found {
		return nil, nil, fmt.Errorf("cards: parse: no __MF_DATA__ assignment: %w", ErrInvalid)
	}
	return firstKey, firstEnc, nil
}

// dataAssign parses `"<key>"] = "<base64>"` starting at b[i]. A nil key
// with a nil error means this mention is not a literal assignment.
func dataAssign(b []byte, i int) (key, enc []byte, next int, err error) {
	cut := fmt.Errorf("cards: parse: __MF_DATA__ assignment cut off: %w", ErrIncomplete)
	if i >= len(b) {
		return nil, nil, 0, cut
	}
	q := b[i]
	if q != '"' && q != '\'' {
		return nil, nil, i, nil
	}
	k := bytes.IndexByte(b[i+1:], q)
	if k < 0 {
		return nil, nil, 0, cut
	}
	key = b[i+1 : i+1+k]
	j := skipBlank(b, i+2+k)
	if j >= len(b) {
		return nil, nil, 0, cut
	}
	if b[j] != ']' {
		return nil, nil, j, nil
	}
	j = skipBlank(b, j+1)
	if j+1 >= len(b) {
		return nil, nil, 0, cut
	}
	if b[j] != '=' || b[j+1] == '=' {
		return nil, nil, j, nil
	}
	j = skipBlank(b, j+1)
	if j >= len(b) {
		return nil, nil, 0, cut
	}
	q = b[j]
	if q != '"' && q != '\'' {
		return nil, nil, j, nil
	}
	e := bytes.IndexByte(b[j+1:], q)
	if e < 0 {
		return nil, nil, 0, cut
	}
	return key, b[j+1 : j+1+e], j + 2 + e, nil
}

// decodeBase64 decodes the __MF_DATA__ string as the page does with atob:
// standard alphabet, padding optional, ASCII whitespace ignored. A length
// no base64 text can have means the text was cut.
func decodeBase64(enc []byte) ([]byte, error) {
	out := make([]byte, base64.StdEncoding.DecodedLen(len(enc)))
	n, err := base64.StdEncoding.Decode(out, enc)
	if err == nil {
		return out[:n], nil
	}
	clean := make([]byte, 0, len(enc))
	for _, c := range enc {
		switch {
		case isSpace(c) || c == '\f':
		case c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=':
			clean = append(clean, c)
		default:
			return nil, fmt.Errorf("cards: parse: __MF_DATA__ base64: byte %q: %w", c, ErrInvalid)
		}
	}
	clean = bytes.TrimRight(clean, "=")
	if len(clean)%4 == 1 {
		return nil, fmt.Errorf("cards: parse: __MF_DATA__ base64 cut off: %w", ErrIncomplete)
	}
	out = make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
	n, err = base64.RawStdEncoding.Decode(out, clean)
	if err != nil {
		return nil, fmt.Errorf("cards: parse: __MF_DATA__ base64: %v: %w", err, ErrInvalid)
	}
	return out[:n], nil
}

// updateDisabled reports whether the last script block, the render-complete
// block of a template card, sets window.metaflow_card_update = undefined.
// Runtime renders and every error card hold only a comment there.
func updateDisabled(b []byte) bool {
	i := bytes.LastIndex(b, scriptOpen)
	if i < 0 {
		return false
	}
	blk := b[i:]
	if j := bytes.Index(blk, scriptClose); j >= 0 {
		blk = blk[:j]
	}
	for {
		k := bytes.Index(blk, updateName)
		if k < 0 {
			return false
		}
		blk = blk[k+len(updateName):]
		j := skipSpace(blk, 0)
		if j+1 < len(blk) && blk[j] == '=' && blk[j+1] != '=' {
			rest := blk[skipSpace(blk, j+1):]
			if bytes.HasPrefix(rest, []byte("undefined")) &&
				(len(rest) == len("undefined") || !isIdentByte(rest[len("undefined")])) {
				return true
			}
		}
	}
}

// docStart reports whether b starts like a whole HTML document, including
// a file cut so short that only part of the opening tag is there.
func docStart(b []byte, p string) bool {
	if len(b) < len(p) {
		return bytes.EqualFold(b, []byte(p[:len(b)]))
	}
	return bytes.EqualFold(b[:len(p)], []byte(p))
}

func hasSuffixFold(b []byte, s string) bool {
	return len(b) >= len(s) && bytes.EqualFold(b[len(b)-len(s):], []byte(s))
}
