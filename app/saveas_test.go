package app

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// savePlatform is the window's save dialog answering with a set path; it
// keeps the file name it was offered.
type savePlatform struct{ dst, name string }

func (p *savePlatform) OpenDirectory(string) (string, error) { return "", nil }
func (p *savePlatform) SaveFile(_, name string) (string, error) {
	p.name = name
	return p.dst, nil
}
func (p *savePlatform) Reveal(string) error { return nil }

// The window exports (a comparison's CSV, which the page sends, and a card)
// save through the same dialog path: refused with no dialog (serve mode),
// the file is written where the user chose, a cancelled dialog writes
// nothing, and a path inside the datastore is refused.
func TestSaveAsExports(t *testing.T) {
	runs := "?runs=" + artRunTuned + "," + artRunDef
	csv := "group,name,source," + artRunTuned + "," + artRunDef + "\nvaluebox,Loss,train · blank#live,0.1,0.2\n"
	for _, c := range []struct{ name, fixture, download, export, body string }{
		{"comparison", "artifacts", "", "/api/flows/" + artFlow + "/compare/csv" + runs, csv},
		{"card", "hostile", "/card/" + hostileKey + "?download=1", "/api/cards/" + hostileKey + "/export", ""},
	} {
		plat := &savePlatform{}
		s := newTestServer(t, c.fixture, Options{Platform: plat})
		post := func() (int, string) {
			req, _ := http.NewRequest("POST", s.URL+c.export, strings.NewReader(c.body))
			req.Header.Set("X-Flowdeck-Token", s.app.Secret())
			req.Header.Set("Origin", s.URL)
			code, b := s.do(t, req)
			return code, string(b)
		}
		// A card is saved as its download; the CSV as the page sent it.
		code, want := http.StatusOK, []byte(c.body)
		if c.download != "" {
			code, want = s.get(t, c.download)
		}
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
			t.Errorf("%s: saved %d bytes (%v), want the %d bytes of the download", c.name, len(b), err, len(want))
		}
		if c.name == "comparison" && plat.name != artFlow+"-compare-"+artRunTuned+"_"+artRunDef+".csv" {
			t.Errorf("the dialog offered %q", plat.name)
		}
	}
}

// The CSV the window sends is capped: a larger body is refused (413) and
// nothing is written; an unknown format is 404 before any dialog.
func TestSaveCompareCSVLimits(t *testing.T) {
	plat := &savePlatform{}
	s := newTestServer(t, "artifacts", Options{Platform: plat})
	plat.dst = filepath.Join(t.TempDir(), "big.csv")
	post := func(format string, body io.Reader) int {
		req, _ := http.NewRequest("POST", s.URL+"/api/flows/"+artFlow+"/compare/"+format+"?runs="+artRunTuned+","+artRunDef, body)
		req.Header.Set("X-Flowdeck-Token", s.app.Secret())
		req.Header.Set("Origin", s.URL)
		code, _ := s.do(t, req)
		return code
	}
	if code := post("csv", io.LimitReader(zeros{}, maxCSVBytes+1)); code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized csv: %d", code)
	}
	if _, err := os.Stat(plat.dst); err == nil || plat.name != "" {
		t.Errorf("oversized csv: wrote %s (dialog offered %q)", plat.dst, plat.name)
	}
	if code := post("pdf", strings.NewReader("x")); code != http.StatusNotFound || plat.name != "" {
		t.Errorf("pdf: %d, dialog offered %q", code, plat.name)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '0'
	}
	return len(p), nil
}
