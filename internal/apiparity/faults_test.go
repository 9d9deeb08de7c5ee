package apiparity

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"flowdeck/app"
	"flowdeck/datastore"
	"flowdeck/datastore/s3fs"
	"flowdeck/internal/fixture"
	"flowdeck/internal/s3test"
)

// faultProxy puts a proxy in front of the test server; hook answers a
// request itself by returning true.
func faultProxy(t *testing.T, hook func(w http.ResponseWriter, r *http.Request) bool) string {
	t.Helper()
	ts, err := s3test.Proxy(srv.Endpoint, hook)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.Close)
	return ts.URL
}

// faultApp serves s3://bucket/faults (the failing and retry fixtures,
// two flows) through the proxy at endpoint, as the s3 backend does.
func faultApp(t *testing.T, endpoint string) (*walker, *app.App) {
	t.Helper()
	isolate(t)
	c, err := s3fs.NewClient(t.Context(), s3fs.Options{Endpoint: endpoint, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	roots := s3fs.RootsFor(s3fs.URL{Bucket: bucket, Prefix: "faults"})
	opts := indexOpts
	opts.FS = s3fs.New(t.Context(), c, roots.Sysroot, roots.Cards)
	a := app.New(app.Options{Shell: "serve", Assets: testAssets, IndexOptions: opts})
	if err := a.OpenLocation(datastore.Location{Root: roots.Sysroot.Path(), CardRoot: roots.Cards.Path()}); err != nil {
		t.Fatal(err)
	}
	<-a.Loaded()
	s := httptest.NewServer(a.Handler())
	t.Cleanup(func() { s.Close(); a.Close() })
	return &walker{t: t, url: s.URL, secret: a.Secret(), seen: map[string]string{}}, a
}

var uploadFaults = func() func(t *testing.T) {
	done := false
	return func(t *testing.T) {
		if done {
			return
		}
		for _, fx := range []string{"failing", "retry"} {
			if _, err := srv.UploadTree(context.Background(), bucket, "faults", fixture.Path(t, fx, ".metaflow"), s3test.NotInBucket); err != nil {
				t.Fatal(err)
			}
		}
		done = true
	}
}()

const (
	retryRun   = "RetryFlow/1795642659547529"
	failingRun = "FailingFlow/1795642652721113"
)

// TestAccessDeniedOnOneRun: S3 denies everything under one run's prefix
// (an IAM policy scoped by prefix). That run answers with an error naming
// the action and the prefix; the other flow's run and its card work.
func TestAccessDeniedOnOneRun(t *testing.T) {
	uploadFaults(t)
	denied := "faults/" + retryRun + "/"
	proxy, err := s3test.DenyPrefix(srv.Endpoint, bucket, denied)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxy.Close)
	w, _ := faultApp(t, proxy.URL)
	type runAnswer struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		Error  string `json:"error"`
		Counts struct {
			Total int `json:"total"`
		} `json:"counts"`
	}
	var runs []runAnswer
	w.getJSON("/api/flows/RetryFlow/runs", &runs)
	var denyRun runAnswer
	w.getJSON("/api/runs/"+retryRun, &denyRun)
	for _, r := range append(runs, denyRun) {
		if !strings.Contains(r.Error, "access denied") || !strings.Contains(r.Error, "s3:ListBucket") ||
			!strings.Contains(r.Error, "s3://"+bucket+"/"+denied) {
			t.Errorf("denied run %s: error %q, want access denied naming s3:ListBucket on its prefix", r.ID, r.Error)
		}
	}
	var other runAnswer
	w.getJSON("/api/runs/"+failingRun, &other)
	if other.Error != "" || other.Status != "failed" || other.Counts.Total != 2 {
		t.Errorf("the other run: %+v", other)
	}
	// Its card reads too.
	var d struct {
		Steps []struct {
			Tasks []task `json:"tasks"`
		} `json:"steps"`
	}
	w.getJSON("/api/runs/"+failingRun, &d)
	cards := 0
	for _, st := range d.Steps {
		for _, tk := range st.Tasks {
			for _, c := range tk.Cards {
				cards++
				if code, body := w.get("/card/" + c.Key); code != http.StatusOK || !strings.Contains(string(body), "</html>") {
					t.Errorf("card %s of the other run: %d", c.Key, code)
				}
			}
		}
	}
	if cards == 0 {
		t.Error("the other run shows no card")
	}
}

// TestTruncatedObject: a card HTML object whose body is cut off in
// transfer (fewer bytes than its Content-Length) gives a clear error on
// that card, and the next read, whole, works.
func TestTruncatedObject(t *testing.T) {
	uploadFaults(t)
	var armed atomic.Bool
	ep := faultProxy(t, func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, ".html") || !armed.Load() {
			return false
		}
		req, _ := http.NewRequest(http.MethodGet, srv.Endpoint+r.URL.Path, nil)
		if rg := r.Header.Get("Range"); rg != "" {
			req.Header.Set("Range", rg)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return false
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(resp.StatusCode)
		w.Write(b[:len(b)/2])
		panic(http.ErrAbortHandler) // cut the connection mid-body
	})
	w, _ := faultApp(t, ep)
	var d struct {
		Steps []struct {
			Tasks []task `json:"tasks"`
		} `json:"steps"`
	}
	w.getJSON("/api/runs/"+failingRun, &d)
	key := ""
	for _, st := range d.Steps {
		for _, tk := range st.Tasks {
			for _, c := range tk.Cards {
				if key == "" {
					key = c.Key
				}
			}
		}
	}
	if key == "" {
		t.Fatal("no card in the failing run")
	}
	html := "mf.cards/FailingFlow/runs/1795642652721113/steps/work/tasks/2/cards/blank-live-892b9394b7ff45cab05d7c0080abd629.html"
	whole, err := os.ReadFile(fixture.Path(t, "failing", ".metaflow", html))
	if err != nil {
		t.Fatal(err)
	}
	cardErr := func(w *walker) string {
		var cd struct {
			Error *string `json:"error"`
		}
		w.getJSON("/api/cards/"+key, &cd)
		if cd.Error == nil {
			return ""
		}
		return *cd.Error
	}

	// Every transfer of the HTML cut off: the card file answers an error
	// that says the read ended early, on which object.
	armed.Store(true)
	code, body := w.get("/card/" + key)
	if code < 500 || !strings.Contains(string(body), "EOF") || !strings.Contains(string(body), "blank-live-892b9394b7ff45cab05d7c0080abd629.html") {
		t.Errorf("cut transfer: %d %s, want a 5xx naming the object and the early EOF", code, body)
	}
	// Whole again: the same card is served in full.
	armed.Store(false)
	if code, body := w.get("/card/" + key); code != http.StatusOK || !strings.Contains(string(body), "</html>") {
		t.Errorf("whole transfer: %d, %d bytes", code, len(body))
	}

	// Stored cut off (a damaged object): the card says so.
	if err := srv.Put(t.Context(), bucket, "faults/"+html, whole[:len(whole)/2]); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Put(context.Background(), bucket, "faults/"+html, whole) })
	w2, _ := faultApp(t, srv.Endpoint)
	// The card answer carries the datastore's rule for an incomplete
	// card file (it may be mid-write); the file route says cut off.
	if e := cardErr(w2); e == "" {
		t.Error("card of a cut-off object: no error")
	}
	if code, body := w2.get("/card/" + key); code != http.StatusServiceUnavailable || !strings.Contains(string(body), "cut off") {
		t.Errorf("card file of a cut-off object: %d %s", code, body)
	}
}
