package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"flowdeck/datastore"
	"flowdeck/internal/mfsim"
)

type soakSample struct {
	T          float64 `json:"t_s"` // since the live run started (negative before)
	RSS        float64 `json:"rss_mb"`
	Heap       float64 `json:"heap_inuse_mb"`
	Goroutines int     `json:"goroutines"`
	CPU        float64 `json:"cpu_percent"` // since the previous sample
	Writes     int64   `json:"writes"`
	Load       float64 `json:"load"`
	Phase      string  `json:"phase"`
}

type soakResult struct {
	Minutes     float64      `json:"minutes"`
	Width       int          `json:"width"`
	Updates     int          `json:"updates_planned"` // per task at 100 ms; the run ends at its deadline
	LastUpdates []int        `json:"last_updates"`    // the progress values the panes must show
	Run         string       `json:"run"`
	Writes      int64        `json:"writes"`
	LiveSeconds float64      `json:"live_seconds"`
	Samples     []soakSample `json:"samples"`

	WarmupS     float64 `json:"warmup_s"`
	RSSWarm     float64 `json:"rss_warm_mb"`
	RSSEnd      float64 `json:"rss_end_mb"`
	RSSMax      float64 `json:"rss_max_mb"`
	RSSSlope    float64 `json:"rss_slope_mb_per_min"`
	HeapWarm    float64 `json:"heap_warm_mb"`
	HeapEnd     float64 `json:"heap_end_mb"`
	RSSBoundMB  float64 `json:"rss_bound_mb"`
	MemoryOK    bool    `json:"memory_ok"`
	CPUAvg      float64 `json:"cpu_avg_percent"`
	HeapGCStart float64 `json:"heap_after_gc_start_mb"`
	HeapGCEnd   float64 `json:"heap_after_gc_end_mb"`

	GoroutinesNoPage   int              `json:"goroutines_no_page"`
	GoroutinesPage     int              `json:"goroutines_page_open"`
	GoroutinesPeak     int              `json:"goroutines_peak"`
	GoroutinesAfterRun int              `json:"goroutines_after_run"`
	GoroutinesPageShut int              `json:"goroutines_page_closed"`
	GoroutinesOK       bool             `json:"goroutines_ok"`
	EventStreams       int              `json:"event_streams_opened"`
	FollowMs           float64          `json:"follow_ms"`
	BrowseVisits       []map[string]any `json:"browse_visits"`
	BrowseLive         string           `json:"browse_live"`

	APICards   int      `json:"api_cards"`
	APIFinal   int      `json:"api_final"`
	UITasks    int      `json:"ui_tasks"`
	UICards    int      `json:"ui_cards"`
	UIFinal    int      `json:"ui_final"`
	UINotFinal []any    `json:"ui_not_final"`
	Panes      []any    `json:"panes"`
	PanesOK    int      `json:"panes_ok"`
	FinalOK    bool     `json:"final_ok"`
	VerifyMs   float64  `json:"verify_ms"`
	PageErrors []string `json:"page_errors"`

	DumpBytes int    `json:"dump_bytes"`
	DumpEqual bool   `json:"dump_equal"`
	DumpDiff  string `json:"dump_diff,omitempty"`

	Hash1           string   `json:"hash_after_writer"`
	Hash2           string   `json:"hash_after_browsing"`
	Files           int      `json:"files"`
	Bytes           int64    `json:"bytes"`
	WrittenPaths    int      `json:"written_paths"`
	UnexpectedFiles []string `json:"unexpected_files"`
	UnexpectedDirs  []string `json:"unexpected_dirs"`
	ReadOnlyOK      bool     `json:"read_only_ok"`
	BrowseAfterS    float64  `json:"browse_after_hash_s"`

	Errors []string `json:"errors"`
	OK     bool     `json:"ok"`
}

const soakFlow = "SoakFlow"

