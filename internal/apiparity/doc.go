// Package apiparity holds the API tests of the S3 backend: the same HTTP
// API walk over a local datastore (with _meta) and over the same runs in
// a real S3 server (without _meta and latest_run), compared answer by
// answer, and a bucket joined with a local metadata folder (--metadata).
// It has no code of its own; the tests live here so that neither app nor
// s3fs imports the other's test setup.
package apiparity
