package app

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

type apiRun struct {
	Flow       string         `json:"flow"`
	ID         string         `json:"id"`
	Status     string         `json:"status"`
	User       string         `json:"user"`
	Tags       []string       `json:"tags"`
	SystemTags []string       `json:"system_tags"`
	Started    *string        `json:"started_at"`
	Finished   *string        `json:"finished_at"`
	Loaded     bool           `json:"loaded"`
	Counts     map[string]int `json:"counts"`
}

type apiCard struct {
	Key     string  `json:"key"`
	Type    string  `json:"type"`
	ID      *string `json:"id"`
	UUID    string  `json:"uuid"`
	Attempt int     `json:"attempt"`
	Token   string  `json:"token"`
	Final   bool    `json:"final"`
}

type apiTask struct {
	ID           string    `json:"id"`
	Status       string    `json:"status"`
	Attempt      int       `json:"attempt"`
	Started      *string   `json:"started_at"`
	Finished     *string   `json:"finished_at"`
	ForeachIndex *int      `json:"foreach_index"`
	Origin       *string   `json:"origin"`
	Cards        []apiCard `json:"cards"`
}

type apiStep struct {
	Name       string    `json:"name"`
	Status     string    `json:"status"`
	TasksTotal int       `json:"tasks_total"`
	Tasks      []apiTask `json:"tasks"`
}

type apiRunDetail struct {
	apiRun
	DAG   map[string]any `json:"dag"`
	Steps []apiStep      `json:"steps"`
}

// TestEveryRouteEveryFixture walks the whole API on every fixture: every
// flow, run, step, task, log and card answers, with the shapes of
// docs/api.md.
func TestEveryRouteEveryFixture(t *testing.T) {
	for _, fx := range []string{"default", "components", "foreach", "failing", "retry", "live", "live_midrun", "hostile",
		"older-2.11.0/default", "older-2.11.0/retry", "older-2.11.0/live_midrun", "older-2.12.39/components", "older-2.12.39/foreach"} {
		t.Run(fx, func(t *testing.T) {
			s := newTestServer(t, fx, Options{})
			var ds map[string]any
			s.getJSON(t, "/api/datastore", &ds)
			if ds["root"] != s.root && !strings.HasSuffix(ds["root"].(string), strings.TrimPrefix(s.root, "/tmp")) {
				t.Errorf("root = %v, want %s", ds["root"], s.root)
			}
			idx := ds["indexing"].(map[string]any)
			if idx["done"] != idx["total"] {
				t.Errorf("indexing = %v after load", idx)
			}
			var flows []struct {
				Name      string `json:"name"`
				Runs      int    `json:"runs"`
				LatestRun string `json:"latest_run"`
			}
			s.getJSON(t, "/api/flows", &flows)
			if len(flows) != 1 {
				t.Fatalf("flows = %+v", flows)
			}
			for _, f := range flows {
				var runs []apiRun
				s.getJSON(t, "/api/flows/"+f.Name+"/runs", &runs)
				if len(runs) != f.Runs || len(runs) == 0 {
					t.Fatalf("runs = %d, flow says %d", len(runs), f.Runs)
				}
				for i, r := range runs {
					if i > 0 && r.ID > runs[i-1].ID {
						t.Errorf("runs not newest first: %s after %s", r.ID, runs[i-1].ID)
					}
					if !slices.Contains([]string{"running", "succeeded", "failed", "unknown"}, r.Status) || !r.Loaded || r.Started == nil {
						t.Errorf("run %s: %+v", r.ID, r)
					}
					var d apiRunDetail
					s.getJSON(t, "/api/runs/"+f.Name+"/"+r.ID, &d)
					if d.ID != r.ID || d.Status != r.Status || len(d.Steps) == 0 {
						t.Errorf("run detail %s: %+v", r.ID, d.apiRun)
					}
					for _, st := range d.Steps {
						var one apiStep
						s.getJSON(t, "/api/runs/"+f.Name+"/"+r.ID+"/steps/"+st.Name+"?offset=0&limit=2", &one)
						if one.Name != st.Name || one.TasksTotal != len(st.Tasks) || len(one.Tasks) != min(2, len(st.Tasks)) {
							t.Errorf("step page %s: total %d tasks %d", st.Name, one.TasksTotal, len(one.Tasks))
						}
						for _, tk := range st.Tasks {
							base := "/api/tasks/" + f.Name + "/" + r.ID + "/" + st.Name + "/" + tk.ID
							var td struct {
								apiTask
								Attempts  []map[string]any `json:"attempts"`
								Artifacts []map[string]any `json:"artifacts"`
								Logs      map[string]bool  `json:"logs"`
							}
							s.getJSON(t, base, &td)
							if td.ID != tk.ID || len(td.Attempts) == 0 || len(td.Cards) < len(tk.Cards) {
								t.Errorf("task %s: %+v", base, td.apiTask)
							}
							for _, stream := range []string{"stdout", "stderr"} {
								code, body := s.get(t, base+"/logs/"+stream)
								switch {
								case td.Logs[stream] && code != http.StatusOK:
									t.Errorf("%s log: %d %s", stream, code, body)
								case !td.Logs[stream] && code != http.StatusNotFound:
									t.Errorf("%s log absent but %d", stream, code)
								}
							}
							for _, c := range td.Cards {
								var cd map[string]any
								s.getJSON(t, "/api/cards/"+c.Key, &cd)
								if cd["key"] != c.Key || cd["type"] != c.Type || cd["error"] != nil {
									t.Errorf("card %s: %v", c.Key, cd["error"])
								}
								kind := cd["kind"]
								if !slices.Contains([]any{"template", "json", "html", "text"}, kind) {
									t.Errorf("card %s kind %v", c.Key, kind)
								}
								if (kind == "template" || kind == "json") && cd["card"] == nil {
									t.Errorf("card %s: no component tree", c.Key)
								}
								code, _ := s.get(t, "/api/cards/"+c.Key+"/data")
								if code != http.StatusOK && code != http.StatusNotFound {
									t.Errorf("card data %s: %d", c.Key, code)
								}
								code, body := s.get(t, "/card/"+c.Key)
								if code != http.StatusOK || len(body) == 0 {
									t.Errorf("card file %s: %d", c.Key, code)
								}
							}
						}
					}
				}
			}
		})
	}
}

