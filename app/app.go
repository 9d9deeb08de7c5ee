// Package app is Flowdeck's one HTTP API (JSON and an event stream): its
// routes, DTO mapping, event hub and guard. Two shells serve its Handler:
// app/serve (`flowdeck serve`, net/http) and app/window (Wails, from its
// AssetServer). This package imports no Wails, so the serve-only build
// needs neither cgo nor GTK. It adapts the datastore index
// and the watcher to the frontend and holds no datastore logic itself.
package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flowdeck/wire"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"flowdeck/datastore"
)

// Watch is a running watcher feeding typed changes (see package watcher).
type Watch interface {
	Changes() <-chan []datastore.Change
	State() WatchState
	Close() error
}

// WatchState is what the status bar shows about watching (wire.WatchState).
type WatchState = wire.WatchState

// WatchFactory starts watching an index; onState is called when the state
// changes. main.go supplies it (app/watchadapter, app/s3remote), so app
// does not construct the watcher.
type WatchFactory func(ctx context.Context, ix *datastore.Index, onState func()) (Watch, error)

// Demo starts a simulated live datastore and returns its .metaflow path;
// it keeps writing until ctx is cancelled.
type Demo func(ctx context.Context) (string, error)

// Options configures an App.
type Options struct {
	// Shell is "window" or "serve".
	Shell string
	// Assets is the built frontend (frontend.Dist()).
	Assets fs.FS
	// Secret authorizes API requests; generated when empty.
	Secret string
	// Platform gives native dialogs in the window; nil in serve mode.
	Platform Platform
	// Recent stores recently opened folders; nil disables the list.
	Recent *Recent
	// Watch starts live watching of an opened datastore; nil: no live
	// updates (tests of static behaviour).
	Watch WatchFactory
	// Demo backs "Try the demo" on the welcome screen.
	Demo Demo
	// Index options for every opened datastore.
	IndexOptions datastore.Options
	// OpenRemote opens a datastore URL (s3://bucket/prefix) for the
	// window's "Open S3 datastore…"; nil: local folders only. The shells
	// pass it in (app/s3remote), so the App holds no S3 type.
	OpenRemote OpenRemote
	// CheckHost enables the Host header check (serve mode on loopback).
	CheckHost bool
	// RequireSecret makes every request (not only /api/) carry the secret,
	// as a header, a token query parameter, or the cookie set when the
	// page was opened with ?token= (serve --allow-remote).
	RequireSecret bool
	Version       string
	Log           *slog.Logger
	// DebugAPI adds the test and benchmark routes: /api/debug/* (runtime,
	// dump, pprof; debug.go) and, with a TestLog, POST /api/test/log. Off
	// in the product; main.go sets it only for `--debug-api`.
	DebugAPI bool
	// TestLog, when set, records requests and shell events for tests
	// (FLOWDECK_TEST_LOG, read only with --debug-api); see testlog.go.
	TestLog *TestLog
}

// App serves one datastore at a time; the welcome screen can switch it.
type App struct {
	opts   Options
	secret string
	hub    *hub
	ctx    context.Context
	cancel context.CancelFunc

	mu   sync.RWMutex
	sess *session
	// home is the first datastore opened that is not a demo (the one named
	// on the command line in serve mode): leaving a demo returns to it.
	home       *datastore.Location
	homeRemote *Remote // the backend of home when it is remote

	handler http.Handler
	// gate decides whether card scripts may run in the original view
	// without asking (window only; see scriptgate.go).
	gate *scriptGate
	// bigStream and bigDecode bound the big cards handled at once (limit.go).
	bigStream, bigDecode *limiter
	// demoMu keeps two demo requests from starting two writers.
	demoMu sync.Mutex
	// listenPort is the port `flowdeck serve` listens on; the Host check
	// requires it (nil: not serving, e.g. the window or a test server).
	listenPort atomic.Pointer[string]
}

type session struct {
	ix    *datastore.Index
	loc   datastore.Location
	watch Watch
	demo  bool
	// stopDemo ends the demo writer this session shows (nil: none, or one
	// that main.go owns); the session's close calls it, so at most one
	// demo started from the page runs, and it stops when another datastore
	// is opened.
	stopDemo context.CancelFunc
	cancel   context.CancelFunc
	done     chan struct{}
	loaded   chan struct{}
	// pacer tells the background index when to start reading every run,
	// from when a page loaded and asked for its first run list.
	pacer *datastore.Pacer
	// cached is Remote.Cached; nil for a local folder.
	cached func(flow, run string) bool
}

