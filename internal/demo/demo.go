// Package demo writes the simulated live datastore behind `flowdeck demo`
// and the welcome screen's "Try the demo" (app.Options.Demo).
package demo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"flowdeck/internal/mfsim"
)

// running tracks running demos so the process removes their folders
// before it exits (Wait).
var running sync.WaitGroup

// Wait blocks until every demo started so far has stopped and its folder
// is removed. Call it after cancelling the demos' contexts.
func Wait() { running.Wait() }

// Start writes a simulated live run into a temporary datastore, starting
// a new run each time one ends, until ctx is done; then the folder is
// removed. It returns once the first run's first card is on disk.
func Start(ctx context.Context) (string, error) {
	dir, err := os.MkdirTemp("", "flowdeck-demo-")
	if err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	root := filepath.Join(dir, ".metaflow")
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	// Two finished runs with other learning rates, written at once on a
	// simulated clock a few minutes back, give the compare page something
	// to compare from the start.
	for i, lr := range []float64{0.004, 0.007} {
		sim := mfsim.NewSimClock(time.Now().Add(time.Duration(i-2)*5*time.Minute), time.Millisecond)
		if err := mfsim.Live(ctx, root, mfsim.LiveOptions{Options: mfsim.Options{Clock: sim}, LearningRate: lr, NoRetry: i == 0}); err != nil {
			os.RemoveAll(dir)
			return "", fmt.Errorf("demo: %w", err)
		}
	}
	// The demo opens on the live card of its running run (the landing,
	// datastore.Index.Landing), so it returns once the first card is on
	// disk, not merely the first run.
	carded := make(chan struct{})
	var once sync.Once
	onWrite := func(rel string) {
		if strings.HasPrefix(rel, "mf.cards/") && strings.HasSuffix(rel, ".html") {
			once.Do(func() { close(carded) })
		}
	}
	done := make(chan struct{})
	running.Add(1)
	go func() {
		defer close(done)
		err := mfsim.Live(ctx, root, mfsim.LiveOptions{Repeat: true, LearningRate: 0.01, Options: mfsim.Options{OnWrite: onWrite}})
		if err != nil && ctx.Err() == nil {
			fmt.Fprintf(os.Stderr, "flowdeck: demo stopped: %v\n", err)
		}
	}()
	go func() {
		defer running.Done()
		<-ctx.Done()
		<-done
		os.RemoveAll(dir)
	}()
	select {
	case <-carded:
		// Let the card's first data and the task's other cards land too.
		time.Sleep(150 * time.Millisecond)
		return root, nil
	case <-done:
		return "", fmt.Errorf("demo: the simulator stopped before its first card")
	case <-time.After(10 * time.Second):
		return "", fmt.Errorf("demo: the simulator wrote no card in 10 s")
	}
}