// TestDefaultFixtureValues checks values read off fixtures/default by hand.
func TestDefaultFixtureValues(t *testing.T) {
	s := newTestServer(t, "default", Options{})
	var runs []apiRun
	s.getJSON(t, "/api/flows/DefaultCardFlow/runs", &runs)
	if len(runs) != 2 || runs[0].ID != "1795642625513910" || runs[1].ID != "1795642620378112" {
		t.Fatalf("runs = %+v", runs)
	}
	older := runs[1]
	if older.Status != "succeeded" || older.User != "tester" || !slices.Equal(older.Tags, []string{"corpus", "added_later", "team:ml"}) ||
		!slices.Contains(older.SystemTags, "metaflow_version:2.19.38") || older.Finished == nil {
		t.Errorf("older run = %+v", older)
	}
	var d apiRunDetail
	s.getJSON(t, "/api/runs/DefaultCardFlow/1795642620378112", &d)
	var names []string
	for _, st := range d.Steps {
		names = append(names, st.Name)
	}
	// DAG order from the default card's dag component.
	if strings.Join(names, ",") != "start,branch_a,branch_b,join,end" || d.DAG == nil {
		t.Errorf("steps = %v dag = %v", names, d.DAG != nil)
	}
	join := d.Steps[3].Tasks[0]
	if len(join.Cards) != 2 {
		t.Fatalf("join cards = %+v", join.Cards)
	}
	var text map[string]any
	end := d.Steps[4].Tasks[0]
	s.getJSON(t, "/api/cards/"+end.Cards[0].Key, &text)
	if text["kind"] != "text" || text["text"] != "DefaultCardFlow/1795642620378112/end/5" {
		t.Errorf("taskspec card = %v %v", text["kind"], text["text"])
	}
	for _, c := range join.Cards {
		var cd map[string]any
		s.getJSON(t, "/api/cards/"+c.Key, &cd)
		want := map[string]string{"default": "template", "default_json": "json"}[c.Type]
		if cd["kind"] != want || !c.Final {
			t.Errorf("join card %s: kind %v final %v", c.Type, cd["kind"], c.Final)
		}
	}
	var td map[string]any
	s.getJSON(t, "/api/tasks/DefaultCardFlow/1795642620378112/start/1", &td)
	arts := td["artifacts"].([]any)
	if len(arts) == 0 {
		t.Fatal("no artifacts")
	}
	for _, a := range arts {
		if strings.HasPrefix(a.(map[string]any)["name"].(string), "_") {
			t.Errorf("internal artifact listed: %v", a)
		}
	}
	var log struct {
		Lines []struct{ TS, Source, Text string } `json:"lines"`
	}
	s.getJSON(t, "/api/tasks/DefaultCardFlow/1795642620378112/start/1/logs/stdout", &log)
	if len(log.Lines) == 0 || log.Lines[0].TS == "" || log.Lines[0].Source == "" {
		t.Errorf("log = %+v", log)
	}
}

