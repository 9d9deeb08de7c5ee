package watchadapter

import (
	"testing"
	"time"

	"flowdeck/datastore"
	"flowdeck/internal/fixture"
)

// TestLocal: the --poll flag picks the watcher's mode, and the App sees the
// watcher's state through the adapter.
func TestLocal(t *testing.T) {
	for poll, want := range map[bool]string{false: "inotify", true: "polling"} {
		loc, err := datastore.Discover(fixture.Copy(t, "default"))
		if err != nil {
			t.Fatal(err)
		}
		ix, err := datastore.Open(t.Context(), loc, datastore.Options{StaleAfter: 100000 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		w, err := Local(poll)(t.Context(), ix, func() {})
		if err != nil {
			t.Fatalf("poll=%v: %v", poll, err)
		}
		s := w.State()
		if s.Mode != want || s.Err != "" {
			t.Errorf("poll=%v: state %+v, want mode %s", poll, s, want)
		}
		if !poll && s.Watches == 0 {
			t.Errorf("inotify watches nothing: %+v", s)
		}
		w.Close()
	}
}
