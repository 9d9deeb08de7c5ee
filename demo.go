package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"flowdeck/internal/mfsim"
)

// demos tracks running demos so the process removes their folders before
// it exits.
var demos sync.WaitGroup

// startDemo writes a simulated live run into a temporary datastore, starting
// a new run each time one ends, until ctx is done; then the folder is
// removed. It returns once the first run is on disk.
func startDemo(ctx context.Context) (string, error) {
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
	started := make(chan struct{})
	done := make(chan struct{})
	demos.Add(1)
	go func() {
		defer close(done)
		first := true
		err := mfsim.Live(ctx, root, mfsim.LiveOptions{Repeat: true, LearningRate: 0.01, OnRun: func(*mfsim.Run) {
			if first {
				first = false
				close(started)
			}
		}})
		if err != nil && ctx.Err() == nil {
			fmt.Fprintf(os.Stderr, "flowdeck: demo stopped: %v\n", err)
		}
	}()
	go func() {
		defer demos.Done()
		<-ctx.Done()
		<-done
		os.RemoveAll(dir)
	}()
	select {
	case <-started:
		// Let the run's first files land so the run list is not empty.
		time.Sleep(300 * time.Millisecond)
		return root, nil
	case <-done:
		return "", fmt.Errorf("demo: the simulator stopped before the first run")
	case <-time.After(10 * time.Second):
		return "", fmt.Errorf("demo: the simulator did not start")
	}
}
