package s3remote

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"flowdeck/app"

	"flowdeck/internal/fixture"
	"flowdeck/internal/s3test"
)

// bucketWith starts a real S3 server holding the local fixture fx under
// bucket/mf as a bucket holds it (no _meta, no latest_run), and points
// Metaflow's endpoint setting at it with no credentials and no AWS config
// of the machine, so requests are unsigned and nothing outside the test
// is read.
func bucketWith(t *testing.T, bucket, fx string) *s3test.Server {
	t.Helper()
	srv, err := s3test.Start(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	if err := srv.CreateBucket(t.Context(), bucket); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.UploadTree(t.Context(), bucket, "mf", fixture.Path(t, fx, ".metaflow"), s3test.NotInBucket); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "METAFLOW_CARD_S3ROOT"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	t.Setenv("METAFLOW_S3_ENDPOINT_URL", srv.Endpoint)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	return srv
}

// call sends one API request to a's server h as the page does (secret,
// own Origin) and decodes a JSON answer into v (unless nil).
func call(t *testing.T, a *app.App, h *httptest.Server, method, p, body string, v any) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, h.URL+p, strings.NewReader(body))
	req.Header.Set("X-Flowdeck-Token", a.Secret())
	req.Header.Set("Origin", h.URL)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if v != nil {
		json.Unmarshal(b, v)
	}
	return resp.StatusCode, string(b)
}
