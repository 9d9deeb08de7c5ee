package cards

import (
	"bytes"
	_ "embed"
)

// bridgeJS is the original view's bridge (see bridge.js): it passes
// runtime data from the Flowdeck page to the card's metaflow_card_update,
// asks for a reload when the tokens say so, and reports the page's height.
//
//go:embed bridge.js
var bridgeJS []byte

// BridgeScript is the bridge as it is injected: one inline script element.
func BridgeScript() []byte {
	out := make([]byte, 0, len(bridgeJS)+32)
	out = append(out, "<script>"...)
	out = append(out, bridgeJS...)
	return append(out, "</script>"...)
}

// InjectBridge returns a copy of page with the bridge script inserted
// before anything the page runs: after a byte order mark, comments, the
// doctype, and the <html> and <head> start tags when they come first, so
// the page keeps its rendering mode and the bridge runs before the card's
// own scripts. Any other content (plain HTML fragments, text) gets the
// script in front of it. page itself is not modified.
func InjectBridge(page []byte) []byte {
	at := bridgeOffset(page)
	script := BridgeScript()
	out := make([]byte, 0, len(page)+len(script))
	out = append(out, page[:at]...)
	out = append(out, script...)
	return append(out, page[at:]...)
}

// bridgeOffset finds where the bridge goes: the first position that is
// not a BOM, whitespace, comment, doctype or processing instruction, after
// skipping an <html> and then a <head> start tag.
func bridgeOffset(b []byte) int {
	i := 0
	if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		i = 3
	}
	sawHTML := false
	for {
		j := skipHTMLSpace(b, i)
		rest := b[j:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			end := bytes.Index(rest[4:], []byte("-->"))
			if end < 0 {
				return j
			}
			i = j + 4 + end + 3
		case bytes.HasPrefix(rest, []byte("<!")) || bytes.HasPrefix(rest, []byte("<?")):
			end := bytes.IndexByte(rest, '>')
			if end < 0 {
				return j
			}
			i = j + end + 1
		case !sawHTML && startTag(rest, "html"):
			end := tagEnd(rest)
			if end < 0 {
				return j
			}
			sawHTML = true
			i = j + end
		case startTag(rest, "head"):
			end := tagEnd(rest)
			if end < 0 {
				return j
			}
			return j + end
		default:
			return j
		}
	}
}

func skipHTMLSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r', '\f':
			i++
		default:
			return i
		}
	}
	return i
}

// startTag reports whether b starts with the start tag <name (any case)
// followed by whitespace, '/' or '>'.
func startTag(b []byte, name string) bool {
	if len(b) < len(name)+2 || b[0] != '<' || !bytes.EqualFold(b[1:1+len(name)], []byte(name)) {
		return false
	}
	switch b[1+len(name)] {
	case ' ', '\t', '\n', '\r', '\f', '/', '>':
		return true
	}
	return false
}

// tagEnd returns the offset just past the '>' that ends the tag b starts
// with, or -1. Quotes count only where an attribute value starts (after
// '=' and optional whitespace), as in the HTML tokenizer.
func tagEnd(b []byte) int {
	var quote byte
	afterEq := false
	for i := 1; i < len(b); i++ {
		c := b[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '>':
			return i + 1
		case c == '=':
			afterEq = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			// whitespace keeps afterEq as it is
		case afterEq && (c == '"' || c == '\''):
			quote = c
			afterEq = false
		default:
			afterEq = false
		}
	}
	return -1
}

// BridgeOffset is where InjectBridge puts the bridge, found in the first
// bytes of a page (the head of a big card file, streamed after it).
func BridgeOffset(head []byte) int { return bridgeOffset(head) }

// EndsComplete reports whether a card file whose first bytes are head and
// last bytes are tail looks whole, as Parse judges it: a document that
// starts with a doctype or <html> must end in </html>; an empty file is
// not whole.
func EndsComplete(head, tail []byte) bool {
	body := bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
	if len(body) == 0 {
		return false
	}
	if body[0] == '<' && (docStart(body, "<!doctype") || docStart(body, "<html")) {
		return hasSuffixFold(bytes.TrimRight(tail, " \t\r\n"), "</html>")
	}
	return true
}
