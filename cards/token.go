package cards

import "bytes"

var tokenMarker = []byte(`METAFLOW_RELOAD_TOKEN = "`)

// ScanToken finds the reload token in the beginning of a card HTML file.
// Template cards put it after the inline favicon and stylesheet (about 50 KB
// in); custom cards wherever they like. found is false when prefix holds no
// complete token assignment, so callers can read further.
func ScanToken(prefix []byte) (token string, found bool) {
	i := bytes.Index(prefix, tokenMarker)
	if i < 0 {
		return "", false
	}
	rest := prefix[i+len(tokenMarker):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 || j > 512 {
		return "", false
	}
	return string(rest[:j]), true
}
