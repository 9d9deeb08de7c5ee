//go:build windowtest

package windowtest

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"flowdeck/internal/fixture"
)

// Issue 4: in the window, the live change stream can travel as SSE
// (GET /api/events through Wails' AssetServer, the default) or as Wails
// events (Go's EventsEmit -> evaluate_javascript in the page). This test
// runs the real binary under Xvfb once per transport (FLOWDECK_TEST_TRANSPORT)
// on fixtures/live_midrun with its running blank card open in the native
// view, and measures, with the page's test probe
// (frontend/src/lib/transport-probe.ts) reporting times on the system clock:
//
//   - steady: the card's runtime data JSON rewritten as Metaflow does (tmp
//     file, rename) every 100 ms; rename -> the transport delivers the
//     card_data_changed event, and rename -> the new value in the DOM;
//   - reload: the page reloads itself; one value is written while it
//     reloads (its event has no listener), then more: is the value shown
//     (refetch), does the stream come back, how long is the gap;
//   - bursts: 100 (then 1,000) new tasks written at once, then progress
//     values: are all task_added events delivered, when does the task count
//     show them, does the card keep updating.
//
// It logs the numbers (docs/benchmarks.md has a table) and asserts only
// correctness: the last value of every phase is shown, no value shown goes
// back, the bursts' tasks are all counted, the stream resumes after a reload.
//
//	FLOWDECK_BIN=$PWD/bin/flowdeck go test -count=1 -tags windowtest -run TestWindowTransport -v ./internal/windowtest/
//
// FLOWDECK_TRANSPORT_UPDATES (250) sets the steady writes per run,
// FLOWDECK_TRANSPORT_ROUNDS (1) how many times both transports run
// (alternating, so a change in the machine's load hits both).
func TestWindowTransport(t *testing.T) {
	updates := envInt("FLOWDECK_TRANSPORT_UPDATES", 250)
	rounds := envInt("FLOWDECK_TRANSPORT_ROUNDS", 1)
	if updates > 999 {
		t.Fatalf("FLOWDECK_TRANSPORT_UPDATES must be < 1000")
	}
	var all []*transportRun
	for r := 0; r < rounds; r++ {
		for _, mode := range []string{"sse", "wails"} {
			t.Run(fmt.Sprintf("%s-%d", mode, r+1), func(t *testing.T) {
				all = append(all, runTransport(t, mode, updates))
			})
		}
	}
	t.Log("\n" + transportTable(all))
}

const (
	liveFlow  = "LiveCardFlow"
	liveRun   = "1795642679591111"
	liveStem  = "blank-live-c79b8e3a1d2744138aa4ac35afe06da8"
	progMax   = 9999
	progress  = `[data-id="epoch_progress"] [data-testid="progress-value"]`
	taskCount = `section.tasks .count`
)

// transportRun is one transport's numbers.
type transportRun struct {
	mode        string
	load        [2]string
	steady      stats // rename -> DOM
	steadyEvent stats // rename -> event delivered to the page
	// Both transports at once in the same page (the probe's shadow):
	// rename -> event via SSE and via Wails, and Wails minus SSE per event.
	viaSSE, viaWails, wailsMinusSSE stats
	wailsFirst, paired              int
	steadyMiss                      int
	steadyN                         int
	reloadGap                       float64 // the reload asked -> first value on the new page (ms)
	connectMs                       float64 // the new page's probe started -> its transport connected (ms)
	reloadEvent                     bool    // the value written while reloading came as an event
	reloadAfter                     stats   // rename -> DOM on the new page
	reloadMiss                      int
	clients                         []int // hub subscribers the page saw after each connect
	bursts                          []burstResult
	skewMs                          float64
}

type burstResult struct {
	tasks     int
	writeMs   float64 // writing the tasks took
	delivered int     // task_added events the page got for them
	lastEvent float64 // burst start -> last of them delivered (ms)
	// the same through the other transport (the probe's shadow)
	shadowDelivered int
	shadowLast      float64
	countShown      float64 // burst start -> the task count shows them all (ms)
	progress        stats   // rename -> DOM of the values written right after
	miss            int
	resets          int // connected states during the burst (a dropped stream)
}

