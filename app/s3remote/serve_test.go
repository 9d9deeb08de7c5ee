package s3remote

import (
	"net/http/httptest"
	"testing"
	"time"

	"flowdeck/app"
	"flowdeck/datastore"
	"flowdeck/frontend"
)

// TestServeS3Status: `flowdeck serve s3://…` as main.go wires it (cache,
// poller, state) over a real S3 server: the datastore status says "S3
// polling" with requests a minute and metadata "none"; with S3 stopped it
// says offline, and a finished run read before opens from the cache,
// marked cached (the status bar's state and the run's own mark).
func TestServeS3Status(t *testing.T) {
	ctx := t.Context()
	srv := bucketWith(t, "flowdeck-serve", "default")
	t.Setenv("AWS_MAX_ATTEMPTS", "2")

	serve := func() (*app.App, *httptest.Server) {
		st, err := Open(ctx, "s3://flowdeck-serve/mf", Options{})
		if err != nil {
			t.Fatal(err)
		}
		// The fixture's runs finished when they were uploaded, a second
		// ago: shorten the 30 s within which their objects may change.
		st.cache.Linger = 500 * time.Millisecond
		a := app.New(app.Options{Shell: "serve", Assets: frontend.Dist(), IndexOptions: datastore.Options{StaleAfter: 100000 * time.Hour}})
		if err := a.OpenRemote(st.Remote()); err != nil {
			t.Fatal(err)
		}
		<-a.Loaded()
		h := httptest.NewServer(a.Handler())
		t.Cleanup(func() { h.Close(); a.Close() })
		return a, h
	}
	get := func(a *app.App, h *httptest.Server, p string, v any) int {
		code, _ := call(t, a, h, "GET", p, "", v)
		return code
	}
	type status struct {
		Watch app.WatchState `json:"watch"`
	}
	waitStatus := func(a *app.App, h *httptest.Server, what string, ok func(app.WatchState) bool) app.WatchState {
		deadline := time.Now().Add(40 * time.Second)
		for {
			var s status
			get(a, h, "/api/datastore", &s)
			if ok(s.Watch) {
				return s.Watch
			}
			if time.Now().After(deadline) {
				t.Fatalf("no %s: %+v", what, s.Watch)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	a, h := serve()
	ws := waitStatus(a, h, "S3 polling state", func(w app.WatchState) bool {
		return w.Mode == "S3 polling" && w.Requests != nil && *w.Requests > 0 && w.Metadata == "none"
	})
	t.Logf("online: %+v requests %d", ws, *ws.Requests)
	var runs []struct{ ID string }
	get(a, h, "/api/flows/DefaultCardFlow/runs", &runs)
	if len(runs) != 2 {
		t.Fatalf("runs %+v", runs)
	}
	// A run opened once (its page) opens again offline. The poller marks
	// the finished runs final within its first rounds.
	time.Sleep(time.Second)
	for _, r := range runs {
		if code := get(a, h, "/api/runs/DefaultCardFlow/"+r.ID, nil); code != 200 {
			t.Fatalf("run %s: %d", r.ID, code)
		}
	}
	time.Sleep(2 * time.Second)
	srv.Stop()
	a2, h2 := serve()
	for _, r := range runs {
		var d struct {
			Status string `json:"status"`
			Steps  []any  `json:"steps"`
			Cached bool   `json:"cached"`
		}
		if code := get(a2, h2, "/api/runs/DefaultCardFlow/"+r.ID, &d); code != 200 || d.Status != "succeeded" || len(d.Steps) == 0 || !d.Cached {
			t.Fatalf("offline run %s: %d %+v", r.ID, code, d)
		}
	}
	waitStatus(a2, h2, "offline and cached state", func(w app.WatchState) bool { return w.Mode == "offline" && w.Cached })
}
