// Command s3serve runs a SeaweedFS S3 server (internal/s3test) for browser
// tests and benchmarks:
//
//	go run ./internal/s3test/cmd/s3serve -bucket NAME
//
// It creates the bucket, prints {"endpoint": "http://127.0.0.1:PORT",
// "bucket": NAME} as one JSON line on stdout, and stops the server when
// stdin closes or on SIGINT/SIGTERM.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"flowdeck/internal/s3test"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "s3serve:", err)
		os.Exit(1)
	}
}

func run() error {
	bucket := flag.String("bucket", "flowdeck", "bucket to create")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := s3test.Start(ctx)
	if err != nil {
		return err
	}
	defer srv.Close()
	if err := srv.CreateBucket(ctx, *bucket); err != nil {
		return err
	}
	if err := json.NewEncoder(os.Stdout).Encode(map[string]string{"endpoint": srv.Endpoint, "bucket": *bucket}); err != nil {
		return err
	}
	// The parent closing stdin (or dying) ends the server too.
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		stop()
	}()
	<-ctx.Done()
	return nil
}
