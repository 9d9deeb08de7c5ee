package main

import (
	"context"
	"fmt"

	"flowdeck/app"
	"flowdeck/datastore"
	"flowdeck/watcher"
)

// watchFactory adapts the watcher to app.Watch.
func watchFactory(poll bool) app.WatchFactory {
	mode := watcher.Inotify
	if poll {
		mode = watcher.Polling
	}
	return func(ctx context.Context, ix *datastore.Index, onState func()) (app.Watch, error) {
		w, err := watcher.New(ix, watcher.Options{Mode: mode, OnState: func(watcher.State) { onState() }})
		if err != nil {
			return nil, err
		}
		if err := w.Start(ctx); err != nil {
			w.Close()
			return nil, fmt.Errorf("watch: %w", err)
		}
		return watchAdapter{w}, nil
	}
}

type watchAdapter struct{ *watcher.Watcher }

func (a watchAdapter) State() app.WatchState {
	s := a.Watcher.State()
	return app.WatchState{Mode: s.Mode, Watches: s.Watches, Err: s.Err}
}
