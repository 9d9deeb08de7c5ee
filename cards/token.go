package cards

import "bytes"

var (
	tokenName  = []byte("METAFLOW_RELOAD_TOKEN")
	dataIDName = []byte("mfCardDataId")
)

// maxTokenLen bounds a token or data id. Metaflow's are under 40 bytes; a
// longer "token" is not one, and a reader of a file's head must not wait
// for a closing quote forever.
const maxTokenLen = 512

// ScanToken finds the reload token in the beginning of a card HTML file.
// Template cards put it after the inline favicon and stylesheet (about 50 KB
// in); custom cards wherever they like. found is false when prefix holds no
// complete token assignment, so callers can read further.
//
// The first assignment `METAFLOW_RELOAD_TOKEN = "…"` counts (spaces around
// = optional, single or double quotes); mentions that are not assignments,
// such as a read of window.METAFLOW_RELOAD_TOKEN or a comparison, are
// skipped. Error cards of Metaflow 2.10.9 to 2.12.4 carry the literal
// placeholder "[METAFLOW_RELOAD_TOKEN]", which is returned as is.
func ScanToken(prefix []byte) (token string, found bool) {
	v, ok := scanAssign(prefix, tokenName)
	return string(v), ok
}

// scanAssign finds the first `name = "value"` in b. It stops at the first
// assignment of name even when that one is unusable (cut off, too long,
// spanning lines), because a later one would not be what the page's
// JavaScript sees first.
func scanAssign(b, name []byte) ([]byte, bool) {
	off := 0
	for off < len(b) {
		i := bytes.Index(b[off:], name)
		if i < 0 {
			return nil, false
		}
		start := off + i
		p := start + len(name)
		off = p
		if start > 0 && isIdentByte(b[start-1]) || p < len(b) && isIdentByte(b[p]) {
			continue // part of a longer identifier
		}
		j := skipBlank(b, p)
		if j >= len(b) {
			return nil, false
		}
		if b[j] != '=' || j+1 < len(b) && b[j+1] == '=' {
			continue
		}
		j = skipBlank(b, j+1)
		if j >= len(b) {
			return nil, false
		}
		q := b[j]
		if q != '"' && q != '\'' {
			return nil, false // assigned from an expression: no literal token
		}
		rest := b[j+1:]
		rest = rest[:min(len(rest), maxTokenLen+1)]
		k := bytes.IndexByte(rest, q)
		if k < 0 || bytes.ContainsAny(rest[:k], "\n\r") {
			return nil, false
		}
		return rest[:k], true
	}
	return nil, false
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// skipBlank skips spaces and tabs, not line breaks: an assignment's value
// is on its line.
func skipBlank(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	return i
}
