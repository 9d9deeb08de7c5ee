package s3remote

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"flowdeck/app"
	"flowdeck/app/watchadapter"
	"flowdeck/datastore"
	"flowdeck/frontend"
	"flowdeck/internal/fixture"
)

// TestOpenS3FromWelcome: the window's "Open S3 datastore…" posts an s3://
// URL to /api/open; the App opens it with the opener the shell passes in
// (Opener, as main.go wires it), reads the bucket's flows and polls it;
// a local folder opened next is read from disk again; "home" returns to
// the first datastore. A bad URL answers a clear error. In serve mode the
// form is not offered and the route refuses it.
func TestOpenS3FromWelcome(t *testing.T) {
	bucketWith(t, "flowdeck-open", "retry")

	open := func(shell string) (*app.App, *httptest.Server) {
		a := app.New(app.Options{Shell: shell, Assets: frontend.Dist(), Watch: watchadapter.Local(false), OpenRemote: Opener(Options{}),
			IndexOptions: datastore.Options{StaleAfter: 100000 * time.Hour}})
		if _, err := a.Open(fixture.Copy(t, "default")); err != nil {
			t.Fatal(err)
		}
		h := httptest.NewServer(a.Handler())
		t.Cleanup(func() { h.Close(); a.Close() })
		return a, h
	}
	do := func(a *app.App, h *httptest.Server, method, p, body string, v any) (int, string) {
		return call(t, a, h, method, p, body, v)
	}
	flows := func(a *app.App, h *httptest.Server) string {
		<-a.Loaded()
		var fs []struct {
			Name string `json:"name"`
		}
		do(a, h, "GET", "/api/flows", "", &fs)
		var names []string
		for _, f := range fs {
			names = append(names, f.Name)
		}
		return strings.Join(names, ",")
	}
	type status struct {
		Root  string         `json:"root"`
		Watch app.WatchState `json:"watch"`
	}

	a, h := open("window")
	var wel struct {
		CanOpenS3 bool `json:"can_open_s3"`
	}
	do(a, h, "GET", "/api/welcome", "", &wel)
	if !wel.CanOpenS3 {
		t.Fatal("the window's welcome does not offer Open S3 datastore")
	}
	local := flows(a, h)
	if code, b := do(a, h, "POST", "/api/open", `{"path":"s3://flowdeck-open/mf"}`, nil); code != 200 {
		t.Fatalf("open s3: %d %s", code, b)
	}
	if got := flows(a, h); got != "RetryFlow" {
		t.Fatalf("flows over S3: %q, want RetryFlow", got)
	}
	var st status
	do(a, h, "GET", "/api/datastore", "", &st)
	if st.Watch.Mode != "S3 polling" || !strings.Contains(st.Root, "flowdeck-open") {
		t.Fatalf("status over S3: %+v", st)
	}
	if code, b := do(a, h, "POST", "/api/open", `{"path":"s3://"}`, nil); code != http.StatusUnprocessableEntity || !strings.Contains(b, "s3://") {
		t.Fatalf("a bad URL: %d %s", code, b)
	}
	// Back to disk: the local FS and watcher again, not the bucket's.
	if code, b := do(a, h, "POST", "/api/open", `{"home":true}`, nil); code != 200 {
		t.Fatalf("home: %d %s", code, b)
	}
	if got := flows(a, h); got != local {
		t.Fatalf("flows back home: %q, want %q", got, local)
	}
	do(a, h, "GET", "/api/datastore", "", &st)
	if st.Watch.Mode == "S3 polling" {
		t.Fatalf("the local datastore is polled as S3: %+v", st)
	}

	a, h = open("serve")
	wel.CanOpenS3 = true
	do(a, h, "GET", "/api/welcome", "", &wel)
	if wel.CanOpenS3 {
		t.Fatal("serve mode offers Open S3 datastore")
	}
	if code, b := do(a, h, "POST", "/api/open", `{"path":"s3://flowdeck-open/mf"}`, nil); code != http.StatusForbidden {
		t.Fatalf("serve mode opened an s3:// URL from the page: %d %s", code, b)
	}
}