// soakRun is what the phases of one soak share: the serve process, the
// page's driver, what the writer wrote, and the live run's progress.
type soakRun struct {
	c         *config
	r         *soakResult
	root      string
	keep      bool // keep the datastore for inspection (the soak failed)
	srv       *serveProc
	drv       *nodeScript
	drvClosed bool

	wmu     sync.Mutex
	written map[string]bool
	writes  atomic.Int64

	smu       sync.Mutex // r.Samples, liveStart and phase
	liveStart time.Time
	phase     string

	lmu   sync.Mutex
	lastK map[string]int // each task's last progress value

	runPath       string
	d             runDetail
	browse, panes []map[string]any
	liveEnd       time.Time
	hashAt        time.Time
}

// runSoak: the live 300-task run (cards updating every 100 ms) for
// c.soakMinutes with `flowdeck serve` and headless Chromium open on it.
func runSoak(ctx context.Context, c *config) (*soakResult, error) {
	r := &soakResult{Minutes: c.soakMinutes, Width: 300, Updates: int(math.Round(c.soakMinutes * 60 * 10))}
	r.WarmupS = 120
	if c.soakMinutes < 5 {
		r.WarmupS = 30
	}
	r.RSSBoundMB = 25
	c.logf("== soak: %g min, %d tasks x %d updates (load %.2f)", r.Minutes, r.Width, r.Updates, loadavg())
	tmp, err := os.MkdirTemp("", "flowdeck-soak-")
	if err != nil {
		return r, err
	}
	sk := &soakRun{c: c, r: r, root: filepath.Join(tmp, ".metaflow"), keep: true,
		written: map[string]bool{}, phase: "before", lastK: map[string]int{}}
	defer func() {
		if !sk.keep {
			os.RemoveAll(tmp)
		} else {
			c.logf("soak datastore kept for inspection: %s", tmp)
		}
	}()

	// A short first run, so that the flow exists and the page can follow it.
	if err := mfsim.Live(ctx, sk.root, mfsim.LiveOptions{Options: mfsim.Options{OnWrite: sk.onWrite}, Flow: soakFlow,
		Interval: 50 * time.Millisecond, SkipTrain: true, Width: 4, TaskUpdates: 3}); err != nil {
		return r, fmt.Errorf("first run: %w", err)
	}
	sk.srv, err = startServe(ctx, c.bin, sk.root)
	if err != nil {
		return r, err
	}
	defer sk.srv.stop()
	defer sk.closePage()
	if err := sk.openPage(ctx); err != nil {
		return r, err
	}

	// Sample the process every 5 s from here to the end.
	sctx, stopSampler := context.WithCancel(ctx)
	defer stopSampler()
	samplerDone := make(chan struct{})
	go func() {
		defer close(samplerDone)
		sk.sample(sctx)
	}()

	if err := sk.live(ctx); err != nil {
		return r, err
	}
	sk.settle(ctx)
	if err := sk.verify(ctx); err != nil {
		return r, err
	}
	if err := sk.compareIndex(ctx); err != nil {
		return r, err
	}
	if err := sk.readOnly(); err != nil {
		return r, err
	}
	stopSampler()
	<-samplerDone
	sk.srv.stop()
	return r, sk.finish()
}

// onWrite records a path the writer wrote (mfsim.Options.OnWrite).
func (sk *soakRun) onWrite(rel string) {
	sk.writes.Add(1)
	sk.wmu.Lock()
	sk.written[filepath.ToSlash(rel)] = true
	sk.wmu.Unlock()
}

func (sk *soakRun) setPhase(p string) {
	sk.smu.Lock()
	sk.phase = p
	sk.smu.Unlock()
}

// openPage waits for the first run to be indexed, then opens the flow's
// page, has it follow new runs, and notes the goroutines before and after.
func (sk *soakRun) openPage(ctx context.Context) error {
	r, srv := sk.r, sk.srv
	if _, _, err := srv.waitIndexed(ctx, time.Minute); err != nil {
		return err
	}
	time.Sleep(2 * time.Second)
	rt, err := srv.runtime(true)
	if err != nil {
		return fmt.Errorf("%w (is /api/debug/runtime in this binary? run scripts/build.sh)", err)
	}
	r.GoroutinesNoPage = rt.Goroutines

	sk.drv, err = openPage(ctx, sk.c, srv.url, "#/flows/"+soakFlow, `[data-testid="list-runs"] [data-testid^="run-"]`)
	if err != nil {
		return err
	}
	sk.drv.send(map[string]any{"cmd": "follow"})
	if _, err := sk.drv.wait(ctx, "following", time.Minute); err != nil {
		return err
	}
	time.Sleep(3 * time.Second)
	rt, _ = srv.runtime(true)
	r.GoroutinesPage = rt.Goroutines
	r.HeapGCStart = mb(int64(rt.HeapAlloc))
	return nil
}

