package s3test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
)

// Proxy starts a proxy in front of the S3 server at endpoint for fault
// tests: hook answers a request itself by returning true, else the request
// passes through. Close the server to stop it.
func Proxy(endpoint string, hook func(w http.ResponseWriter, r *http.Request) bool) (*httptest.Server, error) {
	target, err := url.Parse(endpoint)
	if err != nil {
		return nil, err
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hook(w, r) {
			rp.ServeHTTP(w, r)
		}
	})), nil
}

// DenyPrefix is a Proxy that answers S3's AccessDenied to every request
// under bucket/keyPrefix (an object key, or a listing whose prefix is
// under it) and passes the rest through: what an IAM policy scoped by
// prefix does.
func DenyPrefix(endpoint, bucket, keyPrefix string) (*httptest.Server, error) {
	return Proxy(endpoint, func(w http.ResponseWriter, r *http.Request) bool {
		key, inBucket := strings.CutPrefix(r.URL.Path, "/"+bucket+"/")
		if !(inBucket && strings.HasPrefix(key, keyPrefix)) && !strings.HasPrefix(r.URL.Query().Get("prefix"), keyPrefix) {
			return false
		}
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`)
		return true
	})
}
