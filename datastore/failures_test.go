package datastore

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunFailures: a failed run lists its failed task with the end of its
// stderr, the exception, read from the last 64 KiB only however long the
// log is.
func TestRunFailures(t *testing.T) {
	root := copyFixture(t, "failing")
	const flow, run = "FailingFlow", "1795642652721113"
	log := filepath.Join(root, flow, run, "work", "2", "0.runtime_stderr.log")
	orig, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	// 4 MB of output before the traceback.
	noise := bytes.Repeat([]byte("[MFLOG|0|2026-11-25T21:37:38.000000Z|runtime|00000000-0000-0000-0000-000000000000]progress line\n"), 40000)
	if err := os.WriteFile(log, append(noise, orig...), 0o644); err != nil {
		t.Fatal(err)
	}
	ix := openIndex(t, root, Options{})
	d, err := ix.Run(context.Background(), flow, run)
	if err != nil {
		t.Fatal(err)
	}
	fs := ix.RunFailures(context.Background(), d)
	if len(fs) != 1 || fs[0].Step != "work" || fs[0].Task != "2" || fs[0].Err != "" {
		t.Fatalf("failures = %+v", fs)
	}
	var text []string
	for _, l := range fs[0].Lines {
		text = append(text, l.Text)
	}
	all := strings.Join(text, "\n")
	if !strings.Contains(all, "RuntimeError: deliberate failure in FailingFlow.work") || len(text) > maxFailureLines || !fs[0].Truncated {
		t.Errorf("tail (%d lines, truncated %v):\n%s", len(text), fs[0].Truncated, all)
	}
	// A run that did not fail has none.
	root2 := copyFixture(t, "retry")
	ix2 := openIndex(t, root2, Options{})
	d2, err := ix2.Run(context.Background(), "RetryFlow", "1795642659547529")
	if err != nil {
		t.Fatal(err)
	}
	if fs := ix2.RunFailures(context.Background(), d2); len(fs) != 0 {
		t.Errorf("retry run failures = %+v", fs)
	}
}
