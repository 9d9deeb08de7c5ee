// Package watchadapter adapts the file watcher (package watcher) to the
// App's watch interface (app.WatchFactory), so that package app imports no
// watcher and the watcher no app.
package watchadapter

import (
	"context"
	"fmt"

	"flowdeck/app"
	"flowdeck/datastore"
	"flowdeck/watcher"
)

// Local watches a local datastore with inotify, or by polling when poll is
// set (--poll: network filesystems).
func Local(poll bool) app.WatchFactory {
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
		return adapter{w}, nil
	}
}

type adapter struct{ *watcher.Watcher }

func (a adapter) State() app.WatchState {
	s := a.Watcher.State()
	return app.WatchState{Mode: s.Mode, Watches: s.Watches, Err: s.Err}
}
