//go:build desktop

// Package window is Flowdeck's desktop shell: a Wails window that serves
// the app's one HTTP handler from its AssetServer, with native dialogs, the
// closing of Wails' message channel (channel_linux.go) and the browser
// guard. It builds only with the desktop tag, as main_window.go, which
// composes it; the serve-only build links no Wails, cgo or GTK. Its tests:
//
//	go test -tags desktop,production,webkit2_41 ./app/window/
package window

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"time"

	"flowdeck/app"

	"github.com/wailsapp/wails/v2"
	wlogger "github.com/wailsapp/wails/v2/pkg/logger"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"
)

// ErrNoDisplay is returned when the window cannot open because no display
// is reachable (GTK would abort the process instead of failing).
var ErrNoDisplay = errors.New("no display: the desktop window needs X11 or Wayland (DISPLAY or WAYLAND_DISPLAY is not set)")

// HasDisplay reports whether a window can be opened here.
func HasDisplay() bool {
	if runtime.GOOS != "linux" && runtime.GOOS != "freebsd" {
		return true
	}
	return os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
}

// Options configures the desktop window.
type Options struct {
	// Icon is the window icon (PNG), shown by the Linux window manager.
	Icon []byte
	// InitialRoute is a URL hash (#/flows/…/cards/<key>) the page opens
	// on; tests use it (FLOWDECK_TEST_ROUTE) to open a card directly.
	InitialRoute string
	// Stop is closed when the process is told to stop (SIGINT, SIGTERM):
	// then the window quits without asking.
	Stop <-chan struct{}
	// KeepChannel leaves Wails' message channel open, as on a platform
	// where it cannot be closed: card scripts then wait for the user's
	// consent. Tests only (FLOWDECK_TEST_KEEP_CHANNEL, with a test log).
	KeepChannel bool
	// ConfirmQuit decides whether a quit request is honoured; nil asks the
	// user with a dialog (askQuit).
	ConfirmQuit func(ctx context.Context) bool
}

// Platform implements app.Platform with Wails' native dialogs; Run gives it
// the window's context. It owns the browser guard (guard.go) the window
// runs behind.
type Platform struct {
	mu    sync.Mutex
	ctx   context.Context
	guard *BrowserGuard
}

func (p *Platform) context() (context.Context, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ctx == nil {
		return nil, errors.New("window: not ready")
	}
	return p.ctx, nil
}

func (p *Platform) OpenDirectory(title string) (string, error) {
	ctx, err := p.context()
	if err != nil {
		return "", err
	}
	return wruntime.OpenDirectoryDialog(ctx, wruntime.OpenDialogOptions{Title: title, CanCreateDirectories: false, ShowHiddenFiles: true})
}

func (p *Platform) SaveFile(title, name string) (string, error) {
	ctx, err := p.context()
	if err != nil {
		return "", err
	}
	return wruntime.SaveFileDialog(ctx, wruntime.SaveDialogOptions{Title: title, DefaultFilename: name,
		Filters: []wruntime.FileFilter{{DisplayName: "HTML files (*.html)", Pattern: "*.html"}}})
}

// Reveal runs the platform's file opener by absolute path, so it is not
// affected by the browser guard (guard.go).
func (p *Platform) Reveal(dir string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("/usr/bin/open", dir)
	case "windows":
		cmd = exec.Command("explorer.exe", dir)
	default:
		opener := ""
		if p.guard != nil {
			opener = p.guard.Opener
		}
		cmd = exec.Command(cmp.Or(opener, "/usr/bin/xdg-open"), dir)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("window: open folder: %w", err)
	}
	go cmd.Wait()
	return nil
}

// NewPlatform is the app.Platform for Run (Options.Platform in app.New).
// It makes the browser guard's folder; the process must then run with
// GuardedPATH as its PATH (main sets it at start, before any goroutine of
// its own) and Run refuses to open otherwise.
func NewPlatform() (*Platform, error) {
	g, err := NewBrowserGuard(os.Getenv("PATH"))
	if err != nil {
		return nil, err
	}
	return &Platform{guard: g}, nil
}

// GuardedPATH is the PATH the process must run with (guard.go).
func (p *Platform) GuardedPATH() string { return p.guard.PATH }

// Run opens the desktop window on the app and blocks until it is
// closed. The window binds no Go method and registers no Go-side event
// listener: the page reaches Go only through the HTTP API (which a
// sandboxed card frame cannot fetch). Wails' message channel, which every
// frame of the webview can post to, is closed as soon as the window runs
// (channel_linux.go); until that is confirmed, card files wait, and
// if it cannot be confirmed, card scripts run only after the user agrees
// (app.GateScripts). Behind that, BrowserOpenURL reaches no browser (the
// browser guard, guard.go) and a quit request asks the user first
// (OnBeforeClose, Options.ConfirmQuit).
func Run(a *app.App, wo Options) error {
	plat, err := guardedPlatform(a)
	if err != nil {
		return err
	}
	defer plat.guard.Close()
	confirm := wo.ConfirmQuit
	if confirm == nil {
		confirm = askQuit
	}
	tl := a.TestLog()
	wopts := &options.App{
		Title:            "Flowdeck",
		Width:            1280,
		Height:           800,
		MinWidth:         720,
		MinHeight:        480,
		BackgroundColour: &options.RGBA{R: 24, G: 26, B: 31, A: 255},
		AssetServer:      &assetserver.Options{Handler: a.Handler()},
		OnStartup:        closeChannelOnStartup(a, plat, wo.KeepChannel && tl != nil),
		OnDomReady:       openRouteOnDomReady(tl, wo.InitialRoute),
		OnBeforeClose:    askBeforeClose(tl, wo.Stop, confirm),
		OnShutdown:       func(ctx context.Context) { a.Close() },
		Linux:            &linux.Options{ProgramName: "flowdeck", Icon: wo.Icon, WebviewGpuPolicy: linux.WebviewGpuPolicyOnDemand},
	}
	if tl != nil {
		wopts.Logger = wailsLog{tl}
		wopts.LogLevel = wlogger.TRACE
		wopts.LogLevelProduction = wlogger.TRACE
	}
	if err := wails.Run(wopts); err != nil {
		return fmt.Errorf("window: %w", err)
	}
	return nil
}

