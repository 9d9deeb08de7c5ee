// Package s3remote opens an S3 datastore for the App (app.Remote): it
// resolves where the datastore and its cards are (an s3:// URL, or
// Metaflow's own config), sets up the S3 client with its request budget,
// the cache of finished runs and an optional joined metadata folder, and
// polls the bucket for changes (docs/s3.md). The command line (main.go)
// and the window's "Open S3 datastore…" both open through it.
package s3remote

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"time"

	"flowdeck/app"
	"flowdeck/datastore"
	"flowdeck/datastore/metajoin"
	"flowdeck/datastore/s3cache"
	"flowdeck/datastore/s3fs"
	"flowdeck/watcher/s3poll"
)

// Store is an S3 datastore opened from an s3:// URL or Metaflow's config
// (docs/s3.md).
type Store struct {
	loc    datastore.Location
	s3     *s3fs.FS     // what the poller lists
	fs     datastore.FS // what the index reads: the cache over s3, maybe joined with a metadata folder
	cache  *s3cache.FS  // nil without a cache folder
	store  *s3cache.Store
	client *s3fs.Client
	budget *s3fs.Budget
	meta   string // the joined metadata folder, or ""
}

// Options are the S3 settings (the command line's --s3-* flags).
type Options struct {
	Budget    int    // --s3-budget, requests a minute (0: no cap)
	CacheSize int64  // --s3-cache-size in bytes (0: s3cache.DefaultMax)
	CacheDir  string // "": s3cache.DefaultDir
	Metadata  string // --metadata DIR
}

// Open resolves s3://bucket/prefix: cards under <prefix>/mf.cards, or
// METAFLOW_CARD_S3ROOT when set, as Metaflow does. Credentials, region and
// endpoint come from the AWS chain and the environment (s3fs.NewClient).
func Open(ctx context.Context, raw string, o Options) (*Store, error) {
	u, err := s3fs.ParseURL(raw)
	if err != nil {
		return nil, err
	}
	roots := s3fs.RootsFor(u)
	if cr := os.Getenv("METAFLOW_CARD_S3ROOT"); cr != "" {
		if roots.Cards, err = s3fs.ParseURL(cr); err != nil {
			return nil, fmt.Errorf("METAFLOW_CARD_S3ROOT: %w", err)
		}
	}
	return openRoots(ctx, roots, o)
}

// openRoots opens the datastore at roots: the S3 FS, the cache of
// finished runs over it, and the metadata folder joined over both.
func openRoots(ctx context.Context, roots s3fs.Roots, o Options) (*Store, error) {
	st := &Store{budget: s3fs.NewBudget(o.Budget)}
	c, err := s3fs.NewClient(ctx, s3fs.Options{Budget: st.budget, Endpoint: roots.Endpoint})
	if err != nil {
		return nil, err
	}
	st.client = c
	st.s3 = s3fs.New(ctx, c, roots.Sysroot, roots.Cards)
	st.fs = st.s3
	st.loc = datastore.Location{Root: roots.Sysroot.Path(), CardRoot: roots.Cards.Path()}
	dir := o.CacheDir
	if dir == "" {
		dir, err = s3cache.DefaultDir(c.Endpoint())
	}
	if err == nil {
		st.store, err = s3cache.Open(dir, o.CacheSize)
	}
	if err != nil {
		// No cache folder (no home, read-only disk): S3 still works.
		fmt.Fprintf(os.Stderr, "flowdeck: no cache of finished runs: %v\n", err)
	} else {
		st.cache = s3cache.New(st.s3, st.store)
		st.cache.Immutable = s3cache.Blobs(st.loc.Root)
		st.fs = st.cache
	}
	if o.Metadata != "" {
		mdir, err := metajoin.Dir(o.Metadata)
		if err != nil {
			return nil, err
		}
		st.meta = mdir
		st.fs = metajoin.New(st.fs, st.loc.Root, mdir)
	}
	return st, nil
}

// watchFactory polls the bucket (watcher/s3poll) instead of watching
// files, and tells the cache which runs are final.
func (st *Store) watchFactory() app.WatchFactory {
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
		return watch{Poller: p, st: st}, nil
	}
}

type watch struct {
	*s3poll.Poller
	st *Store
}

func (w watch) State() app.WatchState {
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

// Remote is the store as the App opens it.
func (st *Store) Remote() app.Remote {
	r := app.Remote{Location: st.loc, FS: st.fs, Watch: st.watchFactory()}
	if st.store != nil {
		// A run marked final has its reads kept in the cache.
		r.Cached = func(flow, run string) bool { return st.store.IsFinal(path.Join(st.loc.Root, flow, run)) }
	}
	return r
}

// FromMetaflowConfig opens the S3 datastore Metaflow's own config names
// (METAFLOW_DEFAULT_DATASTORE=s3 and METAFLOW_DATASTORE_SYSROOT_S3, in the
// environment or ~/.metaflowconfig, as s3fs.MetaflowRoots reads them). It
// returns nil, nil when the config names no S3 datastore.
func FromMetaflowConfig(ctx context.Context, o Options) (*Store, error) {
	home, _ := os.UserHomeDir()
	roots, err := s3fs.MetaflowRoots(os.Getenv, home)
	if errors.Is(err, s3fs.ErrNoS3Datastore) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return openRoots(ctx, roots, o)
}

// Opener opens an s3:// URL typed in the window ("Open S3 datastore…")
// with the settings o.
func Opener(o Options) app.OpenRemote {
	return func(ctx context.Context, url string) (app.Remote, error) {
		st, err := Open(ctx, url, o)
		if err != nil {
			return app.Remote{}, err
		}
		return st.Remote(), nil
	}
}
