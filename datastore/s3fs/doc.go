// Package s3fs reads a Metaflow datastore kept in S3 (or an S3-compatible
// store) through datastore.FS, so that the index, the status rules and the
// cards stay the same code for both backends. See docs/s3.md.
//
// # Paths
//
// The FS answers bucket-qualified paths: /<bucket>/<key>. A datastore at
// s3://bucket/prefix is datastore.Location{Root: "/bucket/prefix"}, and
// its card root (METAFLOW_CARD_S3ROOT) may live in another bucket. The FS
// only reads under the roots it was made with; any other path is refused.
// A "folder" is a common prefix of a ListObjectsV2 with delimiter "/";
// folders have no modification time. A file's ModTime is its object's
// LastModified.
//
// # Read-only
//
// Only ListObjectsV2, GetObject and HeadObject are sent, and the client's
// transport refuses every HTTP method other than GET and HEAD, so no code
// path can write or delete, whatever the SDK does.
//
// # Credentials
//
// Credentials and region come from the standard AWS chain
// (config.LoadDefaultConfig: environment, shared config and credentials
// files, profiles, SSO cache, IMDS/IRSA). The rule for anonymous access:
// requests are unsigned when Options.Anonymous is set, or when the chain
// finds no credentials AND a custom endpoint is set (an S3-compatible
// store without IAM, such as a test SeaweedFS). Without credentials
// against AWS itself, NewClient fails with ErrNoCredentials.
//
// # Reads
//
// Opening a file is one ranged GET of its first 64 KiB, which gives the
// size and LastModified too: metadata files, the artifact index and card
// heads cost one request. Reads past that are ranged GETs pinned to the
// first response's ETag (If-Match), so an object replaced while it is read
// (a live card's data) gives ErrChanged, never a mix of two versions.
//
// # Errors
//
// S3 errors are mapped once, in mapErr: a missing key is fs.ErrNotExist;
// access denied is ErrAccessDenied naming the action and the s3:// path; a
// network failure after the SDK's retries is ErrOffline; throttling (503
// SlowDown) is retried by the SDK's standard retryer with backoff and no
// client-side retry quota; a bucket in another region is retried once in
// the region S3 names (x-amz-bucket-region).
package s3fs
