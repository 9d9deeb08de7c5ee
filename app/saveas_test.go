package app

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// savePlatform is the window's save dialog answering with a set path.
type savePlatform struct{ dst string }

func (p *savePlatform) OpenDirectory(string) (string, error)    { return "", nil }
func (p *savePlatform) SaveFile(string, string) (string, error) { return p.dst, nil }
func (p *savePlatform) Reveal(string) error                     { return nil }

// Both window exports (a comparison, a card) save through the same dialog
// path: refused with no dialog (serve mode), the file is written where the
// user chose, a cancelled dialog writes nothing, and a path inside the
// datastore is refused.
func TestSaveAsExports(t *testing.T) {
	runs := "?runs=" + artRunTuned + "," + artRunDef
	for _, c := range []struct{ name, fixture, download, export string }{
		{"comparison", "artifacts", "/api/flows/" + artFlow + "/compare/csv" + runs, "/api/flows/" + artFlow + "/compare/csv" + runs},
		{"card", "hostile", "/card/" + hostileKey + "?download=1", "/api/cards/" + hostileKey + "/export"},
	} {
		plat := &savePlatform{}
		s := newTestServer(t, c.fixture, Options{Platform: plat})
		post := func() (int, string) {
			req, _ := http.NewRequest("POST", s.URL+c.export, strings.NewReader(""))
			req.Header.Set("X-Flowdeck-Token", s.app.Secret())
			req.Header.Set("Origin", s.URL)
			code, b := s.do(t, req)
			return code, string(b)
		}
		code, want := s.get(t, c.download)
		if code != http.StatusOK || len(want) == 0 {
			t.Fatalf("%s download: %d %s", c.name, code, want)
		}
		s.app.opts.Platform = nil
		if code, body := post(); code != http.StatusForbidden {
			t.Errorf("%s with no save dialog (serve mode): %d %s", c.name, code, body)
		}
		s.app.opts.Platform = plat
		if code, body := post(); code != http.StatusOK || !strings.Contains(body, `"cancelled":true`) {
			t.Errorf("%s, cancelled: %d %s", c.name, code, body)
		}
		plat.dst = filepath.Join(s.root, "export.out")
		if code, body := post(); code != http.StatusBadRequest {
			t.Errorf("%s into the datastore: %d %s", c.name, code, body)
		}
		if _, err := os.Stat(plat.dst); err == nil {
			t.Errorf("%s: wrote into the datastore", c.name)
		}
		plat.dst = filepath.Join(t.TempDir(), "export.out")
		code, body := post()
		var done struct {
			OK   bool   `json:"ok"`
			Path string `json:"path"`
		}
		if err := json.Unmarshal([]byte(body), &done); code != http.StatusOK || err != nil || !done.OK || done.Path != plat.dst {
			t.Errorf("%s: %d %s", c.name, code, body)
		}
		if b, err := os.ReadFile(plat.dst); err != nil || string(b) != string(want) {
			t.Errorf("%s: saved %d bytes (%v), want the %d-byte download", c.name, len(b), err, len(want))
		}
	}
}
