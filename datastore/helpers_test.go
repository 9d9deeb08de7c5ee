package datastore

import (
	"context"
	"strings"
	"testing"

	"flowdeck/internal/fixture"
)

// fixtures is the read-only corpus of real Metaflow output.
var fixtures = fixture.Dir()

func copyFixture(t testing.TB, name string) string { return fixture.Copy(t, name) }

func copyTree(t testing.TB, src, dst string) { fixture.CopyTree(t, src, dst) }

func openIndex(t testing.TB, root string, opts Options) *Index {
	t.Helper()
	loc, err := Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := Open(context.Background(), loc, opts)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

type replayEvent = fixture.Event

func loadReplay(t testing.TB) []replayEvent { return fixture.Events(t) }

func replayBlob(t testing.TB, e replayEvent) []byte { return e.Content(t) }

// writeAtomic writes like Metaflow 2.19.20+: a tmp file in the same folder,
// then rename.
func writeAtomic(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := fixture.WriteAtomic(path, b); err != nil {
		t.Fatal(err)
	}
}

func kinds(cs []Change) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString(string(c.Kind))
		b.WriteByte(' ')
	}
	return b.String()
}
