package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"flowdeck/app"
	"flowdeck/datastore"
	"flowdeck/datastore/metajoin"
	"flowdeck/datastore/s3cache"
	"flowdeck/datastore/s3fs"
	"flowdeck/watcher/s3poll"
)

// s3Store is an S3 datastore opened from an s3:// PATH or Metaflow's
// config (docs/s3.md).
type s3Store struct {
	loc    datastore.Location
	s3     *s3fs.FS     // what the poller lists
	fs     datastore.FS // what the index reads: the cache over s3, maybe joined with a metadata folder
	cache  *s3cache.FS  // nil without a cache folder
	store  *s3cache.Store
	client *s3fs.Client
	budget *s3fs.Budget
	meta   string // the joined metadata folder, or ""
}

// s3Options are the command line's S3 settings.
type s3Options struct {
	budget    int    // --s3-budget, requests a minute (0: no cap)
	cacheSize int64  // --s3-cache-size in bytes (0: s3cache.DefaultMax)
	cacheDir  string // "": s3cache.DefaultDir
	metadata  string // --metadata DIR
}

// openS3 resolves s3://bucket/prefix: cards under <prefix>/mf.cards, or
// METAFLOW_CARD_S3ROOT when set, as Metaflow does. Credentials, region and
// endpoint come from the AWS chain and the environment (s3fs.NewClient).
func openS3(ctx context.Context, raw string, o s3Options) (s3Store, error) {
	u, err := s3fs.ParseURL(raw)
	if err != nil {
		return s3Store{}, err
	}
	roots := s3fs.RootsFor(u)
	if cr := os.Getenv("METAFLOW_CARD_S3ROOT"); cr != "" {
		if roots.Cards, err = s3fs.ParseURL(cr); err != nil {
			return s3Store{}, fmt.Errorf("METAFLOW_CARD_S3ROOT: %w", err)
		}
	}
	return openS3Roots(ctx, roots, o)
}

// openS3Roots opens the datastore at roots: the S3 FS, the cache of
// finished runs over it, and the metadata folder joined over both.
func openS3Roots(ctx context.Context, roots s3fs.Roots, o s3Options) (s3Store, error) {
	st := s3Store{budget: s3fs.NewBudget(o.budget)}
	c, err := s3fs.NewClient(ctx, s3fs.Options{Budget: st.budget, Endpoint: roots.Endpoint})
	if err != nil {
		return s3Store{}, err
	}
	st.client = c
	st.s3 = s3fs.New(ctx, c, roots.Sysroot, roots.Cards)
	st.fs = st.s3
	st.loc = datastore.Location{Root: roots.Sysroot.Path(), CardRoot: roots.Cards.Path()}
	dir := o.cacheDir
	if dir == "" {
		dir, err = s3cache.DefaultDir(c.Endpoint())
	}
	if err == nil {
		st.store, err = s3cache.Open(dir, o.cacheSize)
	}
	if err != nil {
		// No cache folder (no home, read-only disk): S3 still works.
		fmt.Fprintf(os.Stderr, "flowdeck: no cache of finished runs: %v\n", err)
	} else {
		st.cache = s3cache.New(st.s3, st.store)
		st.cache.Immutable = s3cache.Blobs(st.loc.Root)
		st.fs = st.cache
	}
	if o.metadata != "" {
		mdir, err := metajoin.Dir(o.metadata)
		if err != nil {
			return s3Store{}, err
		}
		st.meta = mdir
		st.fs = metajoin.New(st.fs, st.loc.Root, mdir)
	}
	return st, nil
}

// watchFactory polls the bucket (watcher/s3poll) instead of watching
// files, and tells the cache which runs are final.
func (st s3Store) watchFactory() app.WatchFactory {
	return func(ctx context.Context, ix *datastore.Index, onState func()) (app.Watch, error) {
		opts := s3poll.Options{Budget: st.budget, OnState: onState}
		if st.store != nil {
			opts.OnFinal = func(flow, run string, finished time.Time) {
				st.store.MarkFinal(finished, path.Join(st.loc.Root, flow, run), path.Join(st.loc.CardRoot, flow, "runs", run))
			}
		}
		p := s3poll.New(ix, st.s3, opts)
		p.Start(ctx)
		// The request rate and the cache's use change without a polling
		// event: republish the state for the status bar every few seconds.
		go func() {
			t := time.NewTicker(5 * time.Second)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					onState()
				}
			}
		}()
		return s3Watch{Poller: p, st: st}, nil
	}
}

