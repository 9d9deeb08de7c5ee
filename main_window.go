//go:build desktop

package main

import (
	"context"
	"fmt"
	"os"

	"flowdeck/app"
	"flowdeck/app/window"
	"flowdeck/build"
)

// The desktop build (tag desktop, with cgo, GTK and WebKitGTK): `flowdeck`
// without a subcommand opens the window. main_nowindow.go is the
// serve-only build.

// canOpenWindow fails, with what to run instead, when no display is
// reachable (GTK would abort the process instead of failing).
func canOpenWindow(cmd string) error {
	if window.HasDisplay() {
		return nil
	}
	hint := "flowdeck serve"
	if cmd == "demo" {
		hint = "flowdeck demo --serve"
	}
	return fmt.Errorf("%w; run `%s` and open the printed URL in a browser (over an SSH tunnel for a remote machine)", window.ErrNoDisplay, hint)
}

// windowPlatform is the window's app.Platform. It is made before the App
// and the window exist: the browser guard's PATH (app/window/guard.go) is
// set here, once, for the rest of the process, and never changed back.
func windowPlatform() (app.Platform, error) {
	p, err := window.NewPlatform()
	if err != nil {
		return nil, err
	}
	if err := os.Setenv("PATH", p.GuardedPATH()); err != nil {
		return nil, fmt.Errorf("browser guard: %w", err)
	}
	return p, nil
}

// runWindow blocks until the window is closed or ctx ends.
func runWindow(ctx context.Context, a *app.App, hooks testHooks) error {
	go func() {
		<-ctx.Done()
		a.Close()
	}()
	return window.Run(a, window.Options{
		Icon:         build.Icon,
		Stop:         ctx.Done(),
		InitialRoute: hooks.route,
		KeepChannel:  hooks.keepChannel,
	})
}