// New makes an App with no datastore open (the welcome state).
func New(opts Options) *App {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	secret := opts.Secret
	if secret == "" {
		secret = NewSecret()
	}
	ctx, cancel := context.WithCancel(context.Background())
	a := &App{opts: opts, secret: secret, hub: newHub(), ctx: ctx, cancel: cancel,
		bigStream: newLimiter(bigCardStream, bigCardWait), bigDecode: newLimiter(bigCardDecode, bigCardWait)}
	a.handler = a.routes()
	return a
}

// NewSecret makes a random per-launch secret.
func NewSecret() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b)
}

// Secret is the per-launch API secret.
func (a *App) Secret() string { return a.secret }

// Handler is the one http.Handler for both shells.
func (a *App) Handler() http.Handler { return a.handler }

// Listening tells the Host check the port `flowdeck serve` listens on
// (app/serve): a Host header naming another port is refused.
func (a *App) Listening(port string) { a.listenPort.Store(&port) }

// CloseStreams ends every open event stream (a shell shutting down: the
// HTTP server's Shutdown would otherwise wait for them).
func (a *App) CloseStreams() { a.hub.closeAll() }

// Log is the app's logger (Options.Log, or slog's default).
func (a *App) Log() *slog.Logger { return a.opts.Log }

// TestLog is Options.TestLog; nil (which records nothing) outside tests.
func (a *App) TestLog() *TestLog { return a.opts.TestLog }

// Platform is Options.Platform; nil in serve mode.
func (a *App) Platform() Platform { return a.opts.Platform }

// Open discovers and opens a datastore (path as for datastore.Discover),
// starts watching it and reading its runs in the background, and makes it
// the current one.
func (a *App) Open(path string) (datastore.Location, error) {
	loc, err := datastore.Discover(path)
	if err != nil {
		return datastore.Location{}, err
	}
	if err := a.openLocation(loc, false, nil); err != nil {
		return loc, err
	}
	if a.opts.Recent != nil {
		if err := a.opts.Recent.Add(loc.Root); err != nil {
			a.opts.Log.Warn("recent folders", "err", err)
		}
	}
	return loc, nil
}

// Remote is a datastore not on this disk, with its own FS and watcher:
// what OpenRemote returns, or what main.go opened from the command line.
type Remote struct {
	Location datastore.Location
	FS       datastore.FS
	Watch    WatchFactory
	// Cached reports whether a run is kept in the local cache of finished
	// runs, so it opens again offline (the run's "cached" mark); nil: no
	// cache.
	Cached func(flow, run string) bool
}

// OpenRemote opens a datastore URL; its requests stop when ctx ends.
type OpenRemote func(ctx context.Context, url string) (Remote, error)

// OpenRemote makes r the current datastore.
func (a *App) OpenRemote(r Remote) error { return a.openWith(r.Location, false, nil, &r) }

// OpenURL opens a datastore URL with Options.OpenRemote.
func (a *App) OpenURL(url string) error {
	if a.opts.OpenRemote == nil {
		return errNoRemote
	}
	r, err := a.opts.OpenRemote(a.ctx, url)
	if err != nil {
		return err
	}
	return a.OpenRemote(r)
}

// OpenLocation opens a datastore the caller located itself: an S3
// datastore, whose FS main.go puts in Options.IndexOptions. It is not
// added to the recent folders, which are local paths.
func (a *App) OpenLocation(loc datastore.Location) error { return a.openLocation(loc, false, nil) }

// startDemo starts a demo writer for the page (POST /api/open {"demo":
// true}) and opens it; the writer stops when its session closes. The
// session shown before is closed first, so a demo it showed stops before
// the next one starts.
func (a *App) startDemo() error {
	_, err := a.StartDemo()
	return err
}

// StartDemo starts the demo writer (Options.Demo) and opens it, as the
// welcome screen's "Try the demo" does; it returns the demo's root. The
// writer stops when another datastore is opened or the App closes.
func (a *App) StartDemo() (string, error) {
	if a.opts.Demo == nil {
		return "", errNoDemo
	}
	a.demoMu.Lock()
	defer a.demoMu.Unlock()
	a.mu.Lock()
	old := a.sess
	if old != nil && old.stopDemo != nil {
		a.sess = nil
	}
	a.mu.Unlock()
	if old != nil && old.stopDemo != nil {
		old.close()
		a.hub.closeAll()
	}
	ctx, stop := a.demoContext()
	root, err := a.opts.Demo(ctx)
	if err != nil {
		stop()
		return "", err
	}
	loc, err := datastore.Discover(root)
	if err == nil {
		err = a.openLocation(loc, true, stop)
	}
	if err != nil {
		stop()
	}
	return root, err
}

