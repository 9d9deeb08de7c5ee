package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"flowdeck/app/s3remote"
)

// The command line's S3 settings and which S3 datastore it names; opening
// one is package s3remote's job.

// parseSize reads a size such as 2G, 500M, 64K or a byte count.
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(strings.ToUpper(s))
	s = strings.TrimSuffix(strings.TrimSuffix(s, "B"), "I")
	mul := int64(1)
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'K':
			mul = 1 << 10
		case 'M':
			mul = 1 << 20
		case 'G':
			mul = 1 << 30
		case 'T':
			mul = 1 << 40
		}
		if mul > 1 {
			s = s[:n-1]
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("bad size %q (want a number of bytes or 500M, 2G…)", s)
	}
	return int64(v * float64(mul)), nil
}

// s3Options are the command line's S3 settings.
func (cfg config) s3Options() (s3remote.Options, error) {
	o := s3remote.Options{Budget: cfg.s3Budget, Metadata: cfg.metadata}
	if cfg.s3Cache != "" {
		n, err := parseSize(cfg.s3Cache)
		if err != nil {
			return o, fmt.Errorf("--s3-cache-size: %w", err)
		}
		o.CacheSize = n
	}
	return o, nil
}

// s3FromConfig opens the S3 datastore the command line names: an s3://
// PATH, or with no PATH, Metaflow's own config when it names an S3
// datastore (docs/s3.md). It returns nil for a local datastore.
func s3FromConfig(ctx context.Context, cfg config, o s3remote.Options) (*s3remote.Store, error) {
	switch {
	case strings.HasPrefix(cfg.path, "s3://"):
		return s3remote.Open(ctx, cfg.path, o)
	case cfg.path == "" && cfg.cmd != "demo":
		// As in Metaflow: METAFLOW_DEFAULT_DATASTORE=s3 makes S3 the
		// datastore even where a local .metaflow exists.
		return s3remote.FromMetaflowConfig(ctx, o)
	case cfg.metadata != "":
		return nil, errors.New("--metadata joins a metadata folder to an s3:// datastore; a local datastore has its own")
	}
	return nil, nil
}
