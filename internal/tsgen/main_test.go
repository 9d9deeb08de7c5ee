package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// The committed schema.ts is what the generator writes from package wire
// (CI checks the same with go generate and git diff; this catches it in go
// test).
func TestSchemaIsGenerated(t *testing.T) {
	got, err := generate("flowdeck/wire")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../frontend/src/lib/schema.ts")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("frontend/src/lib/schema.ts differs from package wire: run GOTOOLCHAIN=local go generate ./...")
	}
	// A few mappings the frontend relies on.
	for _, s := range []string{
		"export type Status = 'running' | 'succeeded' | 'failed' | 'unknown';",
		"export const STATUSES: readonly Status[] = ['running', 'succeeded', 'failed', 'unknown'];",
		"export interface RunDetail extends RunSummary {",
		"  started_at: string | null;",          // wire.Time
		"  user: string | null;",                // wire.OptString
		"  foreach_index: number | null;",       // *int
		"  created_on: number | null;",          // *float64 (Change)
		"  error?: string;",                     // omitempty (WatchState)
		"  status: Status | 'pending';",         // tstype tag
		"  values: (string | null)[];",          // []*string
		"  parameters: Record<string, string>;", // map
	} {
		if !strings.Contains(string(got), s) {
			t.Errorf("schema.ts lacks %q", s)
		}
	}
}
