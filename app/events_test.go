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
	req, _ := http.NewRequest("GET", s.URL+"/api/events?token="+s.app.Secret(), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
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
