package app

import (
	"encoding/json"
	"net/http"
	"os"
	"testing"
)

const (
	artFlow     = "ArtifactsFlow"
	artRunTuned = "1796418786417171" // --lr 0.01 --epochs 5 --model_name tuned --flag True
	artRunDef   = "1796418788573167" // the parameter defaults
)

type apiArtifact struct {
	Name      string          `json:"name"`
	Type      string          `json:"type"`
	Size      int64           `json:"size"`
	Attempt   int             `json:"attempt"`
	Value     json.RawMessage `json:"value"`
	Truncated bool            `json:"truncated"`
	Err       *string         `json:"error"`
}

type treeValue struct {
	Kind    string `json:"kind"`
	Type    string `json:"type"`
	Value   any    `json:"value"`
	Repr    string `json:"repr"`
	Error   string `json:"error"`
	Entries []struct {
		Key, Value treeValue
	} `json:"entries"`
	Columns []struct {
		Name string `json:"name"`
	} `json:"columns"`
}

func (s *testServer) artifact(t *testing.T, run, name, query string) (int, apiArtifact, treeValue) {
	t.Helper()
	code, b := s.get(t, "/api/tasks/"+artFlow+"/"+run+"/start/1/artifacts/"+name+query)
	var a apiArtifact
	var v treeValue
	if code == http.StatusOK {
		if err := json.Unmarshal(b, &a); err != nil {
			t.Fatalf("%s: %v: %s", name, err, b)
		}
		if err := json.Unmarshal(a.Value, &v); err != nil {
			t.Fatalf("%s value: %v: %s", name, err, a.Value)
		}
	}
	return code, a, v
}

func TestArtifactValueRoute(t *testing.T) {
	os.Remove("/tmp/flowdeck-pickle-was-executed")
	s := newTestServer(t, "artifacts", Options{})

	code, a, v := s.artifact(t, artRunTuned, "dict_value", "")
	if code != http.StatusOK || a.Name != "dict_value" || a.Type != "<class 'dict'>" || a.Size == 0 || a.Err != nil {
		t.Fatalf("dict_value: %d %+v", code, a)
	}
	if v.Kind != "dict" || len(v.Entries) != 4 || v.Entries[0].Key.Value != "a" || v.Entries[0].Value.Value != float64(1) {
		t.Errorf("dict_value tree = %+v", v)
	}

	code, _, v = s.artifact(t, artRunTuned, "df", "?attempt=0")
	if code != http.StatusOK || v.Kind != "dataframe" || len(v.Columns) != 3 || v.Columns[0].Name != "epoch" {
		t.Errorf("df: %d %+v", code, v)
	}

	// 1,000,000 floats: more items than a decode keeps.
	code, a, v = s.artifact(t, artRunTuned, "big_list", "")
	if code != http.StatusOK || v.Kind != "list" || !a.Truncated {
		t.Errorf("big_list: %d kind=%s truncated=%v", code, v.Kind, a.Truncated)
	}

	// A pickle that would run a shell command is an error value, not a 500,
	// and nothing ran.
	code, a, v = s.artifact(t, artRunTuned, "hostile", "")
	if code != http.StatusOK || v.Kind != "error" || v.Error == "" || a.Err == nil || *a.Err == "" {
		t.Errorf("hostile: %d %+v %+v", code, a, v)
	}
	if _, err := os.Stat("/tmp/flowdeck-pickle-was-executed"); err == nil {
		t.Fatal("the hostile pickle ran")
	}

	for _, path := range []string{
		"/api/tasks/" + artFlow + "/" + artRunTuned + "/start/1/artifacts/no_such_artifact",
		"/api/tasks/" + artFlow + "/" + artRunTuned + "/start/1/artifacts/small_int?attempt=3",
		"/api/tasks/" + artFlow + "/" + artRunTuned + "/start/99/artifacts/small_int",
	} {
		if code, b := s.get(t, path); code != http.StatusNotFound {
			t.Errorf("%s: %d %s", path, code, b)
		}
	}
}

func TestArtifactListPreview(t *testing.T) {
	s := newTestServer(t, "artifacts", Options{})
	var td struct {
		Artifacts []struct {
			Name    string `json:"name"`
			Preview string `json:"preview"`
		} `json:"artifacts"`
	}
	s.getJSON(t, "/api/tasks/"+artFlow+"/"+artRunTuned+"/start/1", &td)
	got := map[string]string{}
	for _, a := range td.Artifacts {
		got[a.Name] = a.Preview
	}
	want := map[string]string{"float_value": "0.0684", "text": "'hello world'", "small_int": "42", "true_value": "True",
		"long_text": "", "big_list": "", "np_big": ""}
	for name, w := range want {
		if p, ok := got[name]; !ok || p != w {
			t.Errorf("preview of %s = %q (listed %v), want %q", name, p, ok, w)
		}
	}
}

func TestRunParameters(t *testing.T) {
	s := newTestServer(t, "artifacts", Options{})
	type withParams struct {
		ID         string            `json:"id"`
		Parameters map[string]string `json:"parameters"`
	}
	want := map[string]map[string]string{
		artRunTuned: {"lr": "0.01", "epochs": "5", "model_name": "'tuned'", "flag": "True"},
		artRunDef:   {"lr": "0.001", "epochs": "3", "model_name": "'baseline'", "flag": "False"},
	}
	check := func(where string, r withParams) {
		w := want[r.ID]
		if len(r.Parameters) != len(w) {
			t.Errorf("%s %s: parameters = %v, want %v", where, r.ID, r.Parameters, w)
		}
		for k, v := range w {
			if r.Parameters[k] != v {
				t.Errorf("%s %s: %s = %q, want %q", where, r.ID, k, r.Parameters[k], v)
			}
		}
	}
	var runs []withParams
	s.getJSON(t, "/api/flows/"+artFlow+"/runs", &runs)
	if len(runs) != 2 {
		t.Fatalf("runs = %+v", runs)
	}
	for _, r := range runs {
		check("run list", r)
	}
	for id := range want {
		var d withParams
		s.getJSON(t, "/api/runs/"+artFlow+"/"+id, &d)
		check("run detail", d)
	}
}
