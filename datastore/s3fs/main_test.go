package s3fs

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"sync"
	"testing"

	"flowdeck/internal/fixture"
	"flowdeck/internal/s3test"
)

// One weed serves every test of the package; TestMain uploads:
//   - s3://flowdeck-local/<name>/…: the local fixtures in localFixtures,
//     without _meta and latest_run (what a bucket holds);
//   - s3://flowdeck-mf/metaflow/…: testdata/metaflow/s3/objects, with the
//     keys real Metaflow wrote;
//   - s3://flowdeck-local/big/blob: bigBlob, for reads past the head.
var (
	srv     *s3test.Server
	bigBlob []byte
	methods = &methodLog{seen: map[string]int{}}
)

var localFixtures = []string{"default", "retry", "failing", "live", "components"}

const (
	localBucket = "flowdeck-local"
	mfBucket    = "flowdeck-mf"
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var err error
	if srv, err = s3test.Start(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer srv.Close()
	if err := upload(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	code := m.Run()
	// Every request of every test went through methods: the client must
	// never have sent anything but GET and HEAD.
	if bad := methods.writes(); bad != "" {
		fmt.Fprintln(os.Stderr, "s3fs sent requests that write:", bad)
		return 1
	}
	return code
}

func upload(ctx context.Context) error {
	for _, b := range []string{localBucket, mfBucket} {
		if err := srv.CreateBucket(ctx, b); err != nil {
			return err
		}
	}
	for _, name := range localFixtures {
		if _, err := srv.UploadTree(ctx, localBucket, name, fixture.Dir()+"/"+name+"/.metaflow", s3test.NotInBucket); err != nil {
			return err
		}
	}
	if _, err := srv.UploadTree(ctx, mfBucket, "metaflow", fixture.Dir()+"/s3/objects", nil); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(1, 2))
	bigBlob = make([]byte, 3*headBytes+123)
	for i := range bigBlob {
		bigBlob[i] = byte(r.Uint32())
	}
	return srv.Put(ctx, localBucket, "big/blob", bytes.Clone(bigBlob))
}

// methodLog is the transport under every test client: it records the
// methods sent on the wire.
type methodLog struct {
	mu   sync.Mutex
	seen map[string]int
}

func (l *methodLog) wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		l.mu.Lock()
		l.seen[r.Method]++
		l.mu.Unlock()
		return next.RoundTrip(r)
	})
}

func (l *methodLog) writes() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := ""
	for m, n := range l.seen {
		if m != http.MethodGet && m != http.MethodHead {
			out += fmt.Sprintf("%s×%d ", m, n)
		}
	}
	return out
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// isolate keeps the machine's AWS setup out of a test: no profile, no
// keys, no IMDS probe.
func isolate(t *testing.T) {
	t.Helper()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "METAFLOW_S3_ENDPOINT_URL"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/credentials")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// newTestClient is an anonymous client of the test server (no credentials
// and a custom endpoint: the package's anonymous rule).
func newTestClient(t *testing.T, endpoint string, opts Options) *Client {
	t.Helper()
	isolate(t)
	opts.Endpoint = endpoint
	next := opts.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	opts.Transport = methods.wrap(next)
	c, err := NewClient(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
