// Command s3serve runs a SeaweedFS S3 server (internal/s3test) for browser
// tests and benchmarks:
//
//	go run ./internal/s3test/cmd/s3serve -bucket NAME [-prefix P -upload DIR ...] [-deny KEYPREFIX]
//
// It creates the bucket, uploads each -upload DIR (a local .metaflow
// folder) under -prefix without what a bucket does not hold (_meta,
// latest_run), prints {"endpoint": "http://127.0.0.1:PORT", "bucket":
// NAME} as one JSON line on stdout, and stops the server when stdin closes
// or on SIGINT/SIGTERM. With -deny, the line also carries "proxy": the
// endpoint of a proxy that denies every request under KEYPREFIX
// (s3test.DenyPrefix), for a browser test of an IAM policy scoped by
// prefix.
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
	prefix := flag.String("prefix", "", "key prefix the -upload folders go under")
	deny := flag.String("deny", "", "key prefix a proxy denies (AccessDenied); empty: no proxy")
	var uploads []string
	flag.Func("upload", "a local .metaflow folder to upload under -prefix (repeatable)", func(v string) error {
		uploads = append(uploads, v)
		return nil
	})
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
	for _, dir := range uploads {
		if _, err := srv.UploadTree(ctx, *bucket, *prefix, dir, s3test.NotInBucket); err != nil {
			return fmt.Errorf("upload %s: %w", dir, err)
		}
	}
	out := map[string]string{"endpoint": srv.Endpoint, "bucket": *bucket}
	if *deny != "" {
		proxy, err := s3test.DenyPrefix(srv.Endpoint, *bucket, *deny)
		if err != nil {
			return err
		}
		defer proxy.Close()
		out["proxy"] = proxy.URL
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
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