func (sk *soakRun) closePage() {
	if sk.drv != nil && !sk.drvClosed {
		sk.drv.close()
		sk.drvClosed = true
	}
}

// sample adds a sample of the serve process to r.Samples every 5 s until
// ctx is done.
func (sk *soakRun) sample(ctx context.Context) {
	r, srv := sk.r, sk.srv
	lastCPU, lastT := cpuSeconds(srv.pid), time.Now()
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		cur, _ := rss(srv.pid)
		rt, _ := srv.runtime(false)
		cpu, now := cpuSeconds(srv.pid), time.Now()
		sk.smu.Lock()
		t := 0.0
		if !sk.liveStart.IsZero() {
			t = now.Sub(sk.liveStart).Seconds()
		}
		r.Samples = append(r.Samples, soakSample{T: math.Round(t*10) / 10, RSS: mb(cur), Heap: mb(int64(rt.HeapInuse)), Goroutines: rt.Goroutines,
			CPU: 100 * (cpu - lastCPU) / now.Sub(lastT).Seconds(), Writes: sk.writes.Load(), Load: loadavg(), Phase: sk.phase})
		sk.smu.Unlock()
		lastCPU, lastT = cpu, now
	}
}

// live runs the soak's live run to its end, with the page following it and
// browsing a few of its cards.
func (sk *soakRun) live(ctx context.Context) error {
	r, c := sk.r, sk.c
	runID := make(chan string, 1)
	liveErr := make(chan error, 1)
	lctx, cancelLive := context.WithCancel(ctx)
	defer cancelLive()
	sk.smu.Lock()
	sk.liveStart = time.Now()
	sk.phase = "live"
	sk.smu.Unlock()
	until := sk.liveStart.Add(time.Duration(c.soakMinutes * float64(time.Minute)))
	go func() {
		// Every foreach task at once, each updating its card until the
		// soak's end (or r.Updates times, on a fast machine).
		liveErr <- mfsim.Live(lctx, sk.root, mfsim.LiveOptions{
			Options: mfsim.Options{OnWrite: sk.onWrite}, Flow: soakFlow, SkipTrain: true, NoRetry: true,
			Width: r.Width, MaxWorkers: r.Width, TaskUpdates: r.Updates, Interval: 100 * time.Millisecond,
			Until:      until,
			OnRun:      func(run *mfsim.Run) { runID <- run.ID() },
			OnTaskDone: func(task string, k int) { sk.lmu.Lock(); sk.lastK[task] = k; sk.lmu.Unlock() },
		})
	}()
	select {
	case r.Run = <-runID:
	case err := <-liveErr:
		return fmt.Errorf("live run: %v", err)
	}
	if err := sk.followAndBrowse(ctx); err != nil {
		return err
	}

	// The run writes for c.soakMinutes; report every minute.
	minute := time.NewTicker(time.Minute)
	defer minute.Stop()
	for {
		select {
		case err := <-liveErr:
			if err != nil {
				return fmt.Errorf("live run: %v", err)
			}
			sk.liveEnd = time.Now()
			r.LiveSeconds = sk.liveEnd.Sub(sk.liveStart).Seconds()
			sk.setPhase("settle")
			c.logf("  the live run ended after %s; %d writes", sk.liveEnd.Sub(sk.liveStart).Round(time.Second), sk.writes.Load())
			return nil
		case <-minute.C:
			sk.smu.Lock()
			s := r.Samples[len(r.Samples)-1]
			sk.smu.Unlock()
			c.logf("  soak %s: RSS %.0f MB, heap %.0f MB, %d goroutines, CPU %.0f %%, %d writes, load %.1f",
				time.Since(sk.liveStart).Round(time.Second), s.RSS, s.Heap, s.Goroutines, s.CPU, s.Writes, s.Load)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// followAndBrowse checks that the page followed the new run, then, once
// every task has its card, browses a few cards, 30 s each, round after
// round.
func (sk *soakRun) followAndBrowse(ctx context.Context) error {
	r, c, drv := sk.r, sk.c, sk.drv
	sk.runPath = fmt.Sprintf("/api/runs/%s/%s?limit=5000", soakFlow, r.Run)
	drv.send(map[string]any{"cmd": "wait", "selector": fmt.Sprintf(`[data-testid="run-view"][data-run="%s"]`, r.Run), "timeout": 60000})
	if m, err := drv.wait(ctx, "found", 2*time.Minute); err != nil {
		r.Errors = append(r.Errors, "the page did not follow the new run: "+err.Error())
	} else {
		r.FollowMs, _ = m["ms"].(float64)
		c.logf("  the page followed run %s (%.0f ms after it was looked for)", r.Run, r.FollowMs)
	}
	d, err := waitCards(sk.srv, sk.runPath, r.Width, 500*time.Millisecond)
	if err != nil {
		return err
	}
	sk.d = d
	proc := d.step("process")
	for _, i := range []int{0, r.Width / 3, r.Width / 2, r.Width - 1} {
		t := proc.Tasks[i]
		h := cardHash(soakFlow, r.Run, "process", t.ID, t.Cards[0].Key)
		sk.browse = append(sk.browse, map[string]any{"hash": h, "key": t.Cards[0].Key})
		sk.panes = append(sk.panes, map[string]any{"hash": h, "key": t.Cards[0].Key, "task": t.ID})
	}
	drv.send(map[string]any{"cmd": "browse", "cards": sk.browse, "dwell_ms": 30000})
	if _, err := drv.wait(ctx, "browsing", time.Minute); err != nil {
		return err
	}
	return nil
}

// settle waits (2 min at most) for the index to say the run succeeded with
// every card final (API), then stops browsing and sums up what the open
// card panes saw.
func (sk *soakRun) settle(ctx context.Context) {
	r, d := sk.r, sk.d
	for deadline := time.Now().Add(2 * time.Minute); ; {
		var dd runDetail
		if err := sk.srv.get(sk.runPath, &dd); err == nil {
			cards, final := 0, 0
			for _, s := range dd.Steps {
				for _, t := range s.Tasks {
					for _, cd := range t.Cards {
						cards++
						if cd.Final {
							final++
						}
					}
				}
			}
			r.APICards, r.APIFinal, d = cards, final, dd
			if dd.Status == "succeeded" && cards == final && cards > r.Width {
				break
			}
		}
		if time.Now().After(deadline) {
			r.Errors = append(r.Errors, fmt.Sprintf("API after 2 min: run %s, %d of %d cards final", d.Status, r.APIFinal, r.APICards))
			break
		}
		time.Sleep(time.Second)
	}
	sk.d = d
	sk.drv.send(map[string]any{"cmd": "stop-browse"})
	if m, err := sk.drv.wait(ctx, "browse", 2*time.Minute); err == nil {
		visits, _ := m["visits"].([]any)
		var versions []float64
		for _, v := range visits {
			vm, _ := v.(map[string]any)
			r.BrowseVisits = append(r.BrowseVisits, vm)
			if vm["state"] == "live" {
				versions = append(versions, num(vm["versions"]))
			}
		}
		perCard := float64(sk.writes.Load()) / float64(r.Width) / r.LiveSeconds * 30
		r.BrowseLive = fmt.Sprintf("an open card pane applied a median of %.0f new data versions per 30 s visit (%d live visits) while its card was written ≈ %.0f times (a value replaced before the page fetched it is skipped, never shown late)",
			median(versions), len(versions), perCard)
	}
}

// verify hashes the datastore now that the writer is done (readOnly
// hashes it again), then has the page visit every task and card: every
// card final, each pane with its task's last progress value.
func (sk *soakRun) verify(ctx context.Context) error {
	r, c, d, panes := sk.r, sk.c, sk.d, sk.panes
	sk.wmu.Lock()
	r.WrittenPaths = len(sk.written)
	sk.wmu.Unlock()
	h1, err := hashTree(sk.root)
	if err != nil {
		return err
	}
	r.Hash1, r.Files, r.Bytes = h1.sum, len(h1.files), h1.bytes
	sk.setPhase("verify")
	sk.hashAt = time.Now()

	var tasks []map[string]any
	for _, s := range d.Steps {
		for _, t := range s.Tasks {
			if len(t.Cards) == 0 {
				continue
			}
			keys := []string{}
			for _, cd := range t.Cards {
				keys = append(keys, cd.Key)
			}
			tasks = append(tasks, map[string]any{"hash": fmt.Sprintf("#/flows/%s/runs/%s/steps/%s/tasks/%s", soakFlow, r.Run, s.Name, t.ID), "task": t.ID, "keys": keys})
		}
	}
	// Each pane must show its task's last progress value.
	sk.lmu.Lock()
	for _, p := range panes {
		if id, ok := p["task"].(string); ok {
			p["progress"] = fmt.Sprintf("%d/%d", sk.lastK[id], r.Updates)
			r.LastUpdates = append(r.LastUpdates, sk.lastK[id])
		}
	}
	sk.lmu.Unlock()
	if j := d.step("join"); j != nil && len(j.Tasks) > 0 && len(j.Tasks[0].Cards) > 0 {
		t := j.Tasks[0]
		panes = append(panes, map[string]any{"hash": cardHash(soakFlow, r.Run, "join", t.ID, t.Cards[0].Key), "key": t.Cards[0].Key})
	}
	sk.drv.send(map[string]any{"cmd": "verify", "tasks": tasks, "panes": panes})
	m, err := sk.drv.wait(ctx, "verify", 15*time.Minute)
	if err != nil {
		return err
	}
	r.UITasks = int(num(m["tasks"]))
	r.UICards = int(num(m["cards"]))
	r.UIFinal = int(num(m["final"]))
	r.UINotFinal, _ = m["not_final"].([]any)
	r.Panes, _ = m["panes"].([]any)
	r.VerifyMs = num(m["ms"])
	for _, p := range r.Panes {
		if pm, _ := p.(map[string]any); pm["ok"] == true {
			r.PanesOK++
		}
	}
	r.FinalOK = r.UICards > r.Width && r.UIFinal == r.UICards && r.PanesOK == len(r.Panes) && r.APIFinal == r.APICards
	c.logf("  on screen: %d of %d cards final in %d task views; %d of %d card panes final with their last values (%s)",
		r.UIFinal, r.UICards, r.UITasks, r.PanesOK, len(r.Panes), fmtMs(r.VerifyMs))
	return nil
}

// compareIndex browses a little more, counts goroutines with the page open
// and nothing changing, compares the live-updated index with a fresh index
// of the same tree, collects the page's errors, and closes the page.
func (sk *soakRun) compareIndex(ctx context.Context) error {
	r, c, srv, drv := sk.r, sk.c, sk.srv, sk.drv
	// Keep browsing a little: the first run's cards, then the cards above again.
	drv.send(map[string]any{"cmd": "browse", "cards": sk.browse, "dwell_ms": 5000})
	drv.wait(ctx, "browsing", time.Minute)
	time.Sleep(25 * time.Second)
	drv.send(map[string]any{"cmd": "stop-browse"})
	drv.wait(ctx, "browse", time.Minute)

	// Goroutines with the page still open and nothing changing.
	time.Sleep(10 * time.Second)
	rt, _ := srv.runtime(true)
	r.GoroutinesAfterRun = rt.Goroutines
	r.HeapGCEnd = mb(int64(rt.HeapAlloc))

	// The live-updated index equals a fresh index of the same tree.
	served, err := srv.getRaw("/api/debug/dump")
	if err != nil {
		return err
	}
	fresh, err := freshDump(ctx, sk.root)
	if err != nil {
		return err
	}
	r.DumpBytes = len(fresh)
	r.DumpEqual = bytes.Equal(served, fresh)
	if !r.DumpEqual {
		r.DumpDiff = firstDiff(served, fresh)
		os.WriteFile(filepath.Join(c.outDir, "soak-dump-served.json"), served, 0o644)
		os.WriteFile(filepath.Join(c.outDir, "soak-dump-fresh.json"), fresh, 0o644)
	}
	c.logf("  index dump: %d bytes, equal to a fresh index: %v", len(fresh), r.DumpEqual)

	drv.send(map[string]any{"cmd": "errors"})
	if m, err := drv.wait(ctx, "errors", time.Minute); err == nil {
		for _, e := range m["list"].([]any) {
			r.PageErrors = append(r.PageErrors, fmt.Sprint(e))
		}
		r.EventStreams = int(num(m["event_streams"]))
	}
	sk.closePage()
	time.Sleep(5 * time.Second)
	rt, _ = srv.runtime(true)
	r.GoroutinesPageShut = rt.Goroutines
	return nil
}

// readOnly: nothing in the datastore was written by Flowdeck. The tree
// hashes as it did after the writer, and holds nothing the writer did not
// write.
func (sk *soakRun) readOnly() error {
	r := sk.r
	h2, err := hashTree(sk.root)
	if err != nil {
		return err
	}
	r.Hash2 = h2.sum
	r.BrowseAfterS = time.Since(sk.hashAt).Seconds()
	sk.wmu.Lock()
	r.UnexpectedFiles, r.UnexpectedDirs = unexpected(h2, sk.written)
	sk.wmu.Unlock()
	r.ReadOnlyOK = r.Hash1 == r.Hash2 && len(r.UnexpectedFiles) == 0 && len(r.UnexpectedDirs) == 0
	sk.c.logf("  tree: %d files, %d bytes; sha256 %s after the writer, %s after %.0f s of browsing; %d files and %d folders the writer did not write",
		r.Files, r.Bytes, short(r.Hash1), short(r.Hash2), r.BrowseAfterS, len(r.UnexpectedFiles), len(r.UnexpectedDirs))
	return nil
}

// finish sums the soak up: memory, goroutine peak and leak check, and the
// verdict. The datastore is kept when the soak failed.
func (sk *soakRun) finish() error {
	r := sk.r
	r.summarizeMemory(sk.liveEnd.Sub(sk.liveStart).Seconds())
	for _, s := range r.Samples {
		r.GoroutinesPeak = max(r.GoroutinesPeak, s.Goroutines)
	}
	// Leak check: back to the level with the page open before the run
	// (a few goroutines of slack for timers and idle HTTP connections).
	r.GoroutinesOK = r.GoroutinesAfterRun <= r.GoroutinesPage+5 && r.GoroutinesPageShut <= r.GoroutinesNoPage+5
	r.Writes = sk.writes.Load()
	r.OK = r.MemoryOK && r.GoroutinesOK && r.FinalOK && r.DumpEqual && r.ReadOnlyOK && len(r.Errors) == 0
	sk.keep = !r.OK
	if !r.OK {
		return fmt.Errorf("soak failed: memory %v, goroutines %v, final on screen %v, index equal %v, read-only %v, errors %v",
			r.MemoryOK, r.GoroutinesOK, r.FinalOK, r.DumpEqual, r.ReadOnlyOK, r.Errors)
	}
	return nil
}

func num(v any) float64 { f, _ := v.(float64); return f }

func short(h string) string {
	if len(h) > 16 {
		return h[:16]
	}
	return h
}

// summarizeMemory: RSS and heap after the warm-up vs the end of the live
// run (medians of 30 s windows), the slope over that span, and the bound.
func (r *soakResult) summarizeMemory(liveS float64) {
	window := func(from, to float64, f func(soakSample) float64) float64 {
		var xs []float64
		for _, s := range r.Samples {
			if s.Phase == "live" && s.T >= from && s.T <= to {
				xs = append(xs, f(s))
			}
		}
		return median(xs)
	}
	rssF := func(s soakSample) float64 { return s.RSS }
	heapF := func(s soakSample) float64 { return s.Heap }
	r.RSSWarm = window(r.WarmupS, r.WarmupS+30, rssF)
	r.RSSEnd = window(liveS-30, liveS, rssF)
	r.HeapWarm = window(r.WarmupS, r.WarmupS+30, heapF)
	r.HeapEnd = window(liveS-30, liveS, heapF)
	var xs, ys []float64
	cpu := 0.0
	n := 0
	for _, s := range r.Samples {
		r.RSSMax = math.Max(r.RSSMax, s.RSS)
		if s.Phase == "live" {
			cpu += s.CPU
			n++
			if s.T >= r.WarmupS {
				xs = append(xs, s.T/60)
				ys = append(ys, s.RSS)
			}
		}
	}
	if n > 0 {
		r.CPUAvg = cpu / float64(n)
	}
	r.RSSSlope = slope(xs, ys)
	r.MemoryOK = !math.IsNaN(r.RSSWarm) && !math.IsNaN(r.RSSEnd) && r.RSSEnd-r.RSSWarm <= r.RSSBoundMB
}

func slope(xs, ys []float64) float64 {
	if len(xs) < 2 {
		return math.NaN()
	}
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx /= float64(len(xs))
	my /= float64(len(ys))
	var num, den float64
	for i := range xs {
		num += (xs[i] - mx) * (ys[i] - my)
		den += (xs[i] - mx) * (xs[i] - mx)
	}
	if den == 0 {
		return math.NaN()
	}
	return num / den
}

// freshDump opens the tree in a new index (this process) and dumps it.
func freshDump(ctx context.Context, root string) ([]byte, error) {
	loc, err := datastore.Discover(root)
	if err != nil {
		return nil, err
	}
	ix, err := datastore.Open(ctx, loc, datastore.Options{})
	if err != nil {
		return nil, err
	}
	return ix.Dump(ctx)
}

func firstDiff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			from := max(0, i-3)
			return fmt.Sprintf("line %d: served %q, fresh %q (context: %q)", i+1, la[i], lb[i], strings.Join(la[from:i], " | "))
		}
	}
	return fmt.Sprintf("lengths differ: %d vs %d lines", len(la), len(lb))
}

