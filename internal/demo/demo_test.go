package demo

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// The demo opens on its live card (issue 14), so Start returns only
// once the first run's first card is on disk, not merely the run.
func TestStartDemoReturnsWithACard(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	root, err := Start(ctx)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	cards, _ := filepath.Glob(filepath.Join(root, "mf.cards", "DemoFlow", "runs", "*", "steps", "*", "tasks", "*", "cards", "*.html"))
	cancel()
	Wait()
	if len(cards) == 0 {
		t.Fatalf("Start returned before any card was written under %s", root)
	}
	if _, err := os.Stat(filepath.Dir(root)); !os.IsNotExist(err) {
		t.Errorf("the demo folder %s is still there after the demo stopped (%v)", filepath.Dir(root), err)
	}
}
