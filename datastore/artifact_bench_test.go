package datastore

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"flowdeck/internal/mfsim"
)

// BenchmarkTaskArtifacts500 lists a task with 500 artifacts the way the
// Artifacts tab asks for it (previews of the small ones included): cold,
// with a fresh index each time, and warm, with the decoded values cached.
// The budget of issue 15 is 150 ms to open the list.
func BenchmarkTaskArtifacts500(b *testing.B) {
	root := filepath.Join(b.TempDir(), ".metaflow")
	ds := mfsim.New(root, mfsim.Options{Seed: 7})
	run, err := ds.Flow("WideFlow").NewRun(mfsim.RunOptions{Graph: mfsim.LinearGraph("start", "end")})
	if err != nil {
		b.Fatal(err)
	}
	task, err := run.Step("start").NewTask(mfsim.TaskOptions{})
	if err != nil {
		b.Fatal(err)
	}
	task.Begin()
	for i := range 500 {
		var v any
		switch i % 5 {
		case 0:
			v = float64(i) * 0.013
		case 1:
			v = fmt.Sprintf("item_%03d", i)
		case 2:
			v = int64(i)
		case 3:
			v = []any{int64(i), "x", 1.5}
		default:
			v = map[string]any{"k": int64(i)}
		}
		task.SetArtifact(fmt.Sprintf("a%03d", i), v)
	}
	if err := task.Complete(true); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	open := func(b *testing.B) *Index {
		ix, err := Open(ctx, Location{Root: root}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		return ix
	}
	list := func(b *testing.B, ix *Index) {
		arts, err := ix.TaskArtifacts(ctx, "WideFlow", run.ID(), "start", task.ID(), -1)
		if err != nil || len(arts) < 500 || arts[0].Preview == "" {
			b.Fatalf("%d artifacts, first %+v, err %v", len(arts), arts, err)
		}
	}
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			ix := open(b)
			b.StartTimer()
			list(b, ix)
		}
	})
	b.Run("warm", func(b *testing.B) {
		ix := open(b)
		list(b, ix)
		for b.Loop() {
			list(b, ix)
		}
	})
}
