package s3fs

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestParseURL(t *testing.T) {
	good := map[string]URL{
		"s3://flowdeck-mf":           {Bucket: "flowdeck-mf"},
		"s3://flowdeck-mf/":          {Bucket: "flowdeck-mf"},
		"s3://flowdeck-mf/metaflow":  {Bucket: "flowdeck-mf", Prefix: "metaflow"},
		"s3://my.bucket-1/a/b/":      {Bucket: "my.bucket-1", Prefix: "a/b"},
		"s3://bkt/metaflow/mf.cards": {Bucket: "bkt", Prefix: "metaflow/mf.cards"},
	}
	for in, want := range good {
		got, err := ParseURL(in)
		if err != nil || got != want {
			t.Errorf("ParseURL(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "/tmp/x", "s3://", "s3://ab", "s3://Upper/x", "s3://b_c/x", "s3://bkt/a/../b", "s3://bkt/a//b", "https://bkt/x"} {
		if u, err := ParseURL(in); !errors.Is(err, ErrBadURL) {
			t.Errorf("ParseURL(%q) = %+v, %v; want ErrBadURL", in, u, err)
		}
	}
	u := URL{Bucket: "bkt", Prefix: "metaflow"}
	if u.String() != "s3://bkt/metaflow" || u.Path() != "/bkt/metaflow" || u.Join("mf.cards").Prefix != "metaflow/mf.cards" {
		t.Errorf("String/Path/Join: %s %s %+v", u, u.Path(), u.Join("mf.cards"))
	}
	if !u.contains("bkt", "metaflow") || !u.contains("bkt", "metaflow/x") || u.contains("bkt", "metaflowx") || u.contains("other", "metaflow/x") {
		t.Error("contains")
	}
}

func env(m map[string]string) Getenv { return func(k string) string { return m[k] } }

func TestMetaflowRoots(t *testing.T) {
	home := t.TempDir()
	conf := filepath.Join(home, ".metaflowconfig")
	if err := os.MkdirAll(conf, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(conf, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("config.json", `{"METAFLOW_DEFAULT_DATASTORE": "s3", "METAFLOW_DATASTORE_SYSROOT_S3": "s3://team-bkt/metaflow", "METAFLOW_S3_ENDPOINT_URL": "http://127.0.0.1:9000"}`)
	write("config_prod.json", `{"METAFLOW_DEFAULT_DATASTORE": "s3", "METAFLOW_DATASTORE_SYSROOT_S3": "s3://prod-bkt/mf", "METAFLOW_CARD_S3ROOT": "s3://cards-bkt/cards"}`)
	write("config_local.json", `{"METAFLOW_DEFAULT_DATASTORE": "local"}`)
	write("config_broken.json", `{`)

	r, err := MetaflowRoots(env(nil), home)
	if err != nil || r.Sysroot != (URL{"team-bkt", "metaflow"}) || r.Cards != (URL{"team-bkt", "metaflow/mf.cards"}) || r.Endpoint != "http://127.0.0.1:9000" {
		t.Errorf("default profile: %+v, %v", r, err)
	}
	r, err = MetaflowRoots(env(map[string]string{"METAFLOW_PROFILE": "prod"}), home)
	if err != nil || r.Sysroot != (URL{"prod-bkt", "mf"}) || r.Cards != (URL{"cards-bkt", "cards"}) || r.Endpoint != "" {
		t.Errorf("prod profile: %+v, %v", r, err)
	}
	// The environment wins over the file, as in Metaflow.
	r, err = MetaflowRoots(env(map[string]string{"METAFLOW_DATASTORE_SYSROOT_S3": "s3://env-bkt/x"}), home)
	if err != nil || r.Sysroot != (URL{"env-bkt", "x"}) || r.Cards != (URL{"env-bkt", "x/mf.cards"}) {
		t.Errorf("env override: %+v, %v", r, err)
	}
	if _, err := MetaflowRoots(env(map[string]string{"METAFLOW_PROFILE": "local"}), home); !errors.Is(err, ErrNoS3Datastore) {
		t.Errorf("local datastore: %v", err)
	}
	if _, err := MetaflowRoots(env(map[string]string{"METAFLOW_PROFILE": "broken"}), home); err == nil {
		t.Error("broken config: no error")
	}
	if _, err := MetaflowRoots(env(map[string]string{"METAFLOW_DEFAULT_DATASTORE": "s3"}), t.TempDir()); !errors.Is(err, ErrNoS3Datastore) {
		t.Errorf("no sysroot: %v", err)
	}
	if _, err := MetaflowRoots(env(map[string]string{"METAFLOW_DEFAULT_DATASTORE": "s3", "METAFLOW_DATASTORE_SYSROOT_S3": "/local/path"}), t.TempDir()); !errors.Is(err, ErrBadURL) {
		t.Errorf("bad sysroot: %v", err)
	}
	r, err = MetaflowRoots(env(map[string]string{"METAFLOW_HOME": conf, "METAFLOW_PROFILE": "prod"}), "/nonexistent")
	if err != nil || r.Sysroot.Bucket != "prod-bkt" {
		t.Errorf("METAFLOW_HOME: %+v, %v", r, err)
	}
}

func TestCounter(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	c := NewCounter(func() time.Time { return now })
	for range 5 {
		c.Add()
	}
	now = now.Add(30 * time.Second)
	for range 3 {
		c.Add()
	}
	if c.PerMinute() != 8 || c.Total() != 8 {
		t.Fatalf("per minute %d total %d, want 8 8", c.PerMinute(), c.Total())
	}
	now = now.Add(31 * time.Second) // the first 5 are now over a minute old
	if c.PerMinute() != 3 {
		t.Fatalf("per minute %d, want 3", c.PerMinute())
	}
	now = now.Add(10 * time.Minute)
	c.Add()
	if c.PerMinute() != 1 || c.Total() != 9 {
		t.Fatalf("per minute %d total %d, want 1 9", c.PerMinute(), c.Total())
	}
}

func TestBudget(t *testing.T) {
	b := NewBudget(600) // 10 a second, burst 60
	n := 0
	for b.Allow() {
		n++
	}
	if n != 60 {
		t.Fatalf("burst %d, want 60", n)
	}
	start := time.Now()
	if err := b.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Fatalf("Wait after the burst took %v, want about 100ms", d)
	}
	b.SetPerMinute(0)
	for range 1000 {
		if !b.Allow() {
			t.Fatal("no cap still refused")
		}
	}
}
