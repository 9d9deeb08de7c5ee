package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"flowdeck/internal/mfsim"
	"flowdeck/internal/s3test"
)

// benchS3: a local S3 server (SeaweedFS, internal/s3test) holding a bucket
// prefix of 1,000 runs (200 with -quick), as Metaflow's S3 datastore
// would (no _meta, no latest_run):
//   - cold open of `flowdeck serve s3://…` in headless Chromium
//     (bench-open.mjs): process start → first run row, the first round
//     with an empty cache of finished runs;
//   - a live run PUT object by object (internal/s3test/cmd/s3live): end of
//     a card update's PUT → the dashboard tile showing it, at the default
//     1 s live poll, and the server's requests a minute
//     (bench-s3-live.mjs).
func benchS3(ctx context.Context, c *config, res *results, _ string) error {
	srv, err := s3test.Start(ctx)
	if err != nil {
		return err
	}
	defer srv.Close()
	const bucket = "bench"
	if err := srv.CreateBucket(ctx, bucket); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "flowdeck-bench-s3-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	defer setS3BenchEnv(srv.Endpoint, tmp)()
	runs, objects, err := uploadBulkRuns(ctx, c, srv, bucket, filepath.Join(tmp, "bulk", ".metaflow"))
	if err != nil {
		return err
	}
	if err := benchS3Open(ctx, c, res, bucket, runs, objects); err != nil {
		return err
	}
	return benchS3Live(ctx, c, res, srv.Endpoint, bucket, tmp)
}

// setS3BenchEnv points the process (and so the binaries it starts) at the
// test server with unsigned requests and a cache folder under tmp, empty of
// earlier runs. The returned function puts the environment back.
func setS3BenchEnv(endpoint, tmp string) (restore func()) {
	var undo []func()
	for k, v := range map[string]string{"AWS_ENDPOINT_URL": endpoint, "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_PROFILE": "", "AWS_CONFIG_FILE": filepath.Join(tmp, "none"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(tmp, "none"), "XDG_CACHE_HOME": filepath.Join(tmp, "cache")} {
		old, had := os.LookupEnv(k)
		os.Setenv(k, v)
		undo = append(undo, func() {
			if had {
				os.Setenv(k, old)
			} else {
				os.Unsetenv(k)
			}
		})
	}
	return func() {
		for _, u := range undo {
			u()
		}
	}
}

// uploadBulkRuns writes 1,000 finished runs (200 with -quick) at root and
// uploads them under bucket/mf as Metaflow's S3 datastore holds them.
func uploadBulkRuns(ctx context.Context, c *config, srv *s3test.Server, bucket, root string) (runs, objects int, err error) {
	runs = 1000
	if c.quick {
		runs = 200
	}
	t0 := time.Now()
	if err := mfsim.Bulk(ctx, root, mfsim.BulkOptions{Runs: runs, TasksPerRun: 4, Flows: 10, Lean: true}); err != nil {
		return 0, 0, err
	}
	keys, err := srv.UploadTree(ctx, bucket, "mf", root, s3test.NotInBucket)
	if err != nil {
		return 0, 0, err
	}
	c.logf("s3: %d runs, %d objects written and uploaded in %v", runs, len(keys), time.Since(t0).Round(time.Second))
	return runs, len(keys), nil
}

// benchS3Open times opening the bucket prefix: process start → first run
// row, the later rounds from the cache of finished runs.
func benchS3Open(ctx context.Context, c *config, res *results, bucket string, runs, objects int) error {
	rounds := "5"
	if c.quick {
		rounds = "3"
	}
	ld := startLoad()
	s, err := runOpen(ctx, c, res, "s3-open", "s3://"+bucket+"/mf", "BenchFlow00", rounds)
	if err != nil {
		return err
	}
	res.add(row{What: fmt.Sprintf("S3: open a bucket prefix of %s runs (%s objects): process start → first run row painted", commas(runs), commas(objects)),
		Measured: "`bench-open.mjs` on `serve s3://bench/mf` over SeaweedFS on loopback; the later rounds open from the cache of finished runs",
		Result:   s["spawn_to_row"].String(), Target: "first rows ≤ 1 s", Met: yesNo(s["spawn_to_row"].P50 <= 1000), Load: ld.String()})
	return nil
}

// benchS3Live runs bench-s3-live.mjs: a live run PUT object by object by
// s3live, timed from each card update's PUT to the dashboard tile.
func benchS3Live(ctx context.Context, c *config, res *results, endpoint, bucket, tmp string) error {
	bin, err := buildS3Live(ctx, c, tmp)
	if err != nil {
		return err
	}
	window := 40
	if c.quick {
		window = 20
	}
	out := filepath.Join(c.outDir, "s3-live.json")
	if err := runNode(ctx, c, "bench-s3-live.mjs", "--endpoint", endpoint, "--s3live", bin, "--bucket", bucket,
		"--window", strconv.Itoa(window), "--out", out); err != nil {
		return err
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	return reportS3Live(res, b, window)
}

// buildS3Live builds the live run's uploader (internal/s3test/cmd/s3live)
// into dir and returns its path.
func buildS3Live(ctx context.Context, c *config, dir string) (string, error) {
	bin := filepath.Join(dir, "s3live")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./internal/s3test/cmd/s3live")
	build.Dir = c.repo
	build.Stdout, build.Stderr = c.logWriter("  [build s3live] "), c.logWriter("  [build s3live] ")
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("build s3live: %w", err)
	}
	return bin, nil
}

// reportS3Live adds the live update latency and the request rate, from
// bench-s3-live.mjs's JSON b, to the results.
func reportS3Live(res *results, b []byte, window int) error {
	var j struct {
		Width   int `json:"width"`
		Puts    int `json:"puts"`
		Latency struct {
			N                  int
			P50, P95, P99, Max float64
		} `json:"latency"`
		Missed   int    `json:"missed"`
		Requests *int64 `json:"requests_per_min"`
		Load     string `json:"load"`
	}
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	res.detail("s3-live", json.RawMessage(b))
	l := j.Latency
	res.add(row{What: fmt.Sprintf("S3: live card update, PUT → tile on screen (%d tasks updating every second)", j.Width),
		Measured: fmt.Sprintf("`bench-s3-live.mjs`: s3live's end of each runtime data PUT → the dashboard tile showing that batch (MutationObserver), default 1 s live poll, %d s", window),
		Result:   fmt.Sprintf("p50 %s, p99 %s, max %s; %d of %d not seen", fmtMs(l.P50), fmtMs(l.P99), fmtMs(l.Max), j.Missed, j.Puts),
		Target:   "p50 ≤ 1.2 s, p99 ≤ 2 s", Met: yesNo(l.N > 0 && l.P50 <= 1200 && l.P99 <= 2000), Load: j.Load})
	reqs := "not reported"
	if j.Requests != nil {
		reqs = strconv.FormatInt(*j.Requests, 10)
	}
	res.add(row{What: fmt.Sprintf("S3: requests a minute of `serve` with one live run of %d tasks on screen", j.Width),
		Measured: "the status bar's requests of the last minute at the end of the window (lists, the GETs of what changed, and the page's card data)",
		Result:   reqs, Load: j.Load})
	return nil
}
