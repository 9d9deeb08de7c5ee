// Command s3live writes one live mfsim run into an S3 bucket, object by
// object, as Metaflow's S3 datastore does (s3test.LiveRun): whole-object
// PUTs, a live card's runtime data PUT again on every refresh.
//
//	go run ./internal/s3test/cmd/s3live -endpoint URL -bucket B -prefix P [-width 4 -interval 1s -updates 30]
//
// It prints {"run", "flow"} as the run starts, then one JSON line {"task", "batch", "ms"} after each foreach task
// card update is in the bucket (ms: Unix time of the PUT's end), and
// "done" when the run ends; SIGINT or SIGTERM stop it.
package main

import (
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
	"flowdeck/internal/s3test"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "s3live:", err)
		os.Exit(1)
	}
}

func run() error {
	endpoint := flag.String("endpoint", "", "S3 endpoint URL")
	bucket := flag.String("bucket", "flowdeck", "bucket")
	prefix := flag.String("prefix", "", "key prefix (the datastore root)")
	flow := flag.String("flow", "S3LiveFlow", "flow name")
	width := flag.Int("width", 4, "foreach tasks")
	interval := flag.Duration("interval", time.Second, "time between card updates")
	updates := flag.Int("updates", 30, "card updates per foreach task")
	flag.Parse()
	if *endpoint == "" {
		return fmt.Errorf("-endpoint is required")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var mu sync.Mutex
	enc := json.NewEncoder(os.Stdout)
	err := s3test.Remote(*endpoint).LiveRun(ctx, *bucket, *prefix, mfsim.LiveOptions{
		OnRun: func(r *mfsim.Run) {
			mu.Lock()
			defer mu.Unlock()
			_ = enc.Encode(map[string]any{"run": r.ID(), "flow": r.Flow().Name()})
		},
		Flow: *flow, SkipTrain: true, Width: *width, Interval: *interval, TaskUpdates: *updates, NoRetry: true,
		// LiveRun PUTs inside OnWrite, before mfsim calls OnTaskUpdate:
		// the update is in the bucket when this line is printed.
		OnTaskUpdate: func(task string, batch int) {
			mu.Lock()
			defer mu.Unlock()
			_ = enc.Encode(map[string]any{"task": task, "batch": batch, "ms": time.Now().UnixMilli()})
		},
	})
	if err != nil && ctx.Err() == nil {
		return err
	}
	fmt.Println("done")
	return nil
}
