package s3remote

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
	if _, err := Open(t.Context(), "s3://Bad_Bucket/x", Options{}); !errors.Is(err, s3fs.ErrBadURL) {
		t.Fatalf("bad URL: %v", err)
	}
	st, err := Open(t.Context(), "s3://team-bkt/metaflow", Options{Budget: 60})
	if err != nil {
		t.Fatal(err)
	}
	if st.loc.Root != "/team-bkt/metaflow" || st.loc.CardRoot != "/team-bkt/metaflow/mf.cards" {
		t.Fatalf("location %+v", st.loc)
	}
	t.Setenv("METAFLOW_CARD_S3ROOT", "s3://cards-bkt/cards")
	if st, err = Open(t.Context(), "s3://team-bkt/metaflow", Options{}); err != nil || st.loc.CardRoot != "/cards-bkt/cards" {
		t.Fatalf("card root: %+v, %v", st, err)
	}
	// Without credentials, against AWS itself: a clear error.
	t.Setenv("METAFLOW_S3_ENDPOINT_URL", "")
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("AWS_ENDPOINT_URL_S3", "")
	if _, err := Open(t.Context(), "s3://team-bkt/metaflow", Options{}); !errors.Is(err, s3fs.ErrNoCredentials) {
		t.Fatalf("no credentials: %v", err)
	}
}

// clearS3Env empties the variables that name an S3 datastore or its
// endpoint and points HOME at a fresh folder, which it returns.
func clearS3Env(t *testing.T) string {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, k := range []string{"METAFLOW_HOME", "METAFLOW_PROFILE", "METAFLOW_DEFAULT_DATASTORE", "METAFLOW_DATASTORE_SYSROOT_S3",
		"METAFLOW_CARD_S3ROOT", "METAFLOW_S3_ENDPOINT_URL", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ACCESS_KEY_ID", "AWS_PROFILE"} {
		t.Setenv(k, "")
	}
	return home
}

// TestS3FromMetaflowConfig: Metaflow's own config (a temp HOME's
// ~/.metaflowconfig, with METAFLOW_PROFILE) names the S3 datastore;
// without METAFLOW_DEFAULT_DATASTORE=s3 there is none.
func TestS3FromMetaflowConfig(t *testing.T) {
	home := clearS3Env(t)
	st, err := FromMetaflowConfig(t.Context(), Options{})
	if err != nil || st != nil {
		t.Fatalf("no config: %v %v", st, err)
	}
	dir := filepath.Join(home, ".metaflowconfig")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"METAFLOW_DEFAULT_DATASTORE": "local"}`), 0o644)
	os.WriteFile(filepath.Join(dir, "config_team.json"), []byte(`{"METAFLOW_DEFAULT_DATASTORE": "s3",
		"METAFLOW_DATASTORE_SYSROOT_S3": "s3://team-bkt/metaflow", "METAFLOW_S3_ENDPOINT_URL": "http://127.0.0.1:1"}`), 0o644)
	if st, err := FromMetaflowConfig(t.Context(), Options{}); err != nil || st != nil {
		t.Fatalf("local default: %v %v", st, err)
	}
	t.Setenv("METAFLOW_PROFILE", "team")
	st, err = FromMetaflowConfig(t.Context(), Options{CacheSize: 64 << 20})
	if err != nil || st == nil {
		t.Fatalf("profile team: %v %v", st, err)
	}
	if st.loc.Root != "/team-bkt/metaflow" || st.loc.CardRoot != "/team-bkt/metaflow/mf.cards" || st.client.Endpoint() != "http://127.0.0.1:1" {
		t.Fatalf("location %+v endpoint %s", st.loc, st.client.Endpoint())
	}
	// The environment wins over the file, as in Metaflow.
	t.Setenv("METAFLOW_CARD_S3ROOT", "s3://cards-bkt/c")
	if st, err = FromMetaflowConfig(t.Context(), Options{}); err != nil || st.loc.CardRoot != "/cards-bkt/c" {
		t.Fatalf("card root from env: %+v %v", st, err)
	}
	os.WriteFile(filepath.Join(dir, "config_broken.json"), []byte(`{"METAFLOW_DEFAULT_DATASTORE": "s3",
		"METAFLOW_DATASTORE_SYSROOT_S3": "/local/path"}`), 0o644)
	t.Setenv("METAFLOW_PROFILE", "broken")
	if st, err := FromMetaflowConfig(t.Context(), Options{}); !errors.Is(err, s3fs.ErrBadURL) {
		t.Fatalf("a config naming a bad S3 sysroot: %+v %v", st, err)
	}
}
