// Package serve is Flowdeck's browser shell, `flowdeck serve`: it listens
// (HTTP on loopback; HTTPS with a session or given certificate beyond it)
// and serves the app's one HTTP handler. The desktop shell is app/window;
// both serve the same app.App. It links no Wails, cgo or GTK.
package serve

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"time"

	"flowdeck/app"
	"flowdeck/internal/selfcert"
)

// Options configures `flowdeck serve`.
type Options struct {
	Addr        string
	AllowRemote bool
	// TLSCert and TLSKey are PEM files to serve HTTPS with. Without them,
	// --allow-remote makes a self-signed certificate for the session
	// (internal/selfcert) unless InsecureHTTP keeps plain HTTP.
	TLSCert, TLSKey string
	InsecureHTTP    bool
	// Ready is called with the URL once the server listens.
	Ready func(url string)
	// Out gets what the user must know about the connection: the
	// session certificate's fingerprint, or the plain-HTTP warning (nil:
	// discarded).
	Out io.Writer
}

// ErrNotLoopback refuses a non-loopback address without --allow-remote.
var ErrNotLoopback = errors.New("serve: refusing to listen beyond this machine without --allow-remote")

// Run serves a until ctx is cancelled, then shuts down gracefully (open
// event streams are ended first so Shutdown does not wait for them).
func Run(ctx context.Context, a *app.App, so Options) error {
	host, port, err := net.SplitHostPort(so.Addr)
	if err != nil {
		return fmt.Errorf("serve: address %q: %w", so.Addr, err)
	}
	if !so.AllowRemote && !isLoopback(host) {
		return fmt.Errorf("%w (%s)", ErrNotLoopback, so.Addr)
	}
	cfg, err := serveTLS(so, host)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", so.Addr)
	if err != nil {
		return fmt.Errorf("serve: listen: %w", err)
	}
	scheme := "http"
	if cfg != nil {
		ln = tls.NewListener(ln, cfg)
		scheme = "https"
	}
	if port == "0" {
		_, port, _ = net.SplitHostPort(ln.Addr().String())
	}
	a.Listening(port)
	// The printed URL names the address listened on, so it passes the Host
	// check (any loopback address does); a wildcard address is reached on
	// 127.0.0.1.
	urlHost := host
	if host == "" || host == "0.0.0.0" || host == "::" {
		urlHost = "127.0.0.1"
	}
	url := scheme + "://" + net.JoinHostPort(urlHost, port) + "/"
	if so.AllowRemote {
		// In the fragment: the browser never sends it, so it is in no
		// request line, log or proxy.
		url += "#token=" + a.Secret()
	}
	srv := &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 10 * time.Second,
		// Quiet the log of TLS handshakes refused by browsers that do not
		// (yet) trust the session certificate.
		ErrorLog: log.New(io.Discard, "", 0)}
	srv.RegisterOnShutdown(a.CloseStreams)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if so.Ready != nil {
		so.Ready(url)
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	a.CloseStreams()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
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

// ErrTLSFlags: a certificate without its key, or the reverse.
var ErrTLSFlags = errors.New("serve: --tls-cert and --tls-key go together")

// serveTLS decides how the server speaks: HTTPS with the given
// certificate; HTTPS with a self-signed one for the session when serving
// beyond loopback (the token is in the URL and every header); plain HTTP
// on loopback, or beyond it only when asked for, with a warning. It
// prints what the user must know to so.Out.
func serveTLS(so Options, host string) (*tls.Config, error) {
	out := so.Out
	if out == nil {
		out = io.Discard
	}
	if (so.TLSCert == "") != (so.TLSKey == "") {
		return nil, ErrTLSFlags
	}
	var cert tls.Certificate
	switch {
	case so.TLSCert != "":
		c, err := tls.LoadX509KeyPair(so.TLSCert, so.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("serve: TLS certificate: %w", err)
		}
		cert = c
	case so.AllowRemote && !so.InsecureHTTP:
		c, err := selfcert.New(append([]string{host}, selfcert.LocalHosts()...))
		if err != nil {
			return nil, err
		}
		cert = c
		fmt.Fprintf(out, "HTTPS with a certificate made for this session; check that your browser shows its SHA-256 fingerprint:\n  %s\n",
			selfcert.Fingerprint(c.Certificate[0]))
	default:
		if so.AllowRemote {
			fmt.Fprintln(out, "Warning: plain HTTP (--insecure-http): the token and everything Flowdeck shows cross the network in clear text.")
		}
		return nil, nil
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}