// guardedPlatform is the app's Platform once the window may open: a
// display is reachable and the process runs with the browser guard's PATH.
func guardedPlatform(a *app.App) (*Platform, error) {
	if !HasDisplay() {
		return nil, ErrNoDisplay
	}
	plat, _ := a.Platform().(*Platform)
	if plat == nil || plat.guard == nil {
		return nil, errors.New("window: the app has no window.Platform from NewPlatform (app.Options.Platform)")
	}
	if err := plat.guard.check(); err != nil {
		return nil, err
	}
	return plat, nil
}

// closeChannelOnStartup is the window's OnStartup: it hands the Wails
// context to the platform, closes Wails' message channel (unless keep, a
// test hook) and then sets the card script policy: scripts run when the
// channel is confirmed closed, else they ask first.
func closeChannelOnStartup(a *app.App, plat *Platform, keep bool) func(context.Context) {
	tl := a.TestLog()
	decide := a.GateScripts(10 * time.Second)
	var record func(string)
	if tl != nil {
		record = func(msg string) { tl.Event("ipc", map[string]any{"msg": msg}) }
	}
	return func(ctx context.Context) {
		plat.mu.Lock()
		plat.ctx = ctx
		plat.mu.Unlock()
		go func() {
			res := <-closeWailsChannel(keep, record)
			policy := app.ScriptsAsk
			if res.Closed {
				policy = app.ScriptsRun
			} else {
				a.Log().Warn("card scripts will ask first: Wails' message channel is open", "why", res.Detail)
			}
			decide(policy)
			tl.Event("channel", map[string]any{"closed": res.Closed, "webviews": res.Webviews, "detail": res.Detail, "policy": policy})
		}()
	}
}

// openRouteOnDomReady is the window's OnDomReady: the first time the page
// is ready it opens route (Options.InitialRoute), if one is set.
func openRouteOnDomReady(tl *app.TestLog, route string) func(context.Context) {
	var once sync.Once
	return func(ctx context.Context) {
		tl.Event("dom-ready", nil)
		if route != "" {
			once.Do(func() {
				b, _ := json.Marshal(route)
				wruntime.WindowExecJS(ctx, "location.hash = "+string(b)+";")
			})
		}
	}
}

// askBeforeClose is the window's OnBeforeClose. A quit message looks the
// same whether the close button or a card sent it: ask (confirm), unless
// the process is being stopped by a signal.
func askBeforeClose(tl *app.TestLog, stop <-chan struct{}, confirm func(context.Context) bool) func(context.Context) bool {
	return func(ctx context.Context) bool {
		// Wails turns SIGINT/SIGTERM into the same quit request; main.go
		// sees the signal too (Stop), so do not ask then.
		select {
		case <-stop:
			tl.Event("quit-signalled", nil)
			return false
		case <-time.After(50 * time.Millisecond):
		}
		tl.Event("quit-requested", nil)
		ok := confirm(ctx)
		tl.Event("quit-answered", map[string]any{"quit": ok})
		return !ok
	}
}

// wailsLog writes Wails' own log to the test log (errors such as "method
// not registered" show what reached the dispatcher).
type wailsLog struct{ tl *app.TestLog }

func (l wailsLog) log(level, msg string) {
	l.tl.Event("wails-log", map[string]any{"level": level, "msg": msg})
}
func (l wailsLog) Print(m string)   { l.log("print", m) }
func (l wailsLog) Trace(m string)   { l.log("trace", m) }
func (l wailsLog) Debug(m string)   { l.log("debug", m) }
func (l wailsLog) Info(m string)    { l.log("info", m) }
func (l wailsLog) Warning(m string) { l.log("warning", m) }
func (l wailsLog) Error(m string)   { l.log("error", m) }
func (l wailsLog) Fatal(m string)   { l.log("fatal", m) }

// askQuit asks the user whether to quit (the default Options.ConfirmQuit).
func askQuit(ctx context.Context) bool {
	res, err := wruntime.MessageDialog(ctx, wruntime.MessageDialogOptions{
		Type:    wruntime.QuestionDialog,
		Title:   "Quit Flowdeck?",
		Message: "Close the window and stop watching the datastore?",
	})
	return err == nil && (res == "Yes" || res == "Ok" || res == "OK")
}