type treeHash struct {
	sum   string
	files []string
	dirs  []string
	bytes int64
}

// hashTree hashes every entry under root: kind, path, mode, size and the
// content of every file (sha256 over the sorted listing).
func hashTree(root string) (treeHash, error) {
	var th treeHash
	h := sha256.New()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			if rel != "." {
				th.dirs = append(th.dirs, rel)
			}
			fmt.Fprintf(h, "d %s %o\n", rel, info.Mode())
		case d.Type()&fs.ModeSymlink != 0:
			t, _ := os.Readlink(p)
			fmt.Fprintf(h, "l %s %s\n", rel, t)
			th.files = append(th.files, rel)
		default:
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			fh := sha256.New()
			n, err := io.Copy(fh, f)
			f.Close()
			if err != nil {
				return err
			}
			th.bytes += n
			th.files = append(th.files, rel)
			fmt.Fprintf(h, "f %s %o %d %x\n", rel, info.Mode(), n, fh.Sum(nil))
		}
		return nil
	})
	th.sum = hex.EncodeToString(h.Sum(nil))
	return th, err
}

// unexpected lists the files the writer never reported and the folders
// that hold none of its files.
func unexpected(th treeHash, written map[string]bool) (files, dirs []string) {
	parents := map[string]bool{}
	for p := range written {
		for d := filepath.ToSlash(filepath.Dir(p)); d != "." && d != "/" && !parents[d]; d = filepath.ToSlash(filepath.Dir(d)) {
			parents[d] = true
		}
	}
	for _, f := range th.files {
		if !written[f] {
			files = append(files, f)
		}
	}
	for _, d := range th.dirs {
		if !parents[d] {
			dirs = append(dirs, d)
		}
	}
	sort.Strings(files)
	sort.Strings(dirs)
	if len(files) > 50 {
		files = append(files[:50], fmt.Sprintf("… %d more", len(files)-50))
	}
	if len(dirs) > 50 {
		dirs = append(dirs[:50], fmt.Sprintf("… %d more", len(dirs)-50))
	}
	return files, dirs
}