type s3Watch struct {
	*s3poll.Poller
	st s3Store
}

func (w s3Watch) State() app.WatchState {
	s := w.Poller.State()
	n := w.st.client.Counter().PerMinute()
	ws := app.WatchState{Mode: "S3 polling", Watches: s.LiveRuns, Err: s.Err, Requests: &n, Metadata: "none"}
	if w.st.meta != "" {
		ws.Metadata = w.st.meta
	}
	if w.st.cache != nil {
		cs := w.st.cache.Stats()
		s.Offline = s.Offline || cs.Offline
		ws.Cached = cs.Hits > 0
	}
	if s.Offline {
		ws.Mode = "offline"
	}
	return ws
}

// parseSize reads a size such as 2G, 500M, 64K or a byte count.
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(strings.ToUpper(s))
	s = strings.TrimSuffix(strings.TrimSuffix(s, "B"), "I")
	mul := int64(1)
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'K':
			mul = 1 << 10
		case 'M':
			mul = 1 << 20
		case 'G':
			mul = 1 << 30
		case 'T':
			mul = 1 << 40
		}
		if mul > 1 {
			s = s[:n-1]
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("bad size %q (want a number of bytes or 500M, 2G…)", s)
	}
	return int64(v * float64(mul)), nil
}

// s3Options are the command line's S3 settings.
func (cfg config) s3Options() (s3Options, error) {
	o := s3Options{budget: cfg.s3Budget, metadata: cfg.metadata}
	if cfg.s3Cache != "" {
		n, err := parseSize(cfg.s3Cache)
		if err != nil {
			return o, fmt.Errorf("--s3-cache-size: %w", err)
		}
		o.cacheSize = n
	}
	return o, nil
}

// s3FromConfig opens the S3 datastore the command line names: an s3://
// PATH, or with no PATH, Metaflow's own config when it names an S3
// datastore and no local .metaflow is found (docs/s3.md). It returns nil
// for a local datastore.
func s3FromConfig(ctx context.Context, cfg config) (*s3Store, error) {
	o, err := cfg.s3Options()
	if err != nil {
		return nil, err
	}
	var st s3Store
	switch {
	case strings.HasPrefix(cfg.path, "s3://"):
		st, err = openS3(ctx, cfg.path, o)
	case cfg.path == "" && cfg.cmd != "demo":
		// As in Metaflow: METAFLOW_DEFAULT_DATASTORE=s3 makes S3 the
		// datastore even where a local .metaflow exists.
		home, _ := os.UserHomeDir()
		roots, rerr := s3fs.MetaflowRoots(os.Getenv, home)
		if rerr != nil {
			if errors.Is(rerr, s3fs.ErrNoS3Datastore) {
				return nil, nil
			}
			return nil, rerr
		}
		st, err = openS3Roots(ctx, roots, o)
	default:
		if cfg.metadata != "" {
			return nil, errors.New("--metadata joins a metadata folder to an s3:// datastore; a local datastore has its own")
		}
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &st, nil
}

// remote is the store as the App opens it.
func (st s3Store) remote() app.Remote {
	r := app.Remote{Location: st.loc, FS: st.fs, Watch: st.watchFactory()}
	if st.store != nil {
		// A run marked final has its reads kept in the cache.
		r.Cached = func(flow, run string) bool { return st.store.IsFinal(path.Join(st.loc.Root, flow, run)) }
	}
	return r
}

// s3Opener opens an s3:// URL typed in the window ("Open S3 datastore…")
// with the command line's S3 settings.
func s3Opener(cfg config) app.OpenRemote {
	return func(ctx context.Context, url string) (app.Remote, error) {
		o, err := cfg.s3Options()
		if err != nil {
			return app.Remote{}, err
		}
		st, err := openS3(ctx, url, o)
		if err != nil {
			return app.Remote{}, err
		}
		return st.remote(), nil
	}
}
