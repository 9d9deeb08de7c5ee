package apiparity

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"flowdeck/app"
	"flowdeck/datastore"
	"flowdeck/datastore/metajoin"
	"flowdeck/datastore/s3fs"
	"flowdeck/internal/fixture"
)

// TestMetadataJoin opens what real Metaflow wrote to S3 (testdata/metaflow/s3)
// alone and joined with its local metadata folder (--metadata): alone,
// runs have no user and tags; joined, every run has the user, tags and
// system tags of its _meta/_self.json, and the statuses are the same.
func TestMetadataJoin(t *testing.T) {
	var without, with map[string]apiRun
	for _, join := range []bool{false, true} {
		isolate(t)
		c, err := s3fs.NewClient(t.Context(), s3fs.Options{Endpoint: srv.Endpoint})
		if err != nil {
			t.Fatal(err)
		}
		roots := s3fs.RootsFor(s3fs.URL{Bucket: bucket, Prefix: "mf"})
		opts := indexOpts
		opts.FS = s3fs.New(t.Context(), c, roots.Sysroot, roots.Cards)
		if join {
			dir, err := metajoin.Dir(fixture.Path(t, "s3", "local-metadata"))
			if err != nil {
				t.Fatal(err)
			}
			opts.FS = metajoin.New(opts.FS, roots.Sysroot.Path(), dir)
		}
		a := app.New(app.Options{Shell: "serve", Assets: testAssets, IndexOptions: opts})
		if err := a.OpenLocation(datastore.Location{Root: roots.Sysroot.Path(), CardRoot: roots.Cards.Path()}); err != nil {
			t.Fatal(err)
		}
		<-a.Loaded()
		s := httptest.NewServer(a.Handler())
		w := &walker{t: t, url: s.URL, secret: a.Secret(), seen: map[string]string{}}
		runs := map[string]apiRun{}
		var flows []struct{ Name string }
		w.getJSON("/api/flows", &flows)
		for _, f := range flows {
			var rs []apiRun
			w.getJSON("/api/flows/"+f.Name+"/runs", &rs)
			for _, r := range rs {
				runs[f.Name+"/"+r.ID] = r
			}
		}
		s.Close()
		a.Close()
		if join {
			with = runs
		} else {
			without = runs
		}
	}
	if len(without) < 4 || len(with) != len(without) {
		t.Fatalf("runs: %d alone, %d joined", len(without), len(with))
	}
	for k, r := range without {
		j := with[k]
		if r.User != "" || len(r.Tags) != 0 {
			t.Errorf("%s alone: user %q tags %v", k, r.User, r.Tags)
		}
		if j.Status != r.Status {
			t.Errorf("%s: status %s joined, %s alone", k, j.Status, r.Status)
		}
		// What the local metadata provider recorded for the run.
		var self struct {
			User       string   `json:"user_name"`
			Tags       []string `json:"tags"`
			SystemTags []string `json:"system_tags"`
		}
		b, err := os.ReadFile(filepath.Join(fixture.Dir(), "s3", "local-metadata", k, "_meta", "_self.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := jsonUnmarshal(b, &self); err != nil {
			t.Fatal(err)
		}
		if j.User != self.User || j.User == "" || !slices.Equal(j.Tags, self.Tags) || !slices.Contains(j.SystemTags, "user:"+self.User) {
			t.Errorf("%s joined: user %q tags %v system %v; _self.json %+v", k, j.User, j.Tags, j.SystemTags, self)
		}
	}
}

type apiRun struct {
	ID         string   `json:"id"`
	Status     string   `json:"status"`
	User       string   `json:"user"`
	Tags       []string `json:"tags"`
	SystemTags []string `json:"system_tags"`
}