// demoContext is the life of one demo writer: until its session closes,
// or the App does.
func (a *App) demoContext() (context.Context, context.CancelFunc) { return context.WithCancel(a.ctx) }

// OpenHome reopens the first datastore that was not a demo (leaving a
// demo).
func (a *App) OpenHome() error {
	a.mu.RLock()
	home, remote := a.home, a.homeRemote
	a.mu.RUnlock()
	if home == nil {
		return errNoHome
	}
	return a.openWith(*home, false, nil, remote)
}

var (
	errNoDemo = errors.New("the demo is not available")
	errNoHome = errors.New("no datastore to return to")
	// errNoRemote: a shell without S3 (tests, or a build without it).
	errNoRemote = errors.New("opening an S3 datastore is not available here")
)

func (a *App) openLocation(loc datastore.Location, demo bool, stopDemo context.CancelFunc) error {
	return a.openWith(loc, demo, stopDemo, nil)
}

// openWith opens loc, through r's FS and watcher when r is not nil.
func (a *App) openWith(loc datastore.Location, demo bool, stopDemo context.CancelFunc, r *Remote) error {
	ctx, cancel := context.WithCancel(a.ctx)
	iopts, watch := a.opts.IndexOptions, a.opts.Watch
	if r != nil {
		iopts.FS, watch = r.FS, r.Watch
	}
	ix, err := datastore.Open(ctx, loc, iopts)
	if err != nil {
		cancel()
		return err
	}
	s := &session{ix: ix, loc: loc, demo: demo, stopDemo: stopDemo, cancel: cancel, done: make(chan struct{}), loaded: make(chan struct{}), pacer: datastore.NewPacer()}
	if r != nil {
		s.cached = r.Cached
	}
	if watch != nil {
		w, err := watch(ctx, ix, a.publishStatus)
		if err != nil {
			cancel()
			return fmt.Errorf("app: watch %s: %w", loc.Root, err)
		}
		s.watch = w
	}
	a.mu.Lock()
	old := a.sess
	a.sess = s
	if !demo && a.home == nil {
		a.home, a.homeRemote = &loc, r
	}
	a.mu.Unlock()
	if old != nil {
		old.close()
		a.hub.closeAll() // clients reconnect and fetch the new datastore
	}
	go a.run(ctx, s)
	return nil
}

// run reads every run in the background and forwards watcher changes.
func (a *App) run(ctx context.Context, s *session) {
	defer close(s.done)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(s.loaded)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		done := make(chan error, 1)
		go s.pacer.Run(ctx)
		go func() { done <- s.ix.LoadAllPaced(ctx, s.pacer.Start(), s.pacer.FirstFlow) }()
		for {
			select {
			case <-done:
				a.publishStatus()
				return
			case <-tick.C:
				a.publishStatus()
			}
		}
	}()
	if s.watch != nil {
		for {
			select {
			case <-ctx.Done():
				wg.Wait()
				return
			case batch, ok := <-s.watch.Changes():
				if !ok {
					wg.Wait()
					return
				}
				a.publishChanges(batch)
			}
		}
	}
	wg.Wait()
}

func (a *App) publishChanges(batch []datastore.Change) {
	evs := make([]Event, 0, len(batch))
	for _, c := range batch {
		b, err := json.Marshal(toChange(c))
		if err != nil {
			continue
		}
		evs = append(evs, Event{Name: "change", Data: b})
	}
	a.hub.publish(evs...)
}

func (a *App) publishStatus() {
	b, err := json.Marshal(a.status())
	if err != nil {
		return
	}
	a.hub.publish(Event{Name: "status", Data: b})
}

func (a *App) session() *session {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.sess
}

// Loaded is closed when the current datastore's runs have all been read
// (for tests and benchmarks).
func (a *App) Loaded() <-chan struct{} {
	if s := a.session(); s != nil {
		return s.loaded
	}
	ch := make(chan struct{})
	close(ch)
	return ch
}

func (s *session) close() {
	s.cancel()
	if s.watch != nil {
		s.watch.Close()
	}
	<-s.done
	if s.stopDemo != nil {
		s.stopDemo()
	}
}

// Close stops watching and ends every event stream. It is idempotent.
func (a *App) Close() error {
	a.cancel()
	a.mu.Lock()
	s := a.sess
	a.sess = nil
	a.mu.Unlock()
	if s != nil {
		s.close()
	}
	a.hub.closeAll()
	return nil
}

// errNoDatastore is reported while the welcome screen is shown.
var errNoDatastore = errors.New("no datastore")
