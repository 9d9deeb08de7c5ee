package s3fs

import (
	"errors"
	"io/fs"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"flowdeck/internal/s3test"
)

// proxy puts a fault-injecting proxy in front of the test server: hook
// answers a request itself by returning true.
func proxy(t *testing.T, hook func(w http.ResponseWriter, r *http.Request) bool) string {
	t.Helper()
	ts, err := s3test.Proxy(srv.Endpoint, hook)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.Close)
	return ts.URL
}

func s3Error(w http.ResponseWriter, status int, code string, header map[string]string) {
	for k, v := range header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>` + code + `</Code><Message>test</Message></Error>`))
}

func TestAccessDeniedNamesActionAndPrefix(t *testing.T) {
	denied := "/" + localBucket + "/retry/"
	ep := proxy(t, func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasPrefix(r.URL.Path, denied) || strings.HasPrefix(r.URL.Query().Get("prefix"), "retry/") {
			s3Error(w, http.StatusForbidden, "AccessDenied", nil)
			return true
		}
		return false
	})
	fsys := newFS(t, newTestClient(t, ep, Options{}))
	_, err := fsys.ReadDir("/" + localBucket + "/retry/RetryFlow")
	if !errors.Is(err, ErrAccessDenied) || !errors.Is(err, fs.ErrPermission) ||
		!strings.Contains(err.Error(), "s3:ListBucket on s3://flowdeck-local/retry/RetryFlow/") {
		t.Fatalf("ReadDir: %v", err)
	}
	_, err = fsys.Open("/" + localBucket + "/retry/RetryFlow/_meta/_self.json")
	if !errors.Is(err, ErrAccessDenied) || !strings.Contains(err.Error(), "s3:GetObject on s3://flowdeck-local/retry/RetryFlow/_meta/_self.json") {
		t.Fatalf("Open: %v", err)
	}
	// The other prefixes still work.
	if _, err := fsys.ReadDir("/" + localBucket + "/default"); err != nil {
		t.Fatalf("ReadDir of an allowed prefix: %v", err)
	}
}

func TestThrottlingIsRetried(t *testing.T) {
	var throttled atomic.Int32
	ep := proxy(t, func(w http.ResponseWriter, r *http.Request) bool {
		if throttled.Add(1) <= 2 {
			s3Error(w, http.StatusServiceUnavailable, "SlowDown", nil)
			return true
		}
		return false
	})
	c := newTestClient(t, ep, Options{})
	fsys := newFS(t, c)
	f, err := fsys.Open("/" + localBucket + "/big/blob")
	if err != nil {
		t.Fatalf("Open after two SlowDown answers: %v", err)
	}
	f.Close()
	if n := c.Counter().Total(); n != 3 {
		t.Fatalf("%d requests counted, want 3 (two throttled, one served)", n)
	}
}

func TestRegionRedirectIsFollowed(t *testing.T) {
	var redirected atomic.Int32
	ep := proxy(t, func(w http.ResponseWriter, r *http.Request) bool {
		if strings.Contains(r.Header.Get("Authorization"), "/eu-north-1/s3/") {
			return false
		}
		redirected.Add(1)
		s3Error(w, http.StatusMovedPermanently, "PermanentRedirect", map[string]string{"X-Amz-Bucket-Region": "eu-north-1"})
		return true
	})
	isolate(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "flowdeck-test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "flowdeck-test-secret")
	t.Setenv("AWS_REGION", "us-east-1")
	c, err := NewClient(t.Context(), Options{Endpoint: ep, Transport: methods.wrap(http.DefaultTransport)})
	if err != nil {
		t.Fatal(err)
	}
	fsys := newFS(t, c)
	if _, err := fsys.ReadDir("/" + localBucket + "/default"); err != nil {
		t.Fatalf("ReadDir in another region: %v", err)
	}
	if fi, err := fsys.Lstat("/" + localBucket + "/big/blob"); err != nil || fi.Size() != int64(len(bigBlob)) {
		t.Fatalf("Lstat in another region: %v, %v", fi, err)
	}
	f, err := fsys.Open("/" + localBucket + "/big/blob")
	if err != nil {
		t.Fatalf("Open in another region: %v", err)
	}
	f.Close()
	if n := redirected.Load(); n != 1 {
		t.Fatalf("%d requests redirected, want 1 (the region is remembered)", n)
	}
}

func TestOffline(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ep := "http://" + l.Addr().String()
	l.Close()
	fsys := newFS(t, newTestClient(t, ep, Options{MaxAttempts: 2}))
	if _, err := fsys.Lstat("/" + localBucket + "/default"); !errors.Is(err, ErrOffline) {
		t.Fatalf("Lstat with the server down: %v, want ErrOffline", err)
	}
	if _, err := fsys.Open("/" + localBucket + "/big/blob"); !errors.Is(err, ErrOffline) {
		t.Fatalf("Open with the server down: %v, want ErrOffline", err)
	}
}

func TestNoCredentials(t *testing.T) {
	isolate(t)
	_, err := NewClient(t.Context(), Options{})
	if !errors.Is(err, ErrNoCredentials) || !strings.Contains(err.Error(), "AWS_PROFILE") {
		t.Fatalf("NewClient without credentials or endpoint: %v, want ErrNoCredentials", err)
	}
	// With an endpoint, the same chain gives anonymous access (the rule
	// in the package doc), and the test server takes it.
	fsys := newFS(t, newTestClient(t, srv.Endpoint, Options{}))
	if _, err := fsys.Lstat("/" + localBucket + "/big/blob"); err != nil {
		t.Fatalf("anonymous Lstat: %v", err)
	}
}

func TestGuardRefusesWrites(t *testing.T) {
	var sent atomic.Int32
	g := &guard{next: &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
		sent.Add(1)
		return nil, errors.New("not reached")
	})}, counter: NewCounter(nil)}
	for _, m := range []string{http.MethodPut, http.MethodDelete, http.MethodPost, http.MethodPatch} {
		req := must(http.NewRequest(m, "http://127.0.0.1/bkt/key", strings.NewReader("x")))
		if _, err := g.Do(req); !errors.Is(err, ErrReadOnly) {
			t.Errorf("%s: %v, want ErrReadOnly", m, err)
		}
	}
	if sent.Load() != 0 || g.counter.Total() != 0 {
		t.Fatalf("%d writes reached the transport", sent.Load())
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
