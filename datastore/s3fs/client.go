package s3fs

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Options configure NewClient. The zero value uses the standard AWS chain
// and the environment.
type Options struct {
	// Endpoint is an S3-compatible endpoint URL. Empty: the first of
	// METAFLOW_S3_ENDPOINT_URL, AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL
	// (from Getenv), else AWS itself.
	Endpoint string
	// Anonymous sends unsigned requests (a public bucket).
	Anonymous bool
	// Transport carries the requests under the read-only guard; nil is
	// http.DefaultTransport. Tests wrap it to watch the methods sent.
	Transport http.RoundTripper
	// Counter counts every HTTP request sent, retries included; nil makes
	// a new one (Client.Counter).
	Counter *Counter
	// Budget, when set, holds back requests past its rate.
	Budget *Budget
	// MaxAttempts per request for retryable errors (throttling, 5xx,
	// connection errors); 0 means 5.
	MaxAttempts int
	// Getenv reads the environment; nil is os.Getenv.
	Getenv Getenv
}

// Client is an S3 client that can only read.
type Client struct {
	s3       *s3.Client
	counter  *Counter
	region   string
	endpoint string
	regions  regionCache
}

// Counter is the request counter of the client.
func (c *Client) Counter() *Counter { return c.counter }

// Endpoint is the custom endpoint, or "" for AWS.
func (c *Client) Endpoint() string { return c.endpoint }

// credentialTimeout bounds the credential chain at start: on a machine
// that is not in AWS the IMDS probe would otherwise wait for its own
// timeouts.
const credentialTimeout = 10 * time.Second

// NewClient loads the AWS configuration and credentials and returns a
// read-only client. See the package doc for the anonymous-access rule.
func NewClient(ctx context.Context, opts Options) (*Client, error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = osGetenv
	}
	endpoint := opts.Endpoint
	for _, k := range []string{"METAFLOW_S3_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"} {
		if endpoint == "" {
			endpoint = getenv(k)
		}
	}
	counter := opts.Counter
	if counter == nil {
		counter = NewCounter(time.Now)
	}
	attempts := opts.MaxAttempts
	if attempts <= 0 {
		attempts = 5
	}
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithDefaultRegion("us-east-1"),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = attempts
				o.MaxBackoff = 8 * time.Second
				// The client-side retry quota fails requests fast after a
				// burst of errors; a reader that polls should rather
				// back off and get the final state.
				o.RateLimiter = ratelimit.None
			})
		}))
	if err != nil {
		return nil, fmt.Errorf("s3fs: AWS configuration: %w", err)
	}
	anonymous := opts.Anonymous
	if !anonymous {
		cctx, cancel := context.WithTimeout(ctx, credentialTimeout)
		_, err := cfg.Credentials.Retrieve(cctx)
		cancel()
		switch {
		case err == nil:
		case endpoint != "":
			anonymous = true
		default:
			return nil, fmt.Errorf("%w: %v", ErrNoCredentials, err)
		}
	}
	// The guard goes under the SDK, over the configured HTTP client (which
	// carries AWS_CA_BUNDLE and the SDK's timeouts).
	var base HTTPDoer = cfg.HTTPClient
	if opts.Transport != nil {
		base = &http.Client{Transport: opts.Transport, CheckRedirect: noRedirect}
	}
	g := &guard{next: base, counter: counter, budget: opts.Budget}
	cl := &Client{counter: counter, region: cfg.Region, endpoint: endpoint}
	cl.s3 = s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.HTTPClient = g
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
			// S3-compatible stores rarely serve bucket subdomains.
			o.UsePathStyle = true
		}
		if anonymous {
			o.Credentials = aws.AnonymousCredentials{}
		}
		// Range reads carry no full-object checksum to validate.
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
	return cl, nil
}

// noRedirect hands 3xx answers to the SDK: S3's redirects are region
// errors that need a re-signed request, not a plain follow. (The SDK's own
// client does not follow them either: they carry no Location.)
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// ErrReadOnly is returned by the transport for a request that would write.
var ErrReadOnly = errors.New("s3fs: refusing a request that is not GET or HEAD")

// HTTPDoer sends one HTTP request (the SDK's HTTP client interface).
type HTTPDoer interface {
	Do(*http.Request) (*http.Response, error)
}

// guard is the HTTP client under the SDK: it refuses every method but GET
// and HEAD, waits for the budget, and counts requests.
type guard struct {
	next    HTTPDoer
	counter *Counter
	budget  *Budget
}

func (g *guard) Do(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, fmt.Errorf("%w: %s %s", ErrReadOnly, req.Method, req.URL.Path)
	}
	if g.budget != nil {
		if err := g.budget.Wait(req.Context()); err != nil {
			return nil, err
		}
	}
	g.counter.Add()
	return g.next.Do(req)
}
