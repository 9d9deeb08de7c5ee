// Package datastore reads a Metaflow local datastore (a .metaflow folder and
// its mf.cards card tree) written by Metaflow 2.11 to 2.19, without ever
// writing to it. See docs/format.md.
//
// # Index
//
// Open lists flows and run headers (one small file per run). A run's steps,
// tasks and card listings are read when it is first asked for (Run, Task,
// Card) or by LoadAll, newest first, a few runs at a time. Card HTML is
// never read to list anything: the reload token of a card is read from the
// head of its file on demand (Run resolves every card of the run once) and
// whenever the file changes. Apply takes changed paths from a watcher,
// re-reads only what they touch, swaps in a new immutable snapshot of the
// run and returns typed Changes. Readers never wait for file I/O; writers of
// one run are serialized by that run's lock, which is held across that
// run's reads only.
//
// The Index swaps in the runs' snapshots, each under its run's lock, and
// derives statuses (the rules below). Four types do its work: listing holds
// the flows and their runs' states (what Flows, Runs and every lookup read);
// runReader lists flows and run headers and reads a run's folders into a
// snapshot (readTask for one task folder, card listings and tokens,
// parameters and the artifact blobs they decode from, where a run's cards
// are); applier re-reads what changed in a loaded run and settles each card
// against its previous state; and incompleteFiles keeps when each file
// caught mid-write was first seen, for GiveUpAfter. Index.Apply has a
// planner turn the changed paths into a plan, has the reader and the applier
// carry it out run by run, and swaps the results in; diffRun turns two
// snapshots into Changes.
//
// # Status rules
//
// Attempt (docs/format.md §6): no N.DONE.lock means
// running; DONE plus attempt_ok "True"/"False" for attempt_id:N means
// succeeded/failed; DONE without attempt_ok on a task cloned by resume
// (origin-task-id) means succeeded (clones before 2.11.16 have no
// attempt_ok, and only successful tasks are cloned); otherwise N.runtime's
// success flag decides; DONE with neither is still finishing (running).
// A task's status is its latest attempt's (the highest N with
// N.attempt.json).
//
// Step: running while any task runs (or it has none yet), failed when a
// task failed and none runs, succeeded when all succeeded.
//
// Run: succeeded when a task of the end step (end_step metadata, else
// "end") succeeded; else running while any latest attempt runs; else failed
// when a latest attempt failed; else running (between steps).
//
// Unknown: nothing on disk tells a run whose orchestrator was killed from
// one still running. A run that looks running is reported unknown once
// nothing under it changed for Options.StaleAfter (default 30 minutes):
// the newest of its tasks' start and end times, the mtimes of its running
// tasks' folders and card files, and the last change Apply saw. Its running
// tasks are then reported unknown too. Any new write makes it running
// again. Tick re-evaluates the rule without touching the disk. A step that
// legitimately runs for longer than StaleAfter without writing anything
// (a local task writes no logs until it exits) also shows unknown: the
// status means "no sign of life", not "dead".
//
// Cards: a card belongs to the attempt named by its card-info metadata
// (Metaflow 2.15.19+); before that, with several attempts, the attempt is
// inferred from the card's runtime token time, then its data created_on,
// then its mtime, against the attempts' start times, and marked inferred.
// A card is final when its HTML token and its data token are both "final"
// (or it has no data file); a card with no token or the
// "[METAFLOW_RELOAD_TOKEN]" placeholder never updates and counts as final.
//
// Files caught mid-write by writers older than Metaflow 2.19.20 (empty, or
// HTML without its closing tag, or JSON that does not parse) keep the last
// good state and come back in ApplyResult.Retry; after
// Options.GiveUpAfter they are reported as card errors.
package datastore