type stats struct {
	n                    int
	p50, p95, p99, worst float64
}

func (s stats) String() string {
	if s.n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f / %.1f / %.1f / %.1f", s.p50, s.p95, s.p99, s.worst)
}

func newStats(xs []float64) stats {
	if len(xs) == 0 {
		return stats{}
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	q := func(p float64) float64 { return s[int(math.Min(float64(len(s)-1), math.Ceil(p*float64(len(s)))-1))] }
	return stats{n: len(s), p50: q(0.5), p95: q(0.95), p99: q(0.99), worst: s[len(s)-1]}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

func msOf(t time.Time) float64 { return float64(t.UnixNano()) / 1e6 }

// probeItem is one thing the page's probe reported.
type probeItem struct {
	Page      string   `json:"-"`
	T         string   `json:"t"`
	At        float64  `json:"at"`
	Name      string   `json:"name"`
	Value     string   `json:"value"`
	Kind      string   `json:"kind"`
	Task      string   `json:"task"`
	CreatedOn *float64 `json:"created_on"`
	State     string   `json:"state"`
	Transport string   `json:"transport"`
	DateNow   float64  `json:"date_now"`
	Invoke    string   `json:"wails_invoke"`
	EventsOn  string   `json:"wails_events_on"`
	Clients   *int     `json:"event_clients"`
	Via       string   `json:"via"`
}

func (s *session) probe() []probeItem {
	var out []probeItem
	for _, r := range s.pageEvents("probe") {
		b, _ := json.Marshal(r["items"])
		var items []probeItem
		json.Unmarshal(b, &items)
		for i := range items {
			items[i].Page = r.str("page")
		}
		out = append(out, items...)
	}
	return out
}

func (s *session) waitProbe(what string, timeout time.Duration, match func(probeItem) bool) probeItem {
	s.t.Helper()
	return poll(s, what, timeout, 10*time.Millisecond, s.probe, match)
}

var leadingInt = regexp.MustCompile(`^\s*(\d+)`)
var lastInt = regexp.MustCompile(`(\d+)\D*$`)

func progressOf(text string) int {
	m := leadingInt.FindStringSubmatch(text)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// dataWriter rewrites the card's runtime data JSON as Metaflow does.
type dataWriter struct {
	t         *testing.T
	file      string
	base      []byte
	created   float64
	seq       int
	renamed   map[int]float64 // value -> ms just before the rename
	createdOn map[int]float64
}

func newDataWriter(t *testing.T, root string) *dataWriter {
	file := filepath.Join(root, "mf.cards", liveFlow, "runs", liveRun, "steps", "train", "tasks", "2", "runtime", liveStem+".data.json")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		CreatedOn float64 `json:"created_on"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return &dataWriter{t: t, file: file, base: b, created: d.CreatedOn, renamed: map[int]float64{}, createdOn: map[int]float64{}}
}

func (w *dataWriter) write(v int) {
	var d map[string]any
	json.Unmarshal(w.base, &d)
	w.seq++
	co := w.created + float64(w.seq)
	d["created_on"] = co
	data := d["data"].(map[string]any)
	p := data["epoch_progress"].(map[string]any)
	p["value"], p["max"] = v, progMax
	data["status_md"].(map[string]any)["source"] = fmt.Sprintf("# Training\nupdate **%d**", v)
	data["loss_box"].(map[string]any)["value"] = float64(v) / 10000
	b, _ := json.Marshal(d)
	tmp := filepath.Join(filepath.Dir(w.file), fmt.Sprintf("tmpbench%d", w.seq%10))
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		w.t.Fatal(err)
	}
	w.createdOn[v] = co
	w.renamed[v] = msOf(time.Now())
	if err := os.Rename(tmp, w.file); err != nil {
		w.t.Fatal(err)
	}
}

// series writes values from..to (inclusive) every interval.
func (w *dataWriter) series(from, to int, interval time.Duration) {
	start := time.Now()
	for v := from; v <= to; v++ {
		if d := time.Until(start.Add(time.Duration(v-from) * interval)); d > 0 {
			time.Sleep(d)
		}
		w.write(v)
	}
}

// latencies: for values from..to, rename -> first DOM time on pages (any
// page when pages is nil) and rename -> the card_data_changed event.
func (w *dataWriter) latencies(items []probeItem, from, to int, pages map[string]bool) (dom, ev []float64, miss int) {
	seen := map[int]float64{}
	got := map[float64]float64{}
	for _, it := range items {
		if pages != nil && !pages[it.Page] {
			continue
		}
		switch {
		case it.T == "dom" && it.Name == "progress":
			v := progressOf(it.Value)
			if _, ok := seen[v]; !ok {
				seen[v] = it.At
			}
		case it.T == "event" && it.Kind == "card_data_changed" && it.CreatedOn != nil:
			if _, ok := got[*it.CreatedOn]; !ok {
				got[*it.CreatedOn] = it.At
			}
		}
	}
	for v := from; v <= to; v++ {
		if at, ok := seen[v]; ok {
			dom = append(dom, at-w.renamed[v])
		} else {
			miss++
		}
		if at, ok := got[w.createdOn[v]]; ok {
			ev = append(ev, at-w.renamed[v])
		}
	}
	return dom, ev, miss
}

// paired: for values from..to, rename -> the card_data_changed event via
// SSE and via Wails in the same page, and Wails minus SSE per event.
func (w *dataWriter) paired(items []probeItem, mode string, from, to int) (sse, wails, diff []float64, wailsFirst int) {
	at := map[string]map[float64]float64{"sse": {}, "wails": {}}
	for _, it := range items {
		if it.Kind != "card_data_changed" || it.CreatedOn == nil {
			continue
		}
		via := ""
		switch it.T {
		case "event":
			via = mode
		case "shadow":
			via = it.Via
		}
		if m := at[via]; m != nil {
			if _, ok := m[*it.CreatedOn]; !ok {
				m[*it.CreatedOn] = it.At
			}
		}
	}
	for v := from; v <= to; v++ {
		co := w.createdOn[v]
		a, okA := at["sse"][co]
		b, okB := at["wails"][co]
		if okA {
			sse = append(sse, a-w.renamed[v])
		}
		if okB {
			wails = append(wails, b-w.renamed[v])
		}
		if okA && okB {
			diff = append(diff, b-a)
			if b < a {
				wailsFirst++
			}
		}
	}
	return sse, wails, diff, wailsFirst
}

// addTasks writes n new tasks of the train step at once, as a foreach
// fanning out does (folders, _meta/_self.json, attempt, begin), with plain
// writes so that the burst is short (the index retries a file caught
// mid-write).
func addTasks(t *testing.T, root string, first, n int) {
	stepDir := filepath.Join(root, liveFlow, liveRun, "train")
	now := time.Now()
	for i := 0; i < n; i++ {
		id := strconv.Itoa(first + i)
		dir := filepath.Join(stepDir, id)
		self := fmt.Sprintf(`{"run_number": %q, "step_name": "train", "task_id": %q, "flow_id": %q, "user_name": "tester", "tags": [], "system_tags": [], "ts_epoch": %d}`,
			liveRun, id, liveFlow, now.UnixMilli())
		if err := os.MkdirAll(filepath.Join(dir, "_meta"), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range []struct{ name, body string }{
			{filepath.Join("_meta", "_self.json"), self},
			{"0.attempt.json", fmt.Sprintf(`{"time": %.6f}`, float64(now.UnixNano())/1e9)},
			{"0.task_begin", `{"retry_count": 0}`},
		} {
			if err := os.WriteFile(filepath.Join(dir, f.name), []byte(f.body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func runTransport(t *testing.T, mode string, updates int) *transportRun {
	res := &transportRun{mode: mode, steadyN: updates}
	res.load[0] = loadavg()
	root := fixture.Copy(t, "live_midrun")
	w := newDataWriter(t, root)
	key := cardKey(liveFlow, liveRun, "train", "2", liveStem)
	route := fmt.Sprintf("#/flows/%s/runs/%s/steps/train/tasks/2/cards/%s", liveFlow, liveRun, key)
	const reloadAt = 2005
	cfg, _ := json.Marshal(map[string]any{
		"watch":                 map[string]string{"progress": progress, "tasks": taskCount},
		"reloadWhen":            map[string]string{"name": "progress", "value": fmt.Sprintf("%d/%d", reloadAt, progMax)},
		"runtimeAfterConnectMs": 1000,
		"shadow":                true,
	})
	env := []string{"FLOWDECK_TEST_ROUTE=" + route, "FLOWDECK_TEST_PROBE=" + string(cfg)}
	if mode == "wails" {
		env = append(env, "FLOWDECK_TEST_TRANSPORT=wails")
	}
	s := launch(t, launchOpts{args: []string{root}, env: env})
	win := s.window("Flowdeck", 30*time.Second)
	start := s.waitProbe("the probe", 40*time.Second, func(it probeItem) bool { return it.T == "start" })
	if start.Transport != mode {
		t.Fatalf("the page uses %q, want %q", start.Transport, mode)
	}
	res.skewMs = start.At - start.DateNow
	t.Logf("page: transport %s, WailsInvoke %s, runtime.EventsOn %s, performance vs Date.now %.1f ms",
		start.Transport, start.Invoke, start.EventsOn, res.skewMs)
	first := s.waitProbe("the card's progress bar", 40*time.Second, func(it probeItem) bool { return it.T == "dom" && it.Name == "progress" })
	t.Logf("initial progress text %q", first.Value)
	time.Sleep(3 * time.Second) // Vega warms up while idle (CardPane.svelte), as in a session

	// Steady.
	w.series(1000, 1000+updates-1, 100*time.Millisecond)
	time.Sleep(1500 * time.Millisecond)
	dom, ev, miss := w.latencies(s.probe(), 1000, 1000+updates-1, nil)
	res.steady, res.steadyEvent, res.steadyMiss = newStats(dom), newStats(ev), miss
	viaSSE, viaWails, diff, wFirst := w.paired(s.probe(), mode, 1000, 1000+updates-1)
	res.viaSSE, res.viaWails, res.wailsMinusSSE, res.wailsFirst, res.paired = newStats(viaSSE), newStats(viaWails), newStats(diff), wFirst, len(diff)

	// Reload: the page reloads itself on reloadAt; the next value is
	// written while it does.
	w.series(2000, reloadAt, 100*time.Millisecond)
	rl := s.waitProbe("the page's reload", 10*time.Second, func(it probeItem) bool { return it.T == "reload" })
	w.write(reloadAt + 1)
	newPage := s.waitProbe("the reloaded page's first value", 20*time.Second, func(it probeItem) bool {
		return it.T == "dom" && it.Name == "progress" && it.Page != rl.Page
	})
	res.reloadGap = newPage.At - rl.At
	s.waitProbe("the value written during the reload", 10*time.Second, func(it probeItem) bool {
		return it.T == "dom" && it.Name == "progress" && it.Page == newPage.Page && progressOf(it.Value) >= reloadAt+1
	})
	var pageStart float64
	for _, it := range s.probe() {
		if it.Page != newPage.Page {
			continue
		}
		if it.T == "event" && it.CreatedOn != nil && *it.CreatedOn == w.createdOn[reloadAt+1] {
			res.reloadEvent = true
		}
		if it.T == "start" {
			pageStart = it.At
		}
		if it.T == "state" && it.State == "connected" && res.connectMs == 0 && pageStart > 0 {
			res.connectMs = it.At - pageStart
		}
	}
	time.Sleep(1500 * time.Millisecond)
	w.series(reloadAt+2, reloadAt+21, 100*time.Millisecond)
	time.Sleep(1500 * time.Millisecond)
	dom, _, miss = w.latencies(s.probe(), reloadAt+2, reloadAt+21, map[string]bool{newPage.Page: true})
	res.reloadAfter, res.reloadMiss = newStats(dom), miss
	if miss == 20 {
		t.Errorf("%s: the stream did not come back after the reload (none of 20 values shown)", mode)
	}

	// Bursts of new tasks, each followed by progress values.
	total := 1
	for i, n := range []int{100, 1000} {
		firstID := 3000 + i*2000
		base := 3000 + i*1000
		countBefore := len(s.probe())
		t0 := time.Now()
		addTasks(t, root, firstID, n)
		br := burstResult{tasks: n, writeMs: float64(time.Since(t0).Microseconds()) / 1000}
		total += n
		w.series(base, base+9, 100*time.Millisecond)
		want := strconv.Itoa(total)
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			done := false
			for _, it := range s.probe()[countBefore:] {
				if it.T == "dom" && it.Name == "tasks" {
					if m := lastInt.FindStringSubmatch(it.Value); m != nil && m[1] == want {
						br.countShown = it.At - msOf(t0)
						done = true
					}
				}
			}
			if done {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(1500 * time.Millisecond)
		items := s.probe()
		ids, shadowIDs := map[string]bool{}, map[string]bool{}
		for _, it := range items[countBefore:] {
			if it.Page != newPage.Page {
				continue
			}
			if (it.T == "event" || it.T == "shadow") && it.Kind == "task_added" {
				seen, last := ids, &br.lastEvent
				if it.T == "shadow" {
					seen, last = shadowIDs, &br.shadowLast
				}
				if id, err := strconv.Atoi(it.Task); err == nil && id >= firstID && id < firstID+n && !seen[it.Task] {
					seen[it.Task] = true
					*last = math.Max(*last, it.At-msOf(t0))
				}
			}
			if it.T == "state" && it.State == "connected" {
				br.resets++
			}
		}
		br.delivered, br.shadowDelivered = len(ids), len(shadowIDs)
		dom, _, br.miss = w.latencies(items, base, base+9, map[string]bool{newPage.Page: true})
		br.progress = newStats(dom)
		if br.countShown == 0 {
			var last string
			for _, it := range items {
				if it.T == "dom" && it.Name == "tasks" {
					last = it.Value
				}
			}
			t.Errorf("%s: after %d new tasks the task count never showed %s (last %q)", mode, n, want, last)
		}
		res.bursts = append(res.bursts, br)
	}

	// Correctness over the whole run: the last value of every phase was
	// shown, and no value shown went back (across the reload too).
	items := s.probe()
	prev, prevText := -1, ""
	shown := map[int]bool{}
	for _, it := range items {
		if it.T != "dom" || it.Name != "progress" {
			continue
		}
		v := progressOf(it.Value)
		if v >= 1000 {
			shown[v] = true
			if v < prev {
				t.Errorf("%s: the progress went back from %q to %q", mode, prevText, it.Value)
			}
			prev, prevText = v, it.Value
		}
	}
	for _, v := range []int{1000 + updates - 1, reloadAt + 1, reloadAt + 21, 3009, 4009} {
		if !shown[v] {
			t.Errorf("%s: value %d was never shown", mode, v)
		}
	}
	for _, it := range items {
		if it.Clients != nil {
			res.clients = append(res.clients, *it.Clients)
		}
	}
	if ipc := s.kinds("ipc"); len(ipc) > 0 {
		t.Errorf("%s: messages reached Wails' dispatcher: %v", mode, ipc)
	}
	for _, r := range s.kinds("wails-log") {
		if lv := r.str("level"); lv == "error" || lv == "fatal" || lv == "warning" {
			t.Errorf("%s: Wails logged %s: %s", mode, lv, r.str("msg"))
		}
	}
	s.screenshot(win, "window-transport-"+mode)
	if !s.running() {
		t.Fatalf("flowdeck exited: %v", s.exitErr)
	}
	res.load[1] = loadavg()
	t.Logf("%s: both transports in the page, rename->event via SSE %s ms, via Wails %s ms, Wails minus SSE %s ms, Wails first %d/%d",
		mode, res.viaSSE, res.viaWails, res.wailsMinusSSE, res.wailsFirst, res.paired)
	t.Logf("%s: steady rename->DOM %s ms (missed %d/%d), rename->event %s ms; reload gap %.0f ms (connected after %.0f ms), value written during reload came as event: %v; after reload %s ms (missed %d/20); hub subscribers seen after connects %v",
		mode, res.steady, res.steadyMiss, updates, res.steadyEvent, res.reloadGap, res.connectMs, res.reloadEvent, res.reloadAfter, res.reloadMiss, res.clients)
	for _, b := range res.bursts {
		t.Logf("%s: burst %d tasks (written in %.0f ms): %d task_added delivered, last %.0f ms after (other transport: %d, %.0f ms); count shown after %.0f ms; progress after it %s ms (missed %d/10); reconnects %d",
			mode, b.tasks, b.writeMs, b.delivered, b.lastEvent, b.shadowDelivered, b.shadowLast, b.countShown, b.progress, b.miss, b.resets)
	}
	return res
}

// transportTable is the markdown tables for docs/benchmarks.md.
func transportTable(runs []*transportRun) string {
	var b strings.Builder
	b.WriteString("Steady updates (one value every 100 ms):\n\n")
	b.WriteString("| app uses | load (1 min) | rename -> event via SSE p50 / p95 / p99 / max | via Wails p50 / p95 / p99 / max | Wails - SSE, same event, p50 / p95 / p99 | Wails first | rename -> DOM p50 / p95 / p99 / max | not shown |\n")
	b.WriteString("|---|---|---|---|---|---:|---|---:|\n")
	for _, r := range runs {
		d := r.wailsMinusSSE
		fmt.Fprintf(&b, "| %s | %s -> %s | %s ms | %s ms | %+.1f / %+.1f / %+.1f ms | %d / %d | %s ms | %d / %d |\n",
			r.mode, r.load[0], r.load[1], r.viaSSE, r.viaWails, d.p50, d.p95, d.p99, r.wailsFirst, r.paired, r.steady, r.steadyMiss, r.steadyN)
	}
	b.WriteString("\nPage reload (the page reloads itself; one value is written while it does, 20 more after):\n\n")
	b.WriteString("| app uses | reload -> first value | page start -> connected | value written during the reload | after the reload: rename -> DOM p50 / p95 / max | not shown | hub subscribers after each connect |\n")
	b.WriteString("|---|---:|---:|---|---|---:|---|\n")
	for _, r := range runs {
		how := "shown (refetch)"
		if r.reloadEvent {
			how = "shown (its event)"
		}
		fmt.Fprintf(&b, "| %s | %.0f ms | %.0f ms | %s | %.1f / %.1f / %.1f ms | %d / 20 | %v |\n",
			r.mode, r.reloadGap, r.connectMs, how, r.reloadAfter.p50, r.reloadAfter.p95, r.reloadAfter.worst, r.reloadMiss, r.clients)
	}
	b.WriteString("\nBursts of new tasks, then 10 progress values 100 ms apart:\n\n")
	b.WriteString("| app uses | burst | written in | task_added via the app's transport | last after | via the other | last after | count on screen after | progress after it p50 / p95 / max | not shown |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|\n")
	for _, r := range runs {
		for _, br := range r.bursts {
			fmt.Fprintf(&b, "| %s | %d tasks | %.0f ms | %d / %d | %.0f ms | %d / %d | %.0f ms | %.0f ms | %.1f / %.1f / %.1f ms | %d / 10 |\n",
				r.mode, br.tasks, br.writeMs, br.delivered, br.tasks, br.lastEvent, br.shadowDelivered, br.tasks, br.shadowLast,
				br.countShown, br.progress.p50, br.progress.p95, br.progress.worst, br.miss)
		}
	}
	return b.String()
}
