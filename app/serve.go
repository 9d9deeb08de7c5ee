package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// ServeOptions configures `flowdeck serve`.
type ServeOptions struct {
	Addr        string
	AllowRemote bool
	// Ready is called with the URL once the server listens.
	Ready func(url string)
	Out   io.Writer
}

// ErrNotLoopback refuses a non-loopback address without --allow-remote.
var ErrNotLoopback = errors.New("app: refusing to listen beyond this machine without --allow-remote")

// Serve runs the HTTP server until ctx is cancelled, then shuts down
// gracefully (open event streams are ended first so Shutdown does not wait
// for them).
func Serve(ctx context.Context, a *App, so ServeOptions) error {
	host, port, err := net.SplitHostPort(so.Addr)
	if err != nil {
		return fmt.Errorf("app: address %q: %w", so.Addr, err)
	}
	if !so.AllowRemote && !isLoopback(host) {
		return fmt.Errorf("%w (%s)", ErrNotLoopback, so.Addr)
	}
	ln, err := net.Listen("tcp", so.Addr)
	if err != nil {
		return fmt.Errorf("app: listen: %w", err)
	}
	if port == "0" {
		_, port, _ = net.SplitHostPort(ln.Addr().String())
	}
	a.listenPort.Store(&port)
	// The printed URL names the address listened on, so it passes the Host
	// check (any loopback address does); a wildcard address is reached on
	// 127.0.0.1.
	urlHost := host
	if host == "" || host == "0.0.0.0" || host == "::" {
		urlHost = "127.0.0.1"
	}
	url := "http://" + net.JoinHostPort(urlHost, port) + "/"
	if so.AllowRemote {
		url += "?token=" + a.secret
	}
	srv := &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 10 * time.Second}
	srv.RegisterOnShutdown(a.hub.closeAll)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if so.Ready != nil {
		so.Ready(url)
	}
	select {
	case err := <-errc:
		return fmt.Errorf("app: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	a.hub.closeAll()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("app: shutdown: %w", err)
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
