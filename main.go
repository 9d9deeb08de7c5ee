// Command flowdeck browses a Metaflow datastore: every flow, run, step, task
// and card, live while runs execute. See README.md.
//
//	flowdeck [PATH]                 open the desktop window
//	flowdeck serve [PATH] [--addr]  the same UI in a browser
//	flowdeck demo [--serve]         a simulated live run
//	flowdeck version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"flowdeck/app"
	"flowdeck/app/s3remote"
	"flowdeck/app/serve"
	"flowdeck/app/watchadapter"
	"flowdeck/datastore"
	"flowdeck/frontend"
	"flowdeck/internal/demo"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

const usage = `Flowdeck: browse a Metaflow datastore and watch its cards live.

Usage:
  flowdeck [flags] [PATH]          open the desktop window on PATH
  flowdeck serve [flags] [PATH]    serve the same UI to a browser
  flowdeck demo [--serve]          open a simulated live run
  flowdeck version                 print the version

PATH is a .metaflow folder or a folder holding one. Without PATH, Flowdeck
looks where Metaflow does: $METAFLOW_DATASTORE_SYSROOT_LOCAL/.metaflow, then
.metaflow in the working directory and each parent. PATH may also be an S3
datastore, s3://bucket/prefix (see docs/s3.md); with no PATH and no local
.metaflow found, Metaflow's own config is used when it names an S3
datastore (METAFLOW_DEFAULT_DATASTORE=s3, METAFLOW_DATASTORE_SYSROOT_S3, in
the environment or ~/.metaflowconfig/config*.json).

Flags:
  --addr ADDR         serve: listen address (default 127.0.0.1:8324)
  --allow-remote      serve: listen beyond loopback; requires the printed token;
                      HTTPS with a certificate made for the session
  --tls-cert FILE     serve: HTTPS with this PEM certificate (with --tls-key)
  --tls-key FILE      serve: the certificate's PEM private key
  --insecure-http     serve: with --allow-remote, plain HTTP (clear text)
  --poll              poll for changes instead of inotify (network filesystems)
  --stale-after DUR   report a quiet running run as unknown after DUR (default 30m)
  --s3-budget N       s3://: at most N requests a minute (default: no cap)
  --s3-cache-size N   s3://: cap of the cache of finished runs (default 2G)
  --metadata DIR      s3://: read run user, tags and attempt_ok from this
                      local metadata folder (the .metaflow of
                      METAFLOW_DEFAULT_METADATA=local)
  --debug-api         tests and benchmarks only: the /api/debug routes and
                      the FLOWDECK_TEST_* hooks (see docs/benchmarks.md)
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type config struct {
	cmd         string
	path        string
	addr        string
	allowRemote bool
	tlsCert     string
	tlsKey      string
	insecure    bool
	poll        bool
	serve       bool
	staleAfter  time.Duration
	s3Budget    int
	s3Cache     string
	metadata    string
	// debugAPI turns on the test and benchmark hooks: the /api/debug and
	// /api/test routes and the FLOWDECK_TEST_* variables. A flag rather
	// than a build tag so that the very binaries that ship (bin/flowdeck,
	// bin/flowdeck-serve, the installed .deb) are the ones the browser and
	// window tests drive.
	debugAPI bool
}

func parse(args []string, stderr io.Writer) (config, error) {
	cfg := config{cmd: "window"}
	if len(args) > 0 {
		switch args[0] {
		case "serve", "demo", "version", "help":
			cfg.cmd, args = args[0], args[1:]
		}
	}
	fs := flag.NewFlagSet("flowdeck", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8324", "")
	fs.BoolVar(&cfg.allowRemote, "allow-remote", false, "")
	fs.StringVar(&cfg.tlsCert, "tls-cert", "", "")
	fs.StringVar(&cfg.tlsKey, "tls-key", "", "")
	fs.BoolVar(&cfg.insecure, "insecure-http", false, "")
	fs.BoolVar(&cfg.poll, "poll", false, "")
	fs.BoolVar(&cfg.serve, "serve", false, "")
	fs.DurationVar(&cfg.staleAfter, "stale-after", 30*time.Minute, "")
	fs.IntVar(&cfg.s3Budget, "s3-budget", 0, "")
	fs.StringVar(&cfg.s3Cache, "s3-cache-size", "", "")
	fs.StringVar(&cfg.metadata, "metadata", "", "")
	fs.BoolVar(&cfg.debugAPI, "debug-api", false, "")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	rest := fs.Args()
	// Flags may follow the path too.
	if len(rest) > 0 {
		cfg.path = rest[0]
		if err := fs.Parse(rest[1:]); err != nil {
			return cfg, err
		}
		if fs.NArg() > 0 {
			return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
		}
	}
	if cfg.cmd == "demo" && cfg.path != "" {
		return cfg, errors.New("demo takes no PATH")
	}
	if cfg.insecure && !cfg.allowRemote {
		return cfg, errors.New("--insecure-http only goes with --allow-remote")
	}
	return cfg, nil
}

func run(args []string, stdout, stderr io.Writer) int {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			fmt.Fprint(stdout, usage)
			return 0
		}
	}
	cfg, err := parse(args, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "flowdeck: %v (see flowdeck --help)\n", err)
		return 2
	}
	switch cfg.cmd {
	case "version":
		fmt.Fprintf(stdout, "flowdeck %s\n", version)
		return 0
	case "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	defer func() {
		// Demos remove their temporary datastore once stopped.
		stop()
		demo.Wait()
	}()
	if err := start(ctx, cfg, stdout); err != nil {
		fmt.Fprintf(stderr, "flowdeck: %s\n", plainError(err, cfg))
		return 1
	}
	return 0
}

func start(ctx context.Context, cfg config, stdout io.Writer) error {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	inBrowser := cfg.cmd == "serve" || (cfg.cmd == "demo" && cfg.serve)
	if !inBrowser {
		if err := canOpenWindow(cfg.cmd); err != nil {
			return err
		}
	}
	s3opts, err := cfg.s3Options()
	if err != nil {
		return err
	}
	s3, err := s3FromConfig(ctx, cfg, s3opts)
	if err != nil {
		return err
	}
	opts, closeHooks, err := appOptions(cfg, log)
	if err != nil {
		return err
	}
	defer closeHooks()
	if inBrowser {
		opts.Shell = "serve"
		opts.CheckHost = !cfg.allowRemote
		opts.RequireSecret = cfg.allowRemote
	} else {
		if opts.Platform, err = windowPlatform(); err != nil {
			return err
		}
		opts.OpenRemote = s3remote.Opener(s3opts)
		if r, err := app.DefaultRecent(); err == nil {
			opts.Recent = r
		}
	}
	a := app.New(opts)
	defer a.Close()

	switch {
	case cfg.cmd == "demo":
		// The App owns the writer, so a demo opened from the page replaces
		// it rather than running beside it.
		root, err := a.StartDemo()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "demo datastore: %s\n", root)
	case s3 != nil:
		if err := a.OpenRemote(s3.Remote()); err != nil {
			return err
		}
	case cfg.path != "" || inBrowser:
		if _, err := a.Open(cfg.path); err != nil {
			return err
		}
	default:
		// The window without PATH: discover, else reopen the last folder,
		// else the welcome screen.
		if _, err := a.Open(""); err != nil && opts.Recent != nil {
			if recent := opts.Recent.List(); len(recent) > 0 {
				a.Open(recent[0])
			}
		}
	}
	if inBrowser {
		return serve.Run(ctx, a, serve.Options{Addr: cfg.addr, AllowRemote: cfg.allowRemote, Out: stdout,
			TLSCert: cfg.tlsCert, TLSKey: cfg.tlsKey, InsecureHTTP: cfg.insecure, Ready: func(url string) {
				fmt.Fprintf(stdout, "Flowdeck is serving on %s\n", url)
				if cfg.allowRemote {
					fmt.Fprintln(stdout, "Anyone with this URL (it holds the token) can read the datastore.")
				}
			}})
	}
	return runWindow(ctx, a, windowHooks(cfg))
}

// appOptions is what every shell's App gets from cfg; the shells add their
// own parts. The close function closes the test log, if one was opened.
func appOptions(cfg config, log *slog.Logger) (app.Options, func(), error) {
	opts := app.Options{
		Shell:        "window",
		Assets:       frontend.Dist(),
		Version:      version,
		Log:          log,
		Watch:        watchadapter.Local(cfg.poll),
		Demo:         demo.Start,
		IndexOptions: datastore.Options{StaleAfter: cfg.staleAfter},
		DebugAPI:     cfg.debugAPI,
	}
	if !cfg.debugAPI {
		return opts, func() {}, nil
	}
	// Test hooks (internal/windowtest, frontend/e2e): a JSON-lines record of
	// requests and shell events. They record; they change no behaviour.
	if p := os.Getenv("FLOWDECK_TEST_LOG"); p != "" {
		tl, err := app.OpenTestLog(p)
		if err != nil {
			return opts, nil, err
		}
		opts.TestLog = tl
		return opts, func() { tl.Close() }, nil
	}
	return opts, func() {}, nil
}

// testHooks are what the window tests ask of the window (only read with
// --debug-api; see main_window.go).
type testHooks struct {
	// route is a URL hash the page opens on (FLOWDECK_TEST_ROUTE).
	route string
	// keepChannel leaves Wails' message channel open
	// (FLOWDECK_TEST_KEEP_CHANNEL=1).
	keepChannel bool
}

func windowHooks(cfg config) testHooks {
	if !cfg.debugAPI {
		return testHooks{}
	}
	return testHooks{route: os.Getenv("FLOWDECK_TEST_ROUTE"), keepChannel: os.Getenv("FLOWDECK_TEST_KEEP_CHANNEL") == "1"}
}
