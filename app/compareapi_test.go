package app

import (
	"maps"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
)

// The compare routes on the artifacts fixture: rows as JSON (no ValueBox
// rows: the page builds them, and the CSV), the offline HTML download, and
// clear 400/404 answers for bad run lists and formats.
func TestCompareRoutes(t *testing.T) {
	assets := fstest.MapFS{
		"export/export.js":  {Data: []byte("console.log(1)")},
		"export/export.css": {Data: []byte("body{}")},
	}
	maps.Copy(assets, testAssets)
	s := newTestServer(t, "artifacts", Options{Assets: assets})
	base := "/api/flows/" + artFlow + "/compare"
	var res struct {
		Runs       []struct{ ID string } `json:"runs"`
		ExportName string                `json:"export_name"`
		Rows       []struct {
			Group   string    `json:"group"`
			Name    string    `json:"name"`
			Values  []*string `json:"values"`
			Differs bool      `json:"differs"`
		} `json:"rows"`
	}
	s.getJSON(t, base+"?runs="+artRunTuned+","+artRunDef, &res)
	if len(res.Runs) != 2 || res.Runs[0].ID != artRunTuned {
		t.Fatalf("runs = %+v", res.Runs)
	}
	found := false
	for _, r := range res.Rows {
		if r.Group == "parameter" && r.Name == "model_name" {
			found = r.Differs && r.Values[0] != nil && strings.Contains(*r.Values[0], "tuned")
		}
	}
	if !found {
		t.Errorf("no differing model_name parameter in %+v", res.Rows)
	}
	for _, r := range res.Rows {
		if r.Group == "valuebox" {
			t.Errorf("the server sent a ValueBox row: %+v", r)
		}
	}
	if want := artFlow + "-compare-" + artRunTuned + "_" + artRunDef; res.ExportName != want {
		t.Errorf("export_name = %q, want %q", res.ExportName, want)
	}
	resp, body := s.send(t, authed(t, s, base+"/html?runs="+artRunTuned+","+artRunDef))
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(body), "<!doctype html>") ||
		resp.Header.Get("Content-Disposition") != `attachment; filename="`+res.ExportName+`.html"` {
		t.Errorf("html: %d %q %.80q", resp.StatusCode, resp.Header.Get("Content-Disposition"), body)
	}
	for path, want := range map[string]int{
		base + "/csv?runs=" + artRunTuned + "," + artRunDef:    http.StatusNotFound,
		base + "?runs=" + artRunTuned:                          http.StatusBadRequest,
		base + "?runs=" + artRunTuned + "," + artRunTuned:      http.StatusBadRequest,
		base + "?runs=" + artRunTuned + ",404":                 http.StatusNotFound,
		base + "/pdf?runs=" + artRunTuned + "," + artRunDef:    http.StatusNotFound,
		"/api/flows/NoFlow/compare?runs=" + artRunTuned + ",1": http.StatusNotFound,
	} {
		if code, body := s.get(t, path); code != want {
			t.Errorf("GET %s = %d %s, want %d", path, code, body, want)
		}
	}
}

func authed(t *testing.T, s *testServer, path string) *http.Request {
	t.Helper()
	req, err := http.NewRequest("GET", s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Flowdeck-Token", s.app.Secret())
	return req
}
