package s3fs

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Roots is where a Metaflow S3 datastore keeps runs and cards.
type Roots struct {
	Sysroot URL // METAFLOW_DATASTORE_SYSROOT_S3
	Cards   URL // METAFLOW_CARD_S3ROOT, default <sysroot>/mf.cards
	// Endpoint is METAFLOW_S3_ENDPOINT_URL when Metaflow's config sets it.
	Endpoint string
	// From says where the values came from, for messages.
	From string
}

// ErrNoS3Datastore is returned when Metaflow's config names no S3
// datastore.
var ErrNoS3Datastore = errors.New("s3fs: Metaflow's config names no S3 datastore")

// Getenv reads one environment variable; os.Getenv in the product.
type Getenv func(string) string

// MetaflowRoots reads the S3 datastore from Metaflow's own configuration,
// the way Metaflow does: each METAFLOW_* value from the environment first,
// else from ~/.metaflowconfig/config.json, or config_<METAFLOW_PROFILE>.json
// when METAFLOW_PROFILE is set (METAFLOW_HOME overrides the folder). The
// S3 datastore counts only when METAFLOW_DEFAULT_DATASTORE is "s3".
func MetaflowRoots(getenv Getenv, home string) (Roots, error) {
	dir := getenv("METAFLOW_HOME")
	if dir == "" {
		dir = filepath.Join(home, ".metaflowconfig")
	}
	name := "config.json"
	if p := getenv("METAFLOW_PROFILE"); p != "" {
		name = "config_" + p + ".json"
	}
	file := filepath.Join(dir, name)
	conf := map[string]any{}
	if b, err := os.ReadFile(file); err == nil {
		if err := json.Unmarshal(b, &conf); err != nil {
			return Roots{}, fmt.Errorf("s3fs: Metaflow config %s: %w", file, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return Roots{}, fmt.Errorf("s3fs: Metaflow config: %w", err)
	}
	get := func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		if v, ok := conf[k].(string); ok {
			return v
		}
		return ""
	}
	from := "the environment and " + file
	if ds := get("METAFLOW_DEFAULT_DATASTORE"); ds != "s3" {
		return Roots{}, fmt.Errorf("%w: METAFLOW_DEFAULT_DATASTORE is %q in %s", ErrNoS3Datastore, ds, from)
	}
	raw := get("METAFLOW_DATASTORE_SYSROOT_S3")
	if raw == "" {
		return Roots{}, fmt.Errorf("%w: METAFLOW_DATASTORE_SYSROOT_S3 is not set in %s", ErrNoS3Datastore, from)
	}
	sys, err := ParseURL(raw)
	if err != nil {
		return Roots{}, fmt.Errorf("s3fs: METAFLOW_DATASTORE_SYSROOT_S3: %w", err)
	}
	r := Roots{Sysroot: sys, Cards: sys.Join("mf.cards"), Endpoint: get("METAFLOW_S3_ENDPOINT_URL"), From: from}
	if raw := get("METAFLOW_CARD_S3ROOT"); raw != "" {
		if r.Cards, err = ParseURL(raw); err != nil {
			return Roots{}, fmt.Errorf("s3fs: METAFLOW_CARD_S3ROOT: %w", err)
		}
	}
	return r, nil
}

// RootsFor is the layout of a datastore opened by URL: cards under
// <u>/mf.cards, as Metaflow's default.
func RootsFor(u URL) Roots { return Roots{Sysroot: u, Cards: u.Join("mf.cards"), From: u.String()} }
