package s3fs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Errors a user can act on. Each wraps the S3 error it came from.
var (
	// ErrNoCredentials: the AWS chain found no credentials and no custom
	// endpoint allows anonymous reads.
	ErrNoCredentials = errors.New("s3fs: no AWS credentials found (set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, run `aws sso login`, or run where an instance or pod role is available)")
	// ErrAccessDenied: S3 refused an action; the message names it and the
	// s3:// path. It is also fs.ErrPermission.
	ErrAccessDenied = errors.New("s3fs: access denied")
	// ErrOffline: S3 could not be reached after the retries (network down,
	// DNS failure, server stopped). The index maps it to "offline".
	ErrOffline = errors.New("s3fs: S3 unreachable (offline)")
	// ErrChanged: an object was replaced while it was being read.
	ErrChanged = errors.New("s3fs: object changed while it was read")
	// ErrOutside: a path outside the FS's roots.
	ErrOutside = errors.New("s3fs: path outside the datastore")
	// ErrNoSuchBucket: the bucket does not exist.
	ErrNoSuchBucket = errors.New("s3fs: no such bucket")
)

type accessDenied struct {
	action, where string
	err           error
}

func (e *accessDenied) Error() string {
	return fmt.Sprintf("s3fs: access denied: %s on %s (the IAM policy needs it, see docs/s3.md): %v", e.action, e.where, e.err)
}

func (e *accessDenied) Is(target error) bool {
	return target == ErrAccessDenied || target == fs.ErrPermission
}

func (e *accessDenied) Unwrap() error { return e.err }

// mapErr turns an SDK error for action (an IAM action name) on where (an
// s3:// path) into one of the package's errors. It is the one place that
// knows S3 error codes.
func mapErr(ctx context.Context, action, where string, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("s3fs: %s %s: %w", action, where, ctx.Err())
	}
	code, status := "", 0
	var api smithy.APIError
	if errors.As(err, &api) {
		code = api.ErrorCode()
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	switch {
	case code == "NoSuchBucket":
		return fmt.Errorf("%w: %s: %w", ErrNoSuchBucket, where, err)
	case code == "NoSuchKey" || code == "NotFound" || status == http.StatusNotFound:
		return fmt.Errorf("s3fs: %s: %w", where, fs.ErrNotExist)
	case code == "AccessDenied" || code == "AllAccessDisabled" || status == http.StatusForbidden:
		return &accessDenied{action: action, where: where, err: err}
	case code == "PreconditionFailed" || status == http.StatusPreconditionFailed:
		return fmt.Errorf("%w: %s", ErrChanged, where)
	}
	var send *smithyhttp.RequestSendError
	if errors.As(err, &send) {
		return fmt.Errorf("%w: %s %s: %w", ErrOffline, action, where, err)
	}
	return fmt.Errorf("s3fs: %s %s: %w", action, where, err)
}

// bucketRegion is the region S3 names for the bucket in a redirect or
// wrong-region answer (x-amz-bucket-region), or "".
func bucketRegion(err error) string {
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.Header.Get("X-Amz-Bucket-Region")
	}
	return ""
}

func osGetenv(k string) string { return os.Getenv(k) }
