// Package watcher keeps a datastore index current while Metaflow writes:
// filesystem events become batches of paths for Index.Apply, and the typed
// changes that come back go out on Changes, within a few milliseconds.
//
// # Pipeline
//
// Intake (one goroutine per event source) filters noise and follows the
// datastore as it grows: when a folder appears, its subtree is watched and
// listed at once, and what the listing finds is queued as events, because
// Metaflow makes folders with mkdir -p and renames a file into them before
// any watch can exist (docs/format.md §13). The coalescer (package coalesce,
// pure code) de-duplicates paths and releases a batch after a short quiet
// period or a maximum delay. One loop goroutine applies batches to the
// index, re-applies half-written files after RetryDelay (Metaflow before
// 2.19.20 writes in place, docs/format.md §13), runs the index's time rule
// every TickInterval, and sends changes in order.
//
// # Watch budget
//
// fsnotify is not recursive and inotify watches are few (8,192 on many
// systems). The roots, flow folders and their _meta, and each run's folder
// and _meta are always watched. A run's other folders and its card subtree
// are watched only while it is live: runs the index reports live (at
// Start, when a run is first read, or in ApplyResult.LiveRuns) and runs
// whose folders appear while watching. A run the index reports finished is
// narrowed back once nothing happened under it for Linger, since Metaflow
// writes final cards and logs seconds after the DONE marker. 1,000
// finished runs cost about 2,000 watches. A card root the index finds in
// a subfolder (Metaflow before 2.18.13 started there) becomes one more
// root when it is found (Target.SetOnCardRoot), watched like the main
// card root.
//
// # Faults
//
// An event-queue overflow (or any backend error) re-walks the roots for
// missing watches and rescans them as a whole: never a silent gap. Too
// many pending paths collapse into one rescan of their root. A watch that
// cannot be added (ENOSPC, EMFILE) turns that folder into a polled one,
// State says so with the sysctl command that fixes it, and polled folders
// get a watch again every WatchRetry or when watches are released. The
// datastore root deleted or replaced is seen through its parent (the
// anchor) or by polling for it, reported in State, and walked and rescanned
// when it is back. Polling mode compares mtime and size of every covered
// folder; with inotify working, nothing is polled and nothing is listed
// unless something changed. Polled folders are one more Backend (poll.go)
// beside fsnotify's: its differences reach intake as the events inotify
// would have sent. Looking for missing roots and retrying watches is the
// watcher's own upkeep (upkeep.go).
//
// Known limit: a finished run that is narrowed and only later written to
// inside an existing task folder (a retry scheduled minutes after a
// failure) is noticed when a folder or card folder appears in it, not
// before.
package watcher
