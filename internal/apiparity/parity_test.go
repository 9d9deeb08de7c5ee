package apiparity

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"flowdeck/app"
	"flowdeck/datastore"
	"flowdeck/datastore/s3fs"
	"flowdeck/internal/fixture"
	"flowdeck/internal/s3test"
)

// fixtures are walked on both backends; each is uploaded to
// s3://flowdeck-parity/<name>/ without _meta and latest_run.
var fixtures = []string{"default", "components", "foreach", "failing", "retry", "live", "artifacts", "older-2.12.39/components"}

const bucket = "flowdeck-parity"

var srv *s3test.Server

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var err error
	if srv, err = s3test.Start(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer srv.Close()
	if err := srv.CreateBucket(ctx, bucket); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if _, err := srv.UploadTree(ctx, bucket, "mf", fixture.Dir()+"/s3/objects", nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for _, name := range fixtures {
		if _, err := srv.UploadTree(ctx, bucket, name, fixture.Dir()+"/"+name+"/.metaflow", s3test.NotInBucket); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return m.Run()
}

// Fixture runs that look running must stay running on both sides: the
// files' mtimes (checkout, upload) are not the run's.
var indexOpts = datastore.Options{StaleAfter: 100000 * time.Hour}

var testAssets = fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>Flowdeck</title>")}}

// backend opens one fixture and returns an API server over it.
type backend struct {
	name string
	open func(t *testing.T, fx string) *app.App
}

var backends = []backend{
	{"local", func(t *testing.T, fx string) *app.App {
		a := app.New(app.Options{Shell: "serve", Assets: testAssets, IndexOptions: indexOpts})
		if _, err := a.Open(fixture.Copy(t, fx)); err != nil {
			t.Fatal(err)
		}
		return a
	}},
	{"s3", func(t *testing.T, fx string) *app.App {
		isolate(t)
		c, err := s3fs.NewClient(t.Context(), s3fs.Options{Endpoint: srv.Endpoint})
		if err != nil {
			t.Fatal(err)
		}
		// As app/s3remote builds it: the datastore root and its mf.cards.
		u := s3fs.URL{Bucket: bucket, Prefix: fx}
		roots := s3fs.RootsFor(u)
		opts := indexOpts
		opts.FS = s3fs.New(t.Context(), c, roots.Sysroot, roots.Cards)
		a := app.New(app.Options{Shell: "serve", Assets: testAssets, IndexOptions: opts})
		if err := a.OpenLocation(datastore.Location{Root: roots.Sysroot.Path(), CardRoot: roots.Cards.Path()}); err != nil {
			t.Fatal(err)
		}
		return a
	}},
}

// isolate keeps the machine's AWS setup out of the test: the client is
// anonymous against the test server's endpoint.
func isolate(t *testing.T) {
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "METAFLOW_S3_ENDPOINT_URL", "METAFLOW_CARD_S3ROOT"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/credentials")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// TestAPIBothBackends walks every route of the API over each fixture on
// both backends with the same assertions, and requires the two walks to
// give the same answers, user and tags aside (the bucket has no _meta:
// docs/format.md §7).
func TestAPIBothBackends(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx, func(t *testing.T) {
			walks := map[string]map[string]string{}
			for _, b := range backends {
				t.Run(b.name, func(t *testing.T) {
					a := b.open(t, fx)
					<-a.Loaded()
					s := httptest.NewServer(a.Handler())
					defer func() { s.Close(); a.Close() }()
					w := &walker{t: t, url: s.URL, secret: a.Secret(), seen: map[string]string{}}
					w.walk()
					walks[b.name] = w.seen
				})
			}
			l, r := walks["local"], walks["s3"]
			if len(l) == 0 || len(r) == 0 {
				t.Fatal("a walk failed")
			}
			var keys []string
			for k := range l {
				keys = append(keys, k)
			}
			for k := range r {
				if _, ok := l[k]; !ok {
					keys = append(keys, k)
				}
			}
			sort.Strings(keys)
			diffs := 0
			for _, k := range keys {
				if l[k] != r[k] {
					if diffs++; diffs <= 8 {
						i := firstDiff(l[k], r[k])
						t.Errorf("%s differs at byte %d:\n local …%.300s\n    s3 …%.300s", k, i, l[k][max(0, i-120):], r[k][max(0, i-120):])
					}
				}
			}
			if diffs > 8 {
				t.Errorf("%d answers differ in all", diffs)
			}
			t.Logf("%d answers compared", len(keys))
		})
	}
}

// notInBucket are the answer fields the bucket cannot give: user, tags,
// system tags (and so the Metaflow version, a system tag) and latest_run
// come from _meta and latest_run files, the metadata provider's; finish
// times and a card's updated_at come from file times, which are the
// checkout's on disk and the upload's in the bucket (docs/format.md §7).
// A card's attempt is compared, but without _meta it is inferred from the
// task's attempts, and attempt_inferred says so.
var notInBucket = map[string]bool{"attempt_inferred": true, "user": true, "tags": true, "system_tags": true, "metaflow_version": true,
	"latest_run": true, "finished_at": true, "updated_at": true}

type walker struct {
	t      *testing.T
	url    string
	secret string
	seen   map[string]string
}

func (w *walker) get(p string) (int, []byte) {
	w.t.Helper()
	req, _ := http.NewRequest("GET", w.url+p, nil)
	req.Header.Set("X-Flowdeck-Token", w.secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// getJSON fetches p, decodes it into v, and records its answer without
// the fields the bucket cannot hold.
func (w *walker) getJSON(p string, v any) {
	w.t.Helper()
	code, b := w.get(p)
	if code != http.StatusOK {
		w.t.Fatalf("GET %s: %d %s", p, code, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		w.t.Fatalf("GET %s: %v", p, err)
	}
	var tree any
	json.Unmarshal(b, &tree)
	norm, _ := json.Marshal(strip(tree))
	w.seen[p] = string(norm)
}

// raw records a non-JSON answer (card HTML, card data) with its status.
func (w *walker) raw(p string) (int, []byte) {
	code, b := w.get(p)
	w.seen[p] = fmt.Sprintf("%d %s", code, b)
	return code, b
}

func strip(v any) any {
	switch x := v.(type) {
	case map[string]any:
		// A step's start is its _meta record's time on disk and its first
		// task's attempt.json time in a bucket; task starts match.
		if _, isStep := x["counts"]; isStep && x["flow"] == nil {
			delete(x, "started_at")
		}
		for k := range x {
			if notInBucket[k] {
				delete(x, k)
			} else {
				x[k] = strip(x[k])
			}
		}
	case []any:
		for i := range x {
			x[i] = strip(x[i])
		}
	}
	return v
}

type card struct {
	Key   string `json:"key"`
	Type  string `json:"type"`
	Final bool   `json:"final"`
}

type task struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Cards  []card `json:"cards"`
}

func (w *walker) walk() {
	t := w.t
	var ds map[string]any
	w.getJSON("/api/datastore", &ds)
	delete(w.seen, "/api/datastore") // roots differ by design
	if idx := ds["indexing"].(map[string]any); idx["done"] != idx["total"] {
		t.Errorf("indexing = %v after load", idx)
	}
	var flows []struct {
		Name string `json:"name"`
		Runs int    `json:"runs"`
	}
	w.getJSON("/api/flows", &flows)
	if len(flows) == 0 {
		t.Fatal("no flows")
	}
	for _, f := range flows {
		var runs []struct {
			ID      string  `json:"id"`
			Status  string  `json:"status"`
			Started *string `json:"started_at"`
			Loaded  bool    `json:"loaded"`
		}
		w.getJSON("/api/flows/"+f.Name+"/runs", &runs)
		if len(runs) != f.Runs || len(runs) == 0 {
			t.Fatalf("runs = %d, flow says %d", len(runs), f.Runs)
		}
		for _, r := range runs {
			if !slices.Contains([]string{"running", "succeeded", "failed", "unknown"}, r.Status) || !r.Loaded || r.Started == nil {
				t.Errorf("run %s: %+v", r.ID, r)
			}
			var d struct {
				ID    string `json:"id"`
				Steps []struct {
					Name  string `json:"name"`
					Tasks []task `json:"tasks"`
				} `json:"steps"`
			}
			w.getJSON("/api/runs/"+f.Name+"/"+r.ID, &d)
			if d.ID != r.ID || len(d.Steps) == 0 {
				t.Errorf("run detail %s: %+v", r.ID, d)
			}
			for _, st := range d.Steps {
				var page struct {
					TasksTotal int `json:"tasks_total"`
				}
				w.getJSON("/api/runs/"+f.Name+"/"+r.ID+"/steps/"+st.Name+"?offset=0&limit=2", &page)
				if page.TasksTotal != len(st.Tasks) {
					t.Errorf("step %s: total %d, tasks %d", st.Name, page.TasksTotal, len(st.Tasks))
				}
				for _, tk := range st.Tasks {
					w.task(f.Name, r.ID, st.Name, tk)
				}
			}
		}
	}
}

func (w *walker) task(flow, run, step string, tk task) {
	t := w.t
	base := "/api/tasks/" + flow + "/" + run + "/" + step + "/" + tk.ID
	var td struct {
		ID        string `json:"id"`
		Attempts  []any  `json:"attempts"`
		Artifacts []struct {
			Name string `json:"name"`
		} `json:"artifacts"`
		Logs  map[string]bool `json:"logs"`
		Cards []card          `json:"cards"`
	}
	w.getJSON(base, &td)
	if td.ID != tk.ID || len(td.Attempts) == 0 || len(td.Cards) < len(tk.Cards) {
		t.Errorf("task %s: %+v", base, td)
	}
	for _, stream := range []string{"stdout", "stderr"} {
		if td.Logs[stream] {
			var lg any
			w.getJSON(base+"/logs/"+stream, &lg)
		}
	}
	for _, a := range td.Artifacts {
		var v struct {
			Name  string          `json:"name"`
			Value json.RawMessage `json:"value"`
		}
		w.getJSON(base+"/artifacts/"+url.PathEscape(a.Name), &v)
		if v.Name != a.Name || len(v.Value) == 0 {
			t.Errorf("artifact %s/%s: %+v", base, a.Name, v)
		}
	}
	for _, c := range td.Cards {
		var cd map[string]any
		w.getJSON("/api/cards/"+c.Key, &cd)
		if cd["key"] != c.Key || cd["type"] != c.Type || cd["error"] != nil {
			t.Errorf("card %s: %v", c.Key, cd["error"])
		}
		if !slices.Contains([]any{"template", "json", "html", "text"}, cd["kind"]) {
			t.Errorf("card %s kind %v", c.Key, cd["kind"])
		}
		if code, _ := w.raw("/api/cards/" + c.Key + "/data"); code != http.StatusOK && code != http.StatusNotFound {
			t.Errorf("card data %s: %d", c.Key, code)
		}
		if code, body := w.raw("/card/" + c.Key); code != http.StatusOK || len(body) == 0 || !strings.Contains(strings.ToLower(string(body)), "<") {
			t.Errorf("card file %s: %d", c.Key, code)
		}
	}
}

func firstDiff(a, b string) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
