package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/wailsapp/wails/v2"
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

// WindowOptions configures the desktop window.
type WindowOptions struct {
	Title string
	// OnReady runs once the window's runtime is up.
	OnReady func()
}

// windowPlatform implements Platform with Wails' native dialogs.
type windowPlatform struct {
	mu  sync.Mutex
	ctx context.Context
}

func (p *windowPlatform) context() (context.Context, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ctx == nil {
		return nil, errors.New("app: the window is not ready")
	}
	return p.ctx, nil
}

func (p *windowPlatform) OpenDirectory(title string) (string, error) {
	ctx, err := p.context()
	if err != nil {
		return "", err
	}
	return wruntime.OpenDirectoryDialog(ctx, wruntime.OpenDialogOptions{Title: title, CanCreateDirectories: false, ShowHiddenFiles: true})
}

func (p *windowPlatform) SaveFile(title, name string) (string, error) {
	ctx, err := p.context()
	if err != nil {
		return "", err
	}
	return wruntime.SaveFileDialog(ctx, wruntime.SaveDialogOptions{Title: title, DefaultFilename: name,
		Filters: []wruntime.FileFilter{{DisplayName: "HTML files (*.html)", Pattern: "*.html"}}})
}

// Reveal runs the platform's file opener by absolute path, so it is not
// affected by the PATH guard below.
func (p *windowPlatform) Reveal(dir string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("/usr/bin/open", dir)
	case "windows":
		cmd = exec.Command("explorer.exe", dir)
	default:
		opener := "/usr/bin/xdg-open"
		if realOpener != "" {
			opener = realOpener
		}
		cmd = exec.Command(opener, dir)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("app: open folder: %w", err)
	}
	go cmd.Wait()
	return nil
}

// NewWindowPlatform is the Platform for RunWindow.
func NewWindowPlatform() Platform { return &windowPlatform{} }

// RunWindow opens the desktop window on the app and blocks until it is
// closed. The window binds no Go method and registers no Go-side event
// listener: the page reaches Go only through the HTTP API (which a
// sandboxed card frame cannot fetch), so Wails' message channel, which
// every frame of the webview can post to, has nothing to call.
func RunWindow(a *App, wo WindowOptions) error {
	if !HasDisplay() {
		return ErrNoDisplay
	}
	plat, _ := a.opts.Platform.(*windowPlatform)
	restore, err := guardBrowserOpen()
	if err != nil {
		return err
	}
	defer restore()
	title := wo.Title
	if title == "" {
		title = "Flowdeck"
	}
	err = wails.Run(&options.App{
		Title:            title,
		Width:            1280,
		Height:           800,
		MinWidth:         720,
		MinHeight:        480,
		BackgroundColour: &options.RGBA{R: 24, G: 26, B: 31, A: 255},
		AssetServer:      &assetserver.Options{Handler: a.Handler()},
		OnStartup: func(ctx context.Context) {
			if plat != nil {
				plat.mu.Lock()
				plat.ctx = ctx
				plat.mu.Unlock()
			}
			if wo.OnReady != nil {
				wo.OnReady()
			}
		},
		// A quit message looks the same whether the close button or a card
		// sent it: ask.
		OnBeforeClose: func(ctx context.Context) bool {
			return !confirmQuit(ctx)
		},
		OnShutdown: func(ctx context.Context) { a.Close() },
		Linux: &linux.Options{ProgramName: "flowdeck", WebviewGpuPolicy: linux.WebviewGpuPolicyOnDemand},
	})
	if err != nil {
		return fmt.Errorf("app: window: %w", err)
	}
	return nil
}

// QuitConfirm decides whether a quit request is honoured; tests replace it.
var QuitConfirm = func(ctx context.Context) bool {
	res, err := wruntime.MessageDialog(ctx, wruntime.MessageDialogOptions{
		Type:    wruntime.QuestionDialog,
		Title:   "Quit Flowdeck?",
		Message: "Close the window and stop watching the datastore?",
	})
	return err == nil && (res == "Yes" || res == "Ok" || res == "OK")
}

func confirmQuit(ctx context.Context) bool { return QuitConfirm(ctx) }

// realOpener is the system xdg-open found before the guard was installed.
var realOpener string

// guardBrowserOpen puts a folder first on PATH whose xdg-open,
// x-www-browser and www-browser do nothing. Wails hands any URL a frame
// posts as "BO:<url>" to pkg/browser, which runs the first of those it
// finds on PATH; with the guard, none reaches the desktop. Flowdeck's own
// "open folder" runs the real opener by absolute path.
func guardBrowserOpen() (func(), error) {
	if runtime.GOOS != "linux" && runtime.GOOS != "freebsd" {
		return func() {}, nil
	}
	if p, err := exec.LookPath("xdg-open"); err == nil {
		realOpener, _ = filepath.Abs(p)
	}
	dir, err := os.MkdirTemp("", "flowdeck-guard-")
	if err != nil {
		return nil, fmt.Errorf("app: browser guard: %w", err)
	}
	script := []byte("#!/bin/sh\necho \"flowdeck: refused to open $*\" >&2\nexit 0\n")
	for _, name := range []string{"xdg-open", "x-www-browser", "www-browser"} {
		if err := os.WriteFile(filepath.Join(dir, name), script, 0o700); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("app: browser guard: %w", err)
		}
	}
	old := os.Getenv("PATH")
	os.Setenv("PATH", dir+string(os.PathListSeparator)+old)
	return func() {
		os.Setenv("PATH", old)
		os.RemoveAll(dir)
	}, nil
}
