package app

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"flowdeck/datastore"
)

// fakeWatch lets a test push batches as a watcher would.
type fakeWatch struct {
	ch   chan []datastore.Change
	once sync.Once
}

func (f *fakeWatch) Changes() <-chan []datastore.Change { return f.ch }
func (f *fakeWatch) State() WatchState                  { return WatchState{Mode: "inotify", Watches: 7} }
func (f *fakeWatch) Close() error                       { f.once.Do(func() { close(f.ch) }); return nil }

func TestEventStream(t *testing.T) {
	fw := &fakeWatch{ch: make(chan []datastore.Change, 8)}
	s := newTestServer(t, "retry", Options{Watch: func(ctx context.Context, ix *datastore.Index, onState func()) (Watch, error) {
		return fw, nil
	}})
	resp := openStream(t, s)
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	sc := bufio.NewScanner(resp.Body)
	next := func() (string, string) {
		var name, data string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				name = line[7:]
			case strings.HasPrefix(line, "data: "):
				data = line[6:]
			case line == "" && name != "":
				return name, data
			}
		}
		t.Fatalf("stream ended: %v", sc.Err())
		return "", ""
	}
	name, data := next()
	if name != "status" || !strings.Contains(data, `"mode":"inotify"`) {
		t.Fatalf("first event %s %s", name, data)
	}
	fw.ch <- []datastore.Change{{Kind: datastore.CardDataChanged, Flow: "RetryFlow", Card: "abc", Token: "runtime-1"}, {Kind: datastore.TaskChanged, Status: datastore.StatusSucceeded}}
	for _, want := range []string{`"kind":"card_data_changed"`, `"kind":"task_changed"`} {
		name, data = next()
		for name == "status" {
			name, data = next()
		}
		if name != "change" || !strings.Contains(data, want) {
			t.Errorf("got %s %s, want %s", name, data, want)
		}
	}
	// Closing the app ends the stream.
	s.app.Close()
	done := make(chan struct{})
	go func() {
		for sc.Scan() {
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Error("stream still open after Close")
	}
}

// TestChangeSeq: every API answer carries the count of change events
// published when it was read (SeqHeader), and a stream's first status the
// count at its start, so a page that loaded before its stream opened can
// tell whether it missed a change (frontend AppState, #streamSeq).
func TestChangeSeq(t *testing.T) {
	fw := &fakeWatch{ch: make(chan []datastore.Change, 8)}
	s := newTestServer(t, "retry", Options{Watch: func(ctx context.Context, ix *datastore.Index, onState func()) (Watch, error) {
		return fw, nil
	}})
	seqOf := func(path string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", s.URL+path, nil)
		req.Header.Set("X-Flowdeck-Token", s.app.Secret())
		resp, _ := s.send(t, req)
		return resp.Header.Get(SeqHeader)
	}
	if got := seqOf("/api/flows"); got != "0" {
		t.Fatalf("seq before any change: %q", got)
	}
	// Two changes and a status: the count is of changes only.
	fw.ch <- []datastore.Change{{Kind: datastore.CardDataChanged, Flow: "RetryFlow", Card: "abc"}, {Kind: datastore.TaskChanged}}
	s.app.publishStatus()
	deadline := time.Now().Add(5 * time.Second)
	for seqOf("/api/datastore") != "2" {
		if time.Now().After(deadline) {
			t.Fatalf("seq after two changes: %q", seqOf("/api/datastore"))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := seqOf("/api/nothing-here"); got != "2" {
		t.Errorf("an error answer carries the seq too: %q", got)
	}
	var st struct {
		Seq uint64 `json:"seq"`
	}
	s.getJSON(t, "/api/datastore", &st)
	if st.Seq != 2 {
		t.Errorf("status seq %d, want 2", st.Seq)
	}
	// A stream opened now starts at 2.
	resp := openStream(t, s)
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, "data: ") {
			if !strings.Contains(line, `"seq":2`) {
				t.Errorf("the stream's first status: %s", line)
			}
			break
		}
	}
}

// openStream opens s's event stream for up to 10 s; the response closes
// with the test.
func openStream(t *testing.T, s *testServer) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+"/api/events?token="+s.app.Secret(), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}
