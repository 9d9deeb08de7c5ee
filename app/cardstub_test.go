package app

import (
	"bytes"
	"strings"
	"testing"
)

// Issue 12, point 4: a card file requested as a page of its own gets a
// page that says to open it in Flowdeck, never the card; its frame and
// Export are unchanged.
func TestCardTopLevelStub(t *testing.T) {
	for _, shell := range []string{"serve", "window"} {
		s := newTestServer(t, "hostile", Options{Shell: shell})
		card, raw := rawGet(t, s, "GET", "/card/"+hostileKey+"?download=1", nil)
		if card.StatusCode != 200 || len(raw) < 1000 {
			t.Fatalf("%s: card file: %d, %d bytes", shell, card.StatusCode, len(raw))
		}
		cases := []struct {
			name  string
			hdr   map[string]string
			path  string
			stub  bool
			whole bool
		}{
			{"new tab", map[string]string{"Sec-Fetch-Dest": "document", "Accept": "text/html,*/*"}, "/card/" + hostileKey, true, false},
			{"no fetch metadata", map[string]string{"Accept": "text/html,application/xhtml+xml"}, "/card/" + hostileKey, shell == "serve", false},
			{"frame", map[string]string{"Sec-Fetch-Dest": "iframe", "Accept": "text/html"}, "/card/" + hostileKey, false, false},
			{"export in a tab", map[string]string{"Sec-Fetch-Dest": "document", "Accept": "text/html"}, "/card/" + hostileKey + "?download=1", false, true},
		}
		for _, c := range cases {
			resp, b := rawGet(t, s, "GET", c.path, c.hdr)
			isStub := bytes.Contains(b, []byte(`data-flowdeck-card-stub="1"`))
			if resp.StatusCode != 200 || isStub != c.stub {
				t.Errorf("%s, %s: %d, stub %v", shell, c.name, resp.StatusCode, isStub)
			}
			if c.stub {
				csp := resp.Header.Get("Content-Security-Policy")
				if bytes.Contains(b, []byte("<script")) || strings.Contains(csp, "script") || !strings.Contains(csp, "default-src 'none'") ||
					!bytes.Contains(b, []byte("Open this card in Flowdeck")) || !bytes.Contains(b, []byte("/cards/"+hostileKey)) ||
					bytes.Contains(b, raw[len(raw)/2:len(raw)/2+64]) {
					t.Errorf("%s, %s: stub %q CSP %q", shell, c.name, b, csp)
				}
			}
			if c.whole && !bytes.Equal(b, raw) {
				t.Errorf("%s, %s: export changed", shell, c.name)
			}
		}
	}
}
