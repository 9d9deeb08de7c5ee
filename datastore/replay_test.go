package datastore

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"flowdeck/internal/fixture"
)

// TestReplayMidrunToLive opens fixtures/live_midrun, applies the rest of
// the real live task's writes one by one, and checks the index then equals
// both a fresh index of the same tree and a fresh index of fixtures/live.
func TestReplayMidrunToLive(t *testing.T) {
	root := copyFixture(t, "live_midrun")
	ix := openIndex(t, root, Options{})
	ctx := context.Background()
	if err := ix.LoadAll(ctx); err != nil {
		t.Fatal(err)
	}
	evs := loadReplay(t)
	for _, e := range evs[fixture.MidrunCut(t, root, evs):] {
		p := filepath.Join(root, e.Path)
		writeAtomic(t, p, replayBlob(t, e))
		ix.Apply([]string{p})
	}
	got, err := ix.Dump(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := openIndex(t, root, Options{}).Dump(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, fresh) {
		t.Errorf("live-updated index differs from a fresh index of the same tree:\n%s", firstDiff(got, fresh))
	}
	want, err := openIndex(t, copyFixture(t, "live"), Options{}).Dump(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("live-updated index differs from fixtures/live:\n%s", firstDiff(got, want))
	}
}

func firstDiff(a, b []byte) string {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := 0; i < len(la) && i < len(lb); i++ {
		if !bytes.Equal(la[i], lb[i]) {
			lo := max(0, i-8)
			return "at line " + string(rune('0'+0)) + ":\n got: " + string(bytes.Join(la[lo:min(len(la), i+3)], []byte("\n"))) + "\nwant: " + string(bytes.Join(lb[lo:min(len(lb), i+3)], []byte("\n")))
		}
	}
	return "lengths differ"
}
