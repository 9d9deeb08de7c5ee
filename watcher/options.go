package watcher

import (
	"errors"
	"io/fs"
	"os"
	"time"

	"flowdeck/datastore"
)

// Mode is how changes are noticed.
type Mode string

const (
	// Inotify watches folders with fsnotify (the default). A folder whose
	// watch cannot be added (watch limit) is polled until a watch fits.
	Inotify Mode = "inotify"
	// Polling compares mtime and size every PollInterval; for network
	// filesystems that deliver no events.
	Polling Mode = "polling"
)

// Options tunes a Watcher. Zero values take the defaults in brackets.
type Options struct {
	// Mode is Inotify [default] or Polling.
	Mode Mode
	// PollInterval is how often polled folders are compared [500 ms].
	PollInterval time.Duration
	// Quiet and MaxDelay coalesce events: a batch is applied once no event
	// came for Quiet [2 ms], or MaxDelay [20 ms] after its first event. Metaflow
	// replaces each card file with a single rename, so a short quiet period
	// costs nothing and keeps updates within a few milliseconds.
	Quiet, MaxDelay time.Duration
	// MaxPending caps the distinct paths waiting for a batch; past it they
	// collapse into one rescan of the affected root [4096].
	MaxPending int
	// RetryDelay is when files caught half-written (Metaflow before 2.19.20
	// writes in place) are read again [100 ms].
	RetryDelay time.Duration
	// TickInterval is how often the index re-evaluates its time rule
	// (running -> unknown), in memory [30 s].
	TickInterval time.Duration
	// Linger is how long a finished run keeps its full watches after its
	// last event [30 s]: Metaflow writes the final cards, the runtime file
	// and the logs seconds after the end step's DONE marker, and a failed
	// attempt may be retried.
	Linger time.Duration
	// WatchRetry is how often folders polled because the watch limit was
	// reached try to get a watch again [5 s]; released watches also trigger
	// a try.
	WatchRetry time.Duration
	// OnState is called, from one goroutine, whenever State changes.
	OnState func(State)
	// Backend is the event source; nil means fsnotify. Tests inject faults
	// through it. The Watcher closes it.
	Backend Backend
	// FS is the file access of the watcher itself (listing new folders,
	// polling); nil means the OS. Tests count calls through it.
	FS FS
}

// FS is the read-only file access the watcher uses.
type FS interface {
	ReadDir(dir string) ([]fs.DirEntry, error)
	Lstat(path string) (fs.FileInfo, error)
}

type osFS struct{}

func (osFS) ReadDir(dir string) ([]fs.DirEntry, error) { return os.ReadDir(dir) }
func (osFS) Lstat(path string) (fs.FileInfo, error)    { return os.Lstat(path) }

// Target is the index a Watcher keeps current; *datastore.Index is one.
// The Watcher holds the index's SetOnRunLoaded hook from Start until it
// stops (runs read later in the background may be live: their watches are
// widened), so nothing else may set it meanwhile.
type Target interface {
	Location() datastore.Location
	Apply(paths []string) datastore.ApplyResult
	Rescan(dirs ...string) datastore.ApplyResult
	LiveRuns() []string
	RunLive(flow, run string) bool
	SetOnRunLoaded(fn func(flow, run string, live bool))
	// CardRoots and SetOnCardRoot: card roots found in subfolders, which
	// are watched too.
	CardRoots() []string
	SetOnCardRoot(fn func(root string))
	Tick() []datastore.Change
}

var _ Target = (*datastore.Index)(nil)

// State is what the UI shows about watching.
type State struct {
	// Mode is "inotify", "polling", or "mixed" (inotify with some folders
	// polled because the watch limit was reached).
	Mode string `json:"mode"`
	// Watches is the number of inotify watches held.
	Watches int `json:"watches"`
	// Polled is the number of folders compared every PollInterval.
	Polled int `json:"polled"`
	// Err is a user-facing, actionable message; empty when all is well.
	Err string `json:"error,omitempty"`
}

var (
	// ErrClosed is returned by Start after Close.
	ErrClosed = errors.New("watcher: closed")
	// ErrStarted is returned by a second Start.
	ErrStarted = errors.New("watcher: already started")
	// ErrMode is returned by New for an unknown Mode.
	ErrMode = errors.New("watcher: unknown mode")
)

func (o *Options) setDefaults() {
	if o.Mode == "" {
		o.Mode = Inotify
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 500 * time.Millisecond
	}
	if o.Quiet <= 0 {
		o.Quiet = 2 * time.Millisecond
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = 20 * time.Millisecond
	}
	if o.MaxPending <= 0 {
		o.MaxPending = 4096
	}
	if o.RetryDelay <= 0 {
		o.RetryDelay = 100 * time.Millisecond
	}
	if o.TickInterval <= 0 {
		o.TickInterval = 30 * time.Second
	}
	if o.Linger <= 0 {
		o.Linger = 30 * time.Second
	}
	if o.WatchRetry <= 0 {
		o.WatchRetry = 5 * time.Second
	}
	if o.FS == nil {
		o.FS = osFS{}
	}
}
