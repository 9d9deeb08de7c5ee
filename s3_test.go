package main

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"flowdeck/datastore/s3fs"
)

func TestOpenS3(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	t.Setenv("METAFLOW_S3_ENDPOINT_URL", "http://127.0.0.1:1")
	if _, err := openS3(t.Context(), "s3://Bad_Bucket/x", s3Options{}); !errors.Is(err, s3fs.ErrBadURL) {
		t.Fatalf("bad URL: %v", err)
	}
	st, err := openS3(t.Context(), "s3://team-bkt/metaflow", s3Options{budget: 60})
	if err != nil {
		t.Fatal(err)
	}
	if st.loc.Root != "/team-bkt/metaflow" || st.loc.CardRoot != "/team-bkt/metaflow/mf.cards" {
		t.Fatalf("location %+v", st.loc)
	}
	t.Setenv("METAFLOW_CARD_S3ROOT", "s3://cards-bkt/cards")
	if st, err = openS3(t.Context(), "s3://team-bkt/metaflow", s3Options{}); err != nil || st.loc.CardRoot != "/cards-bkt/cards" {
		t.Fatalf("card root: %+v, %v", st.loc, err)
	}
	// Without credentials, against AWS itself: a clear error.
	t.Setenv("METAFLOW_S3_ENDPOINT_URL", "")
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("AWS_ENDPOINT_URL_S3", "")
	if _, err := openS3(t.Context(), "s3://team-bkt/metaflow", s3Options{}); !errors.Is(err, s3fs.ErrNoCredentials) {
		t.Fatalf("no credentials: %v", err)
	}
}

// TestS3FromMetaflowConfig: with no PATH, Metaflow's own config (a temp
// HOME's ~/.metaflowconfig, with METAFLOW_PROFILE) names the S3 datastore;
// without METAFLOW_DEFAULT_DATASTORE=s3 the local discovery stays.
func TestS3FromMetaflowConfig(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, k := range []string{"METAFLOW_HOME", "METAFLOW_PROFILE", "METAFLOW_DEFAULT_DATASTORE", "METAFLOW_DATASTORE_SYSROOT_S3",
		"METAFLOW_CARD_S3ROOT", "METAFLOW_S3_ENDPOINT_URL", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ACCESS_KEY_ID", "AWS_PROFILE"} {
		t.Setenv(k, "")
	}
	st, err := s3FromConfig(t.Context(), config{cmd: "serve"})
	if err != nil || st != nil {
		t.Fatalf("no config: %v %v", st, err)
	}
	dir := filepath.Join(home, ".metaflowconfig")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"METAFLOW_DEFAULT_DATASTORE": "local"}`), 0o644)
	os.WriteFile(filepath.Join(dir, "config_team.json"), []byte(`{"METAFLOW_DEFAULT_DATASTORE": "s3",
		"METAFLOW_DATASTORE_SYSROOT_S3": "s3://team-bkt/metaflow", "METAFLOW_S3_ENDPOINT_URL": "http://127.0.0.1:1"}`), 0o644)
	if st, err := s3FromConfig(t.Context(), config{cmd: "serve"}); err != nil || st != nil {
		t.Fatalf("local default: %v %v", st, err)
	}
	t.Setenv("METAFLOW_PROFILE", "team")
	st, err = s3FromConfig(t.Context(), config{cmd: "serve", s3Cache: "64M"})
	if err != nil || st == nil {
		t.Fatalf("profile team: %v %v", st, err)
	}
	if st.loc.Root != "/team-bkt/metaflow" || st.loc.CardRoot != "/team-bkt/metaflow/mf.cards" || st.client.Endpoint() != "http://127.0.0.1:1" {
		t.Fatalf("location %+v endpoint %s", st.loc, st.client.Endpoint())
	}
	// The environment wins over the file, as in Metaflow.
	t.Setenv("METAFLOW_CARD_S3ROOT", "s3://cards-bkt/c")
	if st, err = s3FromConfig(t.Context(), config{cmd: "serve"}); err != nil || st.loc.CardRoot != "/cards-bkt/c" {
		t.Fatalf("card root from env: %+v %v", st, err)
	}
	if _, err := s3FromConfig(t.Context(), config{cmd: "serve", s3Cache: "lots"}); err == nil {
		t.Fatal("bad --s3-cache-size accepted")
	}
	if _, err := s3FromConfig(t.Context(), config{cmd: "serve", path: "/tmp/x", metadata: "/tmp"}); err == nil {
		t.Fatal("--metadata with a local datastore accepted")
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"2G": 2 << 30, "500M": 500 << 20, "64k": 64 << 10, "1000": 1000, "1.5GB": 3 << 29, "2GiB": 2 << 30} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}
