package main

import (
	"errors"
	"testing"

	"flowdeck/datastore/s3fs"
)

func TestOpenS3(t *testing.T) {
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	t.Setenv("METAFLOW_S3_ENDPOINT_URL", "http://127.0.0.1:1")
	if _, err := openS3(t.Context(), "s3://Bad_Bucket/x", 0); !errors.Is(err, s3fs.ErrBadURL) {
		t.Fatalf("bad URL: %v", err)
	}
	st, err := openS3(t.Context(), "s3://team-bkt/metaflow", 60)
	if err != nil {
		t.Fatal(err)
	}
	if st.loc.Root != "/team-bkt/metaflow" || st.loc.CardRoot != "/team-bkt/metaflow/mf.cards" {
		t.Fatalf("location %+v", st.loc)
	}
	t.Setenv("METAFLOW_CARD_S3ROOT", "s3://cards-bkt/cards")
	if st, err = openS3(t.Context(), "s3://team-bkt/metaflow", 0); err != nil || st.loc.CardRoot != "/cards-bkt/cards" {
		t.Fatalf("card root: %+v, %v", st.loc, err)
	}
	// Without credentials, against AWS itself: a clear error.
	t.Setenv("METAFLOW_S3_ENDPOINT_URL", "")
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("AWS_ENDPOINT_URL_S3", "")
	if _, err := openS3(t.Context(), "s3://team-bkt/metaflow", 0); !errors.Is(err, s3fs.ErrNoCredentials) {
		t.Fatalf("no credentials: %v", err)
	}
}
