// Package mfsim writes datastores that look the way Metaflow 2.19.38 (and,
// on request, 2.11/2.12) writes them under a `.metaflow` folder: metadata
// (`_meta/_self.json`, `sysmeta_*`, artifact records), attempt files, DONE
// markers, logs, content-addressed artifact blobs, template card HTML with
// embedded base64 card JSON, and runtime data JSON with reload tokens.
//
// It exists so that tests, benchmarks, the live watcher tests and
// `flowdeck demo` can produce realistic datastores without Python. The
// contract it follows is docs/format.md; the fixtures in testdata/metaflow
// (written by real Metaflow) are the reference.
//
// The API has three levels:
//   - explicit writes (Datastore, Flow, Run, Step, Task, Card): every method
//     performs the writes of one Metaflow action, so a test can interleave
//     them with reads;
//   - ready-made scenarios (WriteForeach, WriteRetry, ...), Live for a run
//     that keeps updating, Bulk for benchmark-sized datastores;
//   - Replay of a recorded event log of a real Metaflow run.
//
// Every write goes through one place (fsio.go) that chooses between the
// atomic temp-file-and-rename of Metaflow 2.19.20+, the in-place writes of
// older releases, and direct writes for speed.
package mfsim
