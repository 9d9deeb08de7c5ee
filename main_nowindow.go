//go:build !desktop

package main

import (
	"context"
	"errors"
	"fmt"

	"flowdeck/app"
)

// The serve-only build (no desktop tag; CGO_ENABLED=0 gives a static
// binary for servers and containers): serve, demo --serve and version.
// It links no Wails, cgo or GTK, so it has no window; main_window.go is
// the desktop build.

var errNoWindow = errors.New("this flowdeck is the serve-only build and has no window")

// canOpenWindow says, in one line, what to run instead.
func canOpenWindow(cmd string) error {
	hint := "flowdeck serve [PATH]"
	if cmd == "demo" {
		hint = "flowdeck demo --serve"
	}
	return fmt.Errorf("%w; run `%s` and open the printed URL in a browser", errNoWindow, hint)
}

func windowPlatform() (app.Platform, error) { return nil, errNoWindow }

func runWindow(ctx context.Context, a *app.App, hooks testHooks) error { return errNoWindow }
