package serve

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"flowdeck/app"
	"flowdeck/internal/fixture"
	"flowdeck/internal/selfcert"
)

// testAssets stands in for the built frontend (which has its own tests).
var testAssets = fstest.MapFS{
	"index.html": {Data: []byte("<!doctype html><html><head><title>Flowdeck</title></head><body></body></html>")},
}

// syncBuf is the server's Out, read while it runs.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServe runs Run on 127.0.0.1:0 and returns the printed URL.
func startServe(t *testing.T, so Options) (string, *syncBuf, error) {
	t.Helper()
	a := app.New(app.Options{Shell: "serve", Assets: testAssets, RequireSecret: so.AllowRemote})
	if _, err := a.Open(fixture.Copy(t, "hostile")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuf{}
	so.Addr, so.Out = "127.0.0.1:0", out
	urls := make(chan string, 1)
	so.Ready = func(u string) { urls <- u }
	errc := make(chan error, 1)
	go func() { errc <- Run(ctx, a, so) }()
	t.Cleanup(func() {
		cancel()
		<-errc
		a.Close()
	})
	select {
	case u := <-urls:
		return u, out, nil
	case err := <-errc:
		errc <- nil
		return "", out, err
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start")
	}
	return "", out, nil
}

// pinned trusts exactly the certificate with this fingerprint, as a user
// who checked the printed one does.
func pinned(fp string, seen *string) *http.Client {
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{
		InsecureSkipVerify: true,
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			*seen = selfcert.Fingerprint(raw[0])
			if *seen != fp {
				return errors.New("fingerprint differs")
			}
			return nil
		},
	}}}
}

// Issue 12, point 6: --allow-remote serves HTTPS with a session
// certificate whose fingerprint it prints; --insecure-http keeps HTTP with
// a warning; --tls-cert/--tls-key serve the user's certificate.
func TestServeTLS(t *testing.T) {
	u, out, err := startServe(t, Options{AllowRemote: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u, "https://127.0.0.1:") || !strings.Contains(u, "/#token=") {
		t.Fatalf("URL %q", u)
	}
	i := strings.Index(out.String(), "fingerprint:\n  ")
	if i < 0 {
		t.Fatalf("no fingerprint printed: %s", out)
	}
	fp := strings.TrimSpace(out.String()[i+len("fingerprint:\n  "):])
	var seen string
	resp, err := pinned(fp, &seen).Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil || resp.TLS.PeerCertificates[0].PublicKeyAlgorithm != x509.ECDSA {
		t.Errorf("HTTPS: %d %v", resp.StatusCode, resp.TLS)
	}
	// Plain HTTP to the same port gets nothing of the app.
	if resp, err := http.Get(strings.Replace(u, "https:", "http:", 1)); err == nil {
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Error("plain HTTP served the page")
		}
	}

	u, out, err = startServe(t, Options{AllowRemote: true, InsecureHTTP: true})
	if err != nil || !strings.HasPrefix(u, "http://") || !strings.Contains(out.String(), "clear text") {
		t.Errorf("--insecure-http: %q %v %s", u, err, out)
	}

	c, _ := selfcert.New(nil)
	cp, kp, _ := selfcert.PEM(c)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "c.pem"), cp, 0o600)
	os.WriteFile(filepath.Join(dir, "k.pem"), kp, 0o600)
	u, _, err = startServe(t, Options{AllowRemote: true, TLSCert: filepath.Join(dir, "c.pem"), TLSKey: filepath.Join(dir, "k.pem")})
	if err != nil {
		t.Fatal(err)
	}
	want := selfcert.Fingerprint(c.Certificate[0])
	if resp, err := pinned(want, &seen).Get(u); err != nil {
		t.Errorf("--tls-cert: %v (served %s)", err, seen)
	} else {
		resp.Body.Close()
	}
	if _, _, err := startServe(t, Options{TLSCert: filepath.Join(dir, "c.pem")}); !errors.Is(err, ErrTLSFlags) {
		t.Errorf("--tls-cert alone: %v", err)
	}
}

// `--addr 127.0.0.2:0` prints a URL that answers.
func TestServeOtherLoopbackURL(t *testing.T) {
	root := fixture.Copy(t, "hostile")
	a := app.New(app.Options{Shell: "serve", Assets: testAssets, CheckHost: true})
	if _, err := a.Open(root); err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	urls := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		errc <- Run(ctx, a, Options{Addr: "127.0.0.2:0", Ready: func(u string) { urls <- u }})
	}()
	var u string
	select {
	case u = <-urls:
	case err := <-errc:
		t.Fatal(err)
	case <-time.After(10 * time.Second):
		t.Fatal("no URL")
	}
	if !strings.HasPrefix(u, "http://127.0.0.2:") {
		t.Fatalf("URL %q", u)
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET %s: %d %s", u, resp.StatusCode, b)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Error(err)
	}
}
