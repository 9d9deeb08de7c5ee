// Command livesim writes one live mfsim run into a datastore, for browser
// tests and benchmarks that need a running foreach of many tasks (the
// foreach dashboard's test and benchmark):
//
//	go run ./internal/livesim -root DIR/.metaflow -width 100 -interval 1s -updates 30 [-log FILE]
//
// It prints "run <id>" once the run is on disk and "done" when it ends;
// SIGINT or SIGTERM stop it (the run stays unfinished on disk, like a killed
// orchestrator's). With -log, every data JSON write of a foreach task's card
// is one JSON line {"task", "batch", "ms"} (ms: Unix time of the write, after
// its rename), so a benchmark can time each value to the screen.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"flowdeck/internal/mfsim"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "livesim:", err)
		os.Exit(1)
	}
}

func run() error {
	root := flag.String("root", "", "the .metaflow folder to write into (created if missing)")
	flow := flag.String("flow", "DashFlow", "flow name")
	width := flag.Int("width", 100, "foreach tasks")
	workers := flag.Int("workers", 0, "tasks running at once (default: all)")
	interval := flag.Duration("interval", time.Second, "time between a task's card updates")
	updates := flag.Int("updates", 30, "card updates per task")
	logFile := flag.String("log", "", "write one JSON line per task card update to this file")
	flag.Parse()
	if *root == "" {
		return fmt.Errorf("-root is required")
	}
	if err := os.MkdirAll(*root, 0o755); err != nil {
		return fmt.Errorf("root: %w", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var (
		mu  sync.Mutex
		log *bufio.Writer
	)
	if *logFile != "" {
		f, err := os.Create(*logFile)
		if err != nil {
			return fmt.Errorf("log: %w", err)
		}
		defer f.Close()
		log = bufio.NewWriter(f)
		defer func() {
			mu.Lock()
			log.Flush()
			mu.Unlock()
		}()
		// Flushed every 200 ms so a reader sees writes while the run goes on.
		go func() {
			t := time.NewTicker(200 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					mu.Lock()
					log.Flush()
					mu.Unlock()
				}
			}
		}()
	}
	w := *workers
	if w <= 0 {
		w = *width
	}
	err := mfsim.Live(ctx, *root, mfsim.LiveOptions{
		Flow: *flow, Interval: *interval, SkipTrain: true, NoRetry: true,
		Width: *width, MaxWorkers: w, TaskUpdates: *updates, TaskMetrics: true,
		OnRun: func(r *mfsim.Run) { fmt.Printf("run %s\n", r.ID()) },
		OnTaskUpdate: func(task string, batch int) {
			if log == nil {
				return
			}
			b, _ := json.Marshal(map[string]any{"task": task, "batch": batch, "ms": float64(time.Now().UnixMicro()) / 1000})
			mu.Lock()
			log.Write(append(b, '\n'))
			mu.Unlock()
		},
	})
	if err != nil && ctx.Err() == nil {
		return err
	}
	fmt.Println("done")
	return nil
}
