package app

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// collect runs ForwardEvents with an emit that hands batches to a channel.
func collect(t *testing.T, a *App) (<-chan []ShellEvent, context.CancelFunc, <-chan struct{}) {
	t.Helper()
	out := make(chan []ShellEvent, 100)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.ForwardEvents(ctx, func(b []ShellEvent) { out <- b })
	}()
	return out, cancel, done
}

func next(t *testing.T, ch <-chan []ShellEvent) []ShellEvent {
	t.Helper()
	select {
	case b := <-ch:
		return b
	case <-time.After(5 * time.Second):
		t.Fatal("no batch emitted")
		return nil
	}
}

func names(b []ShellEvent) string {
	var s []string
	for _, e := range b {
		s = append(s, e.Name)
	}
	return strings.Join(s, ",")
}

func waitClients(t *testing.T, a *App, n int) {
	t.Helper()
	for i := 0; i < 500 && a.hub.clients() != n; i++ {
		time.Sleep(5 * time.Millisecond)
	}
	if got := a.hub.clients(); got != n {
		t.Fatalf("hub has %d subscribers, want %d", got, n)
	}
}

// The forwarder sends the status first, then the hub's events in
// batches, in order; a dropped subscription is followed by a "reset" (the
// page refetches); it stops with its context.
func TestForwardEvents(t *testing.T) {
	a := New(Options{Shell: "window", Assets: testAssets})
	defer a.Close()
	out, cancel, done := collect(t, a)
	if b := next(t, out); names(b) != "status" {
		t.Fatalf("first batch %q, want the status", names(b))
	}
	waitClients(t, a, 1)

	var evs []Event
	for i := 0; i < 50; i++ {
		evs = append(evs, Event{Name: "change", Data: json.RawMessage(`{"kind":"task_added","task":"` + string(rune('a'+i%26)) + `"}`)})
	}
	a.hub.publish(evs...)
	var got []ShellEvent
	for len(got) < 50 {
		got = append(got, next(t, out)...)
	}
	if len(got) != 50 {
		t.Fatalf("got %d events, want 50", len(got))
	}
	for i, e := range got {
		if e.Name != "change" || string(e.Data) != string(evs[i].Data) {
			t.Fatalf("event %d: %s %s, want %s", i, e.Name, e.Data, evs[i].Data)
		}
	}

	// The datastore was switched (or the forwarder fell behind): the hub
	// closes the subscription; the forwarder comes back with a reset.
	a.hub.closeAll()
	if b := next(t, out); names(b) != "reset,status" {
		t.Fatalf("after a drop: %q, want reset,status", names(b))
	}
	waitClients(t, a, 1)
	a.hub.publish(Event{Name: "change", Data: json.RawMessage(`{"kind":"run_added"}`)})
	if b := next(t, out); names(b) != "change" {
		t.Fatalf("after the reset: %q", names(b))
	}

	// The batch survives the JSON the Wails runtime gives the page.
	b, _ := json.Marshal([]any{[]ShellEvent{{Name: "change", Data: json.RawMessage(`{"kind":"run_added"}`)}, {Name: "reset"}}})
	if string(b) != `[[{"name":"change","data":{"kind":"run_added"}},{"name":"reset"}]]` {
		t.Fatalf("payload %s", b)
	}

	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the forwarder did not stop")
	}
	waitClients(t, a, 0)
}