func TestAuthAndHost(t *testing.T) {
	s := newTestServer(t, "retry", Options{CheckHost: true})
	req, _ := http.NewRequest("GET", s.URL+"/api/flows", nil)
	if code, _ := s.do(t, req); code != http.StatusUnauthorized {
		t.Errorf("no secret: %d", code)
	}
	req.Header.Set("X-Flowdeck-Token", "wrong")
	if code, _ := s.do(t, req); code != http.StatusUnauthorized {
		t.Errorf("wrong secret: %d", code)
	}
	req.Header.Set("X-Flowdeck-Token", s.app.Secret())
	req.Host = "evil.example:8324"
	if code, _ := s.do(t, req); code != http.StatusForbidden {
		t.Errorf("rebinding host: %d", code)
	}
	req.Host = "localhost:8324"
	if code, _ := s.do(t, req); code != http.StatusOK {
		t.Errorf("localhost: %d", code)
	}
	// The page itself is served with the secret and a strict CSP.
	req, _ = http.NewRequest("GET", s.URL+"/", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-src 'self'") {
		t.Errorf("page CSP = %q", resp.Header.Get("Content-Security-Policy"))
	}
}

func TestRemoteRequiresToken(t *testing.T) {
	s := newTestServer(t, "retry", Options{RequireSecret: true})
	for _, p := range []string{"/api/flows", "/card/" + "abc", "/api/events"} {
		req, _ := http.NewRequest("GET", s.URL+p, nil)
		if code, _ := s.do(t, req); code != http.StatusUnauthorized {
			t.Errorf("%s without token: %d", p, code)
		}
	}
	// The built frontend holds nothing of the datastore: it loads without
	// the secret (there is no cookie to carry it), and then the page holds
	// no secret either; it reads it from the URL's fragment.
	req, _ := http.NewRequest("GET", s.URL+"/assets/app-1.js", nil)
	if code, _ := s.do(t, req); code != http.StatusOK {
		t.Errorf("asset without token: %d", code)
	}
	// The secret in a request line does not count: only the header does.
	for _, p := range []string{"/api/flows?token=", "/api/events?token=", "/?token="} {
		req, _ := http.NewRequest("GET", s.URL+p+s.app.Secret(), nil)
		code, b := s.do(t, req)
		if p == "/?token=" {
			if strings.Contains(string(b), s.app.Secret()) {
				t.Errorf("%s: the page holds the secret", p)
			}
		} else if code != http.StatusUnauthorized {
			t.Errorf("%s<secret>: %d", p, code)
		}
	}
	req, _ = http.NewRequest("GET", s.URL+"/", nil)
	if code, b := s.do(t, req); code != http.StatusOK || strings.Contains(string(b), s.app.Secret()) ||
		!strings.Contains(string(b), `<meta name="flowdeck-token" content="">`) {
		t.Errorf("page without token: %d %s", code, b)
	}
	req, _ = http.NewRequest("GET", s.URL+"/?token="+url.QueryEscape(s.app.Secret()), nil)
	resp, _ := s.send(t, req)
	if resp.StatusCode != 200 || len(resp.Cookies()) != 0 || resp.Header.Get("Set-Cookie") != "" {
		t.Fatalf("token URL: %d cookies %v", resp.StatusCode, resp.Cookies())
	}
}
