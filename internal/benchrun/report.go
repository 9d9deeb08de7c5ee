package main

import (
	"fmt"
	"math"
	"os"
	"strings"
)

const (
	markStart = "<!-- bench-summary:start (written by `make bench`; edit the sections below it by hand) -->"
	markEnd   = "<!-- bench-summary:end -->"
)

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// renderSummary is the Summary section of docs/benchmarks.md (and what
// `make bench` prints).
func renderSummary(res *results, c *config) string {
	var b strings.Builder
	m := res.Machine
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("## Summary\n\n")
	size := "full size"
	if res.Quick {
		size = "BENCH_QUICK=1: 200 runs, short windows; not the recorded numbers"
	}
	commit := m.Commit
	if m.Dirty {
		commit += " plus uncommitted changes"
	}
	w("`make bench` (%s), %s, commit %s, took %s.\n", size, res.When.UTC().Format("2006-01-02 15:04 MST"), commit, res.Duration)
	w("Machine: %s, %d cores, %.0f GB memory, Linux %s; %s, %s, Node %s. Load average (1, 5, 15 min) at the start %.2f, %.2f, %.2f; at the end %.2f (1 min). ",
		m.CPU, m.Cores, m.MemoryGB, m.Kernel, m.Go, m.Chromium, strings.TrimPrefix(m.Node, "v"), m.Load[0], m.Load[1], m.Load[2], res.LoadEnd)
	w("Each row gives the 1-minute load average before → after it.\n\n")
	if res.Datastore != "" {
		w("Datastore: `mfsim.Bulk` with %s runs × 100 tasks (10 flows; start → a 97-task foreach with a blank card on every task → join with a default card → end; every 10th run fails, every 7th retries a task), cached in `%s`. Live runs: `mfsim.Live` with a 300-task foreach whose cards all update every 100 ms.\n\n", commas(res.Runs), res.Datastore)
	}
	if len(res.Rows) > 0 {
		w("| what | result | target (docs/design.md) | met | load |\n|---|---|---|---|---|\n")
		for _, r := range res.Rows {
			met := r.Met
			if met == "" {
				met = "–"
			}
			w("| %s | %s | %s | %s | %s |\n", r.What, r.Result, r.Target, met, r.Load)
		}
		if s := res.Soak; s != nil {
			w("| Soak: %g min of the live 300-task run, UI open and following it | %s | memory flat, no leak (issue 7); read-only (docs/design.md) | %s | %s |\n",
				s.Minutes, soakLine(s), yesNo(s.OK), fmt.Sprintf("%.1f avg", avgLoad(s)))
		}
		w("\nHow each row is measured:\n\n")
		for _, r := range res.Rows {
			if r.Measured != "" {
				w("- *%s*: %s.\n", r.What, r.Measured)
			}
		}
		w("\n")
	}
	if s := res.Soak; s != nil {
		renderSoak(&b, s)
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

func avgLoad(s *soakResult) float64 {
	if len(s.Samples) == 0 {
		return math.NaN()
	}
	t := 0.0
	for _, x := range s.Samples {
		t += x.Load
	}
	return t / float64(len(s.Samples))
}

func soakLine(s *soakResult) string {
	return fmt.Sprintf("RSS %+.0f MB after warm-up (bound %.0f MB); goroutines %d → %d; every card final on screen: %s; index equals a fresh one: %s; datastore unchanged: %s",
		s.RSSEnd-s.RSSWarm, s.RSSBoundMB, s.GoroutinesPage, s.GoroutinesAfterRun, yesNo(s.FinalOK), yesNo(s.DumpEqual), yesNo(s.ReadOnlyOK))
}

func renderSoak(b *strings.Builder, s *soakResult) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("### Soak\n\n")
	w("`SOAK_MINUTES=%g go run ./internal/benchrun soak`: mfsim writes a run whose %d foreach tasks all run at once and update their blank card (markdown + progress bar) every 100 ms until the %g minutes are up, then end with final cards, a join with a default card and an end step; %s writes in all over %.0f s (≈ %.0f/s; the writer shares the two cores with Flowdeck and Chromium, and sleeps 100 ms after each write, so it stays below the nominal 3,000/s). A short first run of the same flow comes before it; both are `mfsim.Live`, the soak run with `Until`, so its tasks' updates are bounded by time instead of by count. `flowdeck serve` runs on the datastore with headless Chromium open on the flow's run list with *Follow* ticked; the page follows the new run, then opens four of its cards in turn (30 s each, native view) until the run ends.\n\n",
		s.Minutes, s.Width, s.Minutes, commas(int(s.Writes)), s.LiveSeconds, float64(s.Writes)/math.Max(1, s.LiveSeconds))
	w("| check | result | pass |\n|---|---|---|\n")
	w("| memory flat | RSS %.0f MB after the %.0f s warm-up, %.0f MB at the end of the run (%+.0f MB; bound: ≤ %.0f MB growth), slope %+.2f MB/min, max %.0f MB; heap in use %.0f → %.0f MB; live heap after GC %.1f MB before the run, %.1f MB after | %s |\n",
		s.RSSWarm, s.WarmupS, s.RSSEnd, s.RSSEnd-s.RSSWarm, s.RSSBoundMB, s.RSSSlope, s.RSSMax, s.HeapWarm, s.HeapEnd, s.HeapGCStart, s.HeapGCEnd, yesNo(s.MemoryOK))
	w("| no goroutine leak | %d with no page, %d with the page open before the run, peak %d, %d after the run (page open, idle), %d after the page closed (bound: back within 5 of the levels before) | %s |\n",
		s.GoroutinesNoPage, s.GoroutinesPage, s.GoroutinesPeak, s.GoroutinesAfterRun, s.GoroutinesPageShut, yesNo(s.GoroutinesOK))
	w("| every card final on screen | UI: %d of %d cards shown final in the card lists of %d task views (each task opened by deep link); %d of %d card panes shown final with the task's last progress value (%s); API: %d of %d final | %s |\n",
		s.UIFinal, s.UICards, s.UITasks, s.PanesOK, len(s.Panes), lastValues(s), s.APIFinal, s.APICards, yesNo(s.FinalOK))
	w("| final index = fresh index | `GET /api/debug/dump` of the live-updated index vs `datastore.Open(...).Dump` of the same tree: %d bytes, equal: %s%s | %s |\n",
		s.DumpBytes, yesNo(s.DumpEqual), diffNote(s.DumpDiff), yesNo(s.DumpEqual))
	w("| nothing written by Flowdeck | sha256 of the tree (%d files, %.1f MB) when the writer finished `%s`, after %.0f s more of browsing `%s`; files the writer did not report (mfsim `OnWrite`): %d; folders holding none of its files: %d | %s |\n",
		s.Files, float64(s.Bytes)/(1<<20), short(s.Hash1), s.BrowseAfterS, short(s.Hash2), len(s.UnexpectedFiles), len(s.UnexpectedDirs), yesNo(s.ReadOnlyOK))
	w("| live while soaking | the page had followed the new run %.0f ms after the orchestrator started looking for it; %s; serve CPU %.0f %% of one core on average; %d event streams opened by the page; %d page errors | – |\n\n",
		s.FollowMs, s.BrowseLive, s.CPUAvg, s.EventStreams, len(s.PageErrors))
	if len(s.Errors) > 0 {
		w("Errors: %s\n\n", strings.Join(s.Errors, "; "))
	}
	w("RSS over time (samples every 5 s; minute marks):\n\n| t | RSS | heap in use | goroutines | serve CPU | writes/s | load |\n|---|---:|---:|---:|---:|---:|---:|\n")
	lastMin := -1
	var prev *soakSample
	for i := range s.Samples {
		x := s.Samples[i]
		mi := int(math.Floor(x.T / 60))
		if x.Phase != "live" || mi == lastMin {
			if x.Phase != "live" && (i == len(s.Samples)-1 || s.Samples[i+1].Phase != x.Phase) {
				w("| %s (%s) | %.0f MB | %.0f MB | %d | %.0f %% | – | %.1f |\n", fmtT(x.T), x.Phase, x.RSS, x.Heap, x.Goroutines, x.CPU, x.Load)
			}
			prev = &s.Samples[i]
			continue
		}
		lastMin = mi
		wps := 0.0
		if prev != nil && x.T > prev.T {
			wps = float64(x.Writes-prev.Writes) / (x.T - prev.T)
		}
		w("| %s | %.0f MB | %.0f MB | %d | %.0f %% | %.0f | %.1f |\n", fmtT(x.T), x.RSS, x.Heap, x.Goroutines, x.CPU, wps, x.Load)
		prev = &s.Samples[i]
	}
	w("\n")
}

func fmtT(t float64) string {
	return fmt.Sprintf("%d:%02d", int(t)/60, int(t)%60)
}

func diffNote(d string) string {
	if d == "" {
		return ""
	}
	return " (first difference: " + d + ")"
}

// writeDocs replaces the Summary section at the top of docs/benchmarks.md
// (between the markers; inserted after the title the first time) and
// keeps everything else.
func writeDocs(path, summary string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	doc := string(b)
	block := markStart + "\n" + summary + markEnd + "\n"
	if i := strings.Index(doc, markStart); i >= 0 {
		j := strings.Index(doc, markEnd)
		if j < i {
			return fmt.Errorf("%s: summary start marker without end marker", path)
		}
		doc = doc[:i] + block + strings.TrimPrefix(doc[j+len(markEnd):], "\n")
	} else {
		nl := strings.Index(doc, "\n")
		if !strings.HasPrefix(doc, "# ") || nl < 0 {
			return fmt.Errorf("%s does not start with a title", path)
		}
		doc = doc[:nl+1] + "\n" + block + "\n" + strings.TrimLeft(doc[nl+1:], "\n")
	}
	return os.WriteFile(path, []byte(doc), 0o644)
}

func lastValues(s *soakResult) string {
	var parts []string
	for _, k := range s.LastUpdates {
		parts = append(parts, fmt.Sprintf("`%d/%d`", k, s.Updates))
	}
	parts = append(parts, "and the join's default card")
	return strings.Join(parts, ", ")
}
