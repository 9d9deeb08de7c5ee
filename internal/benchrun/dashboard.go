package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"time"
)

// benchDashboard: frontend/e2e/bench-dashboard.mjs (the foreach dashboard
// of a live 1,000-task foreach whose cards all write every second: rename →
// tile on screen, and the page's frames per second). It exits 1 when the
// p99 misses the target; the numbers are read from its artifact either way.
func benchDashboard(ctx context.Context, c *config, res *results, _ string) error {
	window := 20
	if c.quick {
		window = 15
	}
	t0 := time.Now()
	err := runNode(ctx, c, "bench-dashboard.mjs", "--tasks", "1000", "--window", strconv.Itoa(window))
	b, rerr := readFresh(filepath.Join(c.repo, "frontend", "e2e", "artifacts", "bench-dashboard.json"), t0)
	if rerr != nil {
		if err != nil {
			return err
		}
		return rerr
	}
	var j struct {
		Tasks         int     `json:"tasks"`
		WindowS       float64 `json:"window_s"`
		TilesOnScreen int     `json:"tiles_on_screen"`
		WritesPerS    float64 `json:"writes_per_s"`
		Latency       struct {
			N                  int
			P50, P95, P99, Max float64
		} `json:"latency"`
		Missed int     `json:"missed"`
		FPS    float64 `json:"fps"`
		Load   string  `json:"load"`
	}
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	res.detail("dashboard", json.RawMessage(b))
	l := j.Latency
	res.add(row{What: fmt.Sprintf("Foreach dashboard, %s live tasks: data JSON rename → tile on screen; frames per second", commas(j.Tasks)),
		Measured: fmt.Sprintf("`bench-dashboard.mjs`: every task writes once a second (%.0f writes/s), %d tiles on screen, %.0f s; MutationObserver and requestAnimationFrame in the page", j.WritesPerS, j.TilesOnScreen, j.WindowS),
		Result: fmt.Sprintf("p50 %s, p95 %s, p99 %s, max %s; %d of %d not seen; %.1f frames/s", fmtMs(l.P50), fmtMs(l.P95), fmtMs(l.P99), fmtMs(l.Max),
			j.Missed, l.N+j.Missed, j.FPS),
		Target: "p99 ≤ 150 ms", Met: yesNo(l.N > 0 && l.P99 <= 150), Load: j.Load})
	return nil
}
