package main

import (
	"context"
	"fmt"
	"os"

	"flowdeck/app"
	"flowdeck/datastore"
	"flowdeck/datastore/s3fs"
	"flowdeck/watcher/s3poll"
)

// s3Store is an S3 datastore opened from an s3:// PATH (docs/s3.md).
type s3Store struct {
	loc    datastore.Location
	fs     *s3fs.FS
	budget *s3fs.Budget
}

// openS3 resolves s3://bucket/prefix: cards under <prefix>/mf.cards, or
// METAFLOW_CARD_S3ROOT when set, as Metaflow does. Credentials, region and
// endpoint come from the AWS chain and the environment (s3fs.NewClient).
func openS3(ctx context.Context, raw string, budget int) (s3Store, error) {
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
	st := s3Store{budget: s3fs.NewBudget(budget)}
	c, err := s3fs.NewClient(ctx, s3fs.Options{Budget: st.budget})
	if err != nil {
		return s3Store{}, err
	}
	st.fs = s3fs.New(ctx, c, roots.Sysroot, roots.Cards)
	st.loc = datastore.Location{Root: roots.Sysroot.Path(), CardRoot: roots.Cards.Path()}
	return st, nil
}

// watchFactory polls the bucket (watcher/s3poll) instead of watching
// files.
func (st s3Store) watchFactory() app.WatchFactory {
	return func(ctx context.Context, ix *datastore.Index, onState func()) (app.Watch, error) {
		p := s3poll.New(ix, st.fs, s3poll.Options{Budget: st.budget, OnState: onState})
		p.Start(ctx)
		return s3Watch{p}, nil
	}
}

type s3Watch struct{ *s3poll.Poller }

func (w s3Watch) State() app.WatchState {
	s := w.Poller.State()
	mode := "s3 polling"
	if s.Offline {
		mode = "offline"
	}
	return app.WatchState{Mode: mode, Watches: s.LiveRuns, Err: s.Err}
}
