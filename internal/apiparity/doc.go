// Package apiparity holds one test: the same HTTP API walk over a local
// datastore (with _meta) and over the same runs in a real S3 server
// (without _meta and latest_run), compared answer by answer. It has no
// code of its own; the test lives here so that neither app nor s3fs
// imports the other's test setup.
package apiparity
