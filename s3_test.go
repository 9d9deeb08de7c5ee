package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestS3FromConfig: which S3 datastore the command line names. An s3://
// PATH opens it; with no PATH Metaflow's config decides (a temp HOME's
// ~/.metaflowconfig; s3remote's tests cover how it is read), except for
// demo, which writes its own local datastore; a local PATH is local.
func TestS3FromConfig(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, k := range []string{"METAFLOW_HOME", "METAFLOW_PROFILE", "METAFLOW_DEFAULT_DATASTORE", "METAFLOW_DATASTORE_SYSROOT_S3",
		"METAFLOW_CARD_S3ROOT", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ACCESS_KEY_ID", "AWS_PROFILE"} {
		t.Setenv(k, "")
	}
	t.Setenv("METAFLOW_S3_ENDPOINT_URL", "http://127.0.0.1:1")
	open := func(cfg config) (string, error) {
		t.Helper()
		o, err := cfg.s3Options()
		if err != nil {
			return "", err
		}
		st, err := s3FromConfig(t.Context(), cfg, o)
		if err != nil || st == nil {
			return "", err
		}
		return st.Remote().Location.Root, nil
	}
	if root, err := open(config{cmd: "serve"}); err != nil || root != "" {
		t.Fatalf("no config: %q %v", root, err)
	}
	if root, err := open(config{cmd: "serve", path: "s3://path-bkt/mf"}); err != nil || root != "/path-bkt/mf" {
		t.Fatalf("s3:// PATH: %q %v", root, err)
	}
	dir := filepath.Join(home, ".metaflowconfig")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"METAFLOW_DEFAULT_DATASTORE": "s3",
		"METAFLOW_DATASTORE_SYSROOT_S3": "s3://team-bkt/metaflow"}`), 0o644)
	if root, err := open(config{cmd: "serve", s3Cache: "64M"}); err != nil || root != "/team-bkt/metaflow" {
		t.Fatalf("no PATH, Metaflow's config: %q %v", root, err)
	}
	if root, err := open(config{cmd: "window", path: "/tmp/x"}); err != nil || root != "" {
		t.Fatalf("a local PATH opened S3: %q %v", root, err)
	}
	if root, err := open(config{cmd: "demo"}); err != nil || root != "" {
		t.Fatalf("demo opened S3: %q %v", root, err)
	}
	if _, err := open(config{cmd: "serve", s3Cache: "lots"}); err == nil {
		t.Fatal("bad --s3-cache-size accepted")
	}
	if _, err := open(config{cmd: "serve", path: "/tmp/x", metadata: "/tmp"}); err == nil {
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
