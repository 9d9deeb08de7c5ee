package app

import (
	"net/http/httptest"
	"path/filepath"
	"testing"

	"flowdeck/datastore"
	"flowdeck/internal/mfsim"
)

// The demo's template cards carry the simulator's stand-in script instead
// of Metaflow's card bundle, so the API says their HTML does not show the
// card (`original: false`) and the UI offers no Original view for them. The
// same files opened as an ordinary datastore, and the fixtures' real
// Metaflow cards, say true; a text card is false everywhere.
func TestCardOriginal(t *testing.T) {
	root := filepath.Join(t.TempDir(), ".metaflow")
	ds := mfsim.New(root, mfsim.Options{Seed: 7})
	run, err := ds.Flow("DemoFlow").NewRun(mfsim.RunOptions{Graph: mfsim.LinearGraph("start", "end")})
	if err != nil {
		t.Fatal(err)
	}
	task, _ := run.Step("start").NewTask(mfsim.TaskOptions{})
	task.Begin()
	card := task.Card(mfsim.CardSpec{Type: "blank", ID: "live", RefreshInterval: 1})
	card.Append(mfsim.ProgressBar("p", 10, 1))
	if err := card.RenderRuntime(); err != nil {
		t.Fatal(err)
	}

	for _, demo := range []bool{true, false} {
		a := New(Options{Shell: "serve", Assets: testAssets})
		open := a.Open
		if demo {
			// As StartDemo opens the simulator's datastore.
			open = func(root string) (datastore.Location, error) {
				loc, err := datastore.Discover(root)
				if err != nil {
					return loc, err
				}
				return loc, a.openLocation(loc, true, nil)
			}
		}
		if _, err := open(root); err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(a.Handler())
		s := &testServer{Server: srv, app: a, root: root}
		var td apiTask
		s.getJSON(t, "/api/tasks/DemoFlow/"+run.ID()+"/start/"+task.ID(), &td)
		if len(td.Cards) != 1 {
			t.Fatalf("cards = %+v", td.Cards)
		}
		var cd map[string]any
		s.getJSON(t, "/api/cards/"+td.Cards[0].Key, &cd)
		if cd["kind"] != "template" || cd["original"] != !demo {
			t.Errorf("demo=%v: kind %v original %v, want template %v", demo, cd["kind"], cd["original"], !demo)
		}
		srv.Close()
		a.Close()
	}

	s := newTestServer(t, "default", Options{})
	var d apiRunDetail
	s.getJSON(t, "/api/runs/DefaultCardFlow/1795642620378112", &d)
	check := func(c apiCard, want bool) {
		var cd map[string]any
		s.getJSON(t, "/api/cards/"+c.Key, &cd)
		if cd["original"] != want {
			t.Errorf("real Metaflow card %s (%v): original %v, want %v", c.Type, cd["kind"], cd["original"], want)
		}
	}
	check(d.Steps[4].Tasks[0].Cards[0], false) // taskspec_card: text
	for _, c := range d.Steps[3].Tasks[0].Cards {
		check(c, true) // default (template) and default_json
	}
}
