//go:build windowtest

package windowtest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"flowdeck/internal/fixture"
	"flowdeck/internal/s3test"
)

// Issue 4: with no display the binary says to use `flowdeck serve`, in one
// line, and exits non-zero (GTK would otherwise abort).
func TestNoDisplay(t *testing.T) {
	root := fixture.Copy(t, "default")
	cmd := exec.Command(flowdeckBin(t), root)
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "DISPLAY=") || strings.HasPrefix(kv, "WAYLAND_DISPLAY=") {
			continue
		}
		env = append(env, kv)
	}
	cmd.Env = append(env, "HOME="+t.TempDir())
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() == 0 {
		t.Fatalf("want a non-zero exit, got %v", err)
	}
	msg := strings.TrimRight(stderr.String(), "\n")
	if strings.Count(msg, "\n") != 0 || msg == "" {
		t.Errorf("want one line on stderr, got %q", msg)
	}
	if !strings.Contains(msg, "flowdeck serve") {
		t.Errorf("the message does not point to `flowdeck serve`: %q", msg)
	}
	for _, bad := range []string{"panic", "goroutine", "Gtk", "cannot open display"} {
		if strings.Contains(stderr.String()+stdout.String(), bad) {
			t.Errorf("output mentions %q: %s%s", bad, stdout.String(), stderr.String())
		}
	}
}

// Issue 4: the real window on a fixture shows the run list.
func TestWindowShowsRunList(t *testing.T) {
	root := fixture.Copy(t, "default")
	// The route names the flow, as a user's click on it would.
	s := launch(t, launchOpts{args: []string{root}, env: []string{"FLOWDECK_TEST_ROUTE=#/flows/DefaultCardFlow"}})
	w := s.window("Flowdeck", 30*time.Second)
	s.waitFor("the run list request", 30*time.Second, func(r record) bool {
		return r.str("kind") == "http" && r.str("path") == "/api/flows/DefaultCardFlow/runs"
	})
	waitRunList(s, w, "window-runlist", 20*time.Second)
	if !s.running() {
		t.Fatalf("flowdeck exited: %v", s.exitErr)
	}
}

// checkRunList checks that the sidebar (flows and runs) has content.
func checkRunList(t *testing.T, img *image.RGBA) {
	t.Helper()
	for _, p := range runListProblems(t, img) {
		t.Error(p)
	}
}

// waitRunList takes screenshots until one shows the run list (a loaded
// machine can take seconds to draw it after the request), and fails with
// what the last one lacks at timeout. The last one is artifacts/<name>.png.
func waitRunList(s *session, w xwindow, name string, timeout time.Duration) {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		problems := runListProblems(s.t, s.screenshot(w, name))
		if len(problems) == 0 {
			return
		}
		if time.Now().After(deadline) {
			for _, p := range problems {
				s.t.Error(p)
			}
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// runListProblems says what is missing from a window that should show a
// run list; none when it shows one.
func runListProblems(t *testing.T, img *image.RGBA) []string {
	t.Helper()
	var out []string
	all, dom := contentStats(img, img.Bounds())
	side, sideDom := contentStats(img, image.Rect(0, 0, 300, 260))
	t.Logf("screenshot: %d colours (dominant %.0f%%); sidebar %d colours (dominant %.0f%%)", all, dom*100, side, sideDom*100)
	if all < 20 || dom > 0.97 {
		out = append(out, fmt.Sprintf("the window looks blank: %d colours, dominant %.0f%%", all, dom*100))
	}
	if side < 8 || sideDom > 0.97 {
		out = append(out, fmt.Sprintf("the sidebar (flows and run list) looks empty: %d colours, dominant %.0f%%", side, sideDom*100))
	}
	// A run row: its status badge (the "succeeded" green) below the
	// filters, in the sidebar.
	if n := countNear(img, image.Rect(0, 185, 300, 400), 0x18, 0x7a, 0x34, 40); n < 10 {
		out = append(out, fmt.Sprintf("no run row with a succeeded badge in the sidebar (%d green pixels)", n))
	}
	return out
}

const hostileRun = "1795642761955764"

func cardKey(flow, run, step, task, stem string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join([]string{flow, run, step, task, stem}, "/")))
}

func hostileRoute(key string) string {
	return fmt.Sprintf("#/flows/HostileFlow/runs/%s/steps/start/tasks/1/cards/%s", hostileRun, key)
}

const (
	attackStem = "html-window_attack-0123456789abcdef0123456789abcdef"
	fatalStem  = "html-window_fatal-fedcba9876543210fedcba9876543210"
)

// attackCard posts every message Wails' dispatcher and frontend take, from
// its own document and from a nested frame made to get a fresh
// window.webkit, and reports what it found as its reload token (which the
// bridge passes to the page, and the page to the test log). Four seconds
// later it navigates its frame to the fatal card (same origin, so the app
// page's frame-src allows it), with ?scripts=1: when the window asks before
// card scripts run, the server serves a card without scripts unless the
// page asks for them; a card that has scripts can ask for them too (it gains
// nothing it did not already have).
const attackCard = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>window attack</title></head>
<body><h1>Window attack</h1><p>Posts every Wails message there is.</p><pre id="out"></pre>
<script>
var msgs = ["Q", "H", "S", "WH", "WF", "Wm", "WM", "Wt", "Wp:5:5", "Ws:400:300", "WZ:500:400", "Wz:300:200",
  "WTpwned", "WAT P:1", "WAT", "Wc", "Wr:{\"r\":255,\"g\":0,\"b\":0,\"a\":255}",
  "BO:http://127.0.0.1:47291/window-attack",
  "EE" + JSON.stringify({name: "datastore:open", data: ["/"]}), "EXdatastore:open",
  "C" + JSON.stringify({name: ":wails:ClipboardSetText", args: ["pwned"], callbackID: "a-1"}),
  "C" + JSON.stringify({name: ":wails:WindowGetPos", args: [], callbackID: "a-2"}),
  "C" + JSON.stringify({name: "main.App.OpenDatastore", args: ["/"], callbackID: "a-3"}),
  "c" + JSON.stringify({id: 1, args: [], callbackID: "a-4"}),
  "LEcard log", "LS1", "DD:1:1:/etc/passwd", "drag", "resize:se-resize", "wails:showInspector",
  "runtime:ready", "DomReady"];
function channel(w) {
  try { var h = w.webkit && w.webkit.messageHandlers && w.webkit.messageHandlers.external; return h || null; }
  catch (e) { return null; }
}
function attack(w) {
  var h = channel(w);
  if (!h) return "none";
  var n = 0;
  for (var i = 0; i < msgs.length; i++) { try { h.postMessage(msgs[i]); n++; } catch (e) {} }
  return "posted" + n;
}
var own = attack(window);
var nested = "noframe";
try {
  var f = document.createElement("iframe");
  document.body.appendChild(f);
  nested = f.contentWindow ? attack(f.contentWindow) : "noframe";
} catch (e) { nested = "threw"; }
var more = [];
function t(n, f) { try { more.push(n + "=" + String(f()).slice(0, 12)); } catch (e) { more.push(n + "=blocked"); } }
t("alert", function () { return alert("x"); });
t("confirm", function () { return confirm("x"); });
t("print", function () { return print(); });
t("download", function () { var a = document.createElement("a"); a.download = "flowdeck-evil.txt"; a.href = "data:text/plain,hello"; document.body.appendChild(a); a.click(); return "clicked"; });
t("blobdownload", function () { var a = document.createElement("a"); a.download = "flowdeck-evil2.txt"; a.href = URL.createObjectURL(new Blob(["hi"])); document.body.appendChild(a); a.click(); return "clicked"; });
t("fullscreen", function () { var p = document.documentElement.requestFullscreen(); return p ? "promise" : "none"; });
t("clipboard", function () { return navigator.clipboard ? "api" : "none"; });
window.METAFLOW_RELOAD_TOKEN = "attack:top=" + own + ",nested=" + nested + ";" + more.join(",");
document.getElementById("out").textContent = METAFLOW_RELOAD_TOKEN;
setTimeout(function () {
  location.href = "/card/" + btoa("HostileFlow/` + hostileRun + `/start/1/` + fatalStem + `").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "") + "?scripts=1";
}, 4000);
</script></body></html>`

// fatalCard posts "LF": Wails' dispatcher logs it at Fatal level, which
// calls os.Exit(1): the app would vanish at once, without OnBeforeClose.
// Then "WR", which would reload the app page.
const fatalCard = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>window fatal</title></head>
<body><h1>Fatal</h1>
<script>
var r = "none";
try {
  var h = window.webkit && window.webkit.messageHandlers && window.webkit.messageHandlers.external;
  if (h) { h.postMessage("LFcard says exit"); h.postMessage("WR"); r = "posted"; }
} catch (e) { r = "threw"; }
window.METAFLOW_RELOAD_TOKEN = "fatal:" + r;
</script></body></html>`

// addAttackCards writes the two cards next to the hostile fixture's cards.
func addAttackCards(t *testing.T, root string) {
	t.Helper()
	dir := filepath.Join(root, "mf.cards", "HostileFlow", "runs", hostileRun, "steps", "start", "tasks", "1", "cards")
	for name, body := range map[string]string{attackStem: attackCard, fatalStem: fatalCard} {
		if err := os.WriteFile(filepath.Join(dir, name+".html"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Issue 6: the hostile card, and cards that post every message Wails
// takes, in the real window. Wails' channel is closed before any card
// loads: nothing reaches the dispatcher, xdg-open is never run, the window
// is not hidden, moved or closed, the app keeps running and keeps showing
// its run list, and the canary hears nothing.
func TestWindowHostileCards(t *testing.T) {
	can := startCanary(t)
	root := fixture.Copy(t, "hostile")
	addAttackCards(t, root)
	hostileKey := cardKey("HostileFlow", hostileRun, "start", "1", "html-hostile_original-edc3ef390bde4375a5a6c1dd7d5cf783")
	attackKey := cardKey("HostileFlow", hostileRun, "start", "1", attackStem)

	for _, tc := range []struct {
		name, key string
		// tokens the card frames must report (proof that their scripts ran)
		tokens []string
	}{
		{"hostile_original", hostileKey, []string{"final"}},
		{"window_attack", attackKey, []string{"attack:top=none,nested=none;", "fatal:none"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := launch(t, launchOpts{args: []string{root}, env: []string{"FLOWDECK_TEST_ROUTE=" + hostileRoute(tc.key)}})
			w0 := s.window("Flowdeck", 30*time.Second)
			ch := s.waitFor("the channel mitigation", 20*time.Second, func(r record) bool { return r.str("kind") == "channel" })
			if ch["closed"] != true || ch.str("policy") != "run" {
				t.Fatalf("Wails' channel was not closed: %v", ch)
			}
			// The card's scripts run: its bridge reports ready with the
			// token the card's own script set.
			for _, tok := range tc.tokens {
				s.waitFor("card frame ready with token "+tok, 20*time.Second, func(r record) bool {
					return r.str("kind") == "page" && r.str("event") == "original:ready" && strings.HasPrefix(r.str("token"), tok)
				})
			}
			// WebKit paints the window a moment after the page settles.
			time.Sleep(1500 * time.Millisecond)
			before := s.screenshot(w0, "window-"+tc.name+"-card")
			// The hostile card's meta refresh fires 5 s after it loaded.
			time.Sleep(5 * time.Second)
			after := s.screenshot(w0, "window-"+tc.name+"-after")

			if !s.running() {
				t.Fatalf("flowdeck exited: %v\n%s", s.exitErr, s.stderr.String())
			}
			if ipc := s.kinds("ipc"); len(ipc) > 0 {
				t.Errorf("messages reached Wails' dispatcher: %v", ipc)
			}
			if q := s.kinds("quit-requested"); len(q) > 0 {
				t.Errorf("quit was requested: %v", q)
			}
			for _, r := range s.kinds("wails-log") {
				if lv := r.str("level"); lv == "error" || lv == "fatal" || lv == "warning" || lv == "info" {
					t.Errorf("Wails logged %s: %s", lv, r.str("msg"))
				}
			}
			if b, err := os.ReadFile(s.opened); err == nil {
				t.Errorf("xdg-open (or a browser) was run: %s", b)
			}
			if strings.Contains(s.stderr.String(), "refused to open") {
				t.Errorf("BrowserOpenURL was reached (the guard refused it): %s", s.stderr.String())
			}
			if got := can.requests(); len(got) > 0 {
				t.Errorf("the canary received %v", got)
			}
			// No file was downloaded (a card's <a download> click), no
			// dialog (alert, confirm, print) or other window opened.
			filepath.WalkDir(s.home, func(p string, d os.DirEntry, err error) error {
				if err == nil && strings.Contains(d.Name(), "flowdeck-evil") {
					t.Errorf("a card download landed at %s", p)
				}
				return nil
			})
			ws, _ := s.x.toplevels()
			for _, w := range ws {
				if w.State == 2 && w.ID != w0.ID {
					t.Errorf("a window besides the main one is shown: %+v", w)
				}
			}
			w1, ok := s.windowByID(w0.ID)
			if !ok {
				t.Fatalf("the window is gone")
			}
			if w1.State != 2 || w1.Geo != w0.Geo || w1.Name != "Flowdeck" {
				t.Errorf("the window changed: before %+v, after %+v", w0, w1)
			}
			if dr := s.kinds("dom-ready"); len(dr) != 1 {
				t.Errorf("the app page loaded %d times (a card navigated or reloaded it)", len(dr))
			}
			for _, r := range s.kinds("http") {
				p := r.str("path")
				if (strings.HasPrefix(p, "/api/") && r["auth"] != true) || p == "/" && len(s.kinds("dom-ready")) > 1 {
					t.Errorf("a request without the app's secret reached the handler: %v", r)
				}
			}
			checkRunList(t, after)
			// The sidebar (flows and run list) is exactly as before the card ran.
			if diff := differingPixels(before, after, image.Rect(0, 0, 300, 700)); diff > 0.01 {
				t.Errorf("the run list changed while the card ran (%.1f%% of its pixels)", diff*100)
			}
		})
	}
}

// countNear counts the pixels of r within dist (per channel) of a colour.
func countNear(img *image.RGBA, r image.Rectangle, cr, cg, cb uint8, dist int) int {
	abs := func(a, b uint8) int {
		if a > b {
			return int(a - b)
		}
		return int(b - a)
	}
	n := 0
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := img.RGBAAt(x, y)
			if abs(c.R, cr) <= dist && abs(c.G, cg) <= dist && abs(c.B, cb) <= dist {
				n++
			}
		}
	}
	return n
}

func differingPixels(a, b *image.RGBA, r image.Rectangle) float64 {
	r = r.Intersect(a.Bounds()).Intersect(b.Bounds())
	n, total := 0, 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.RGBAAt(x, y) != b.RGBAAt(x, y) {
				n++
			}
			total++
		}
	}
	if total == 0 {
		return 0
	}
	return float64(n) / float64(total)
}

// Issue 6, the fallback: when Wails' channel stays open (as it would if
// the window could not close it; FLOWDECK_TEST_KEEP_CHANNEL simulates
// that), no card script runs until the user agrees in the consent dialog.
// After the user clicks through it (XTEST clicks, as a user), the same card
// reaches the dispatcher: this shows the recorder sees the channel, that
// the consent dialog names real risks, and what stops the rest: the PATH
// guard stops BrowserOpenURL, OnBeforeClose asks before quitting.
func TestWindowConsentFallback(t *testing.T) {
	can := startCanary(t)
	root := fixture.Copy(t, "hostile")
	addAttackCards(t, root)
	attackKey := cardKey("HostileFlow", hostileRun, "start", "1", attackStem)
	s := launch(t, launchOpts{args: []string{root}, env: []string{
		"FLOWDECK_TEST_ROUTE=" + hostileRoute(attackKey), "FLOWDECK_TEST_KEEP_CHANNEL=1"}})
	w0 := s.window("Flowdeck", 30*time.Second)
	ch := s.waitFor("the channel state", 20*time.Second, func(r record) bool { return r.str("kind") == "channel" })
	if ch["closed"] != false || ch.str("policy") != "ask" {
		t.Fatalf("want the channel left open and the ask policy, got %v", ch)
	}
	s.waitFor("the consent button", 20*time.Second, func(r record) bool {
		return r.str("event") == "original:element" && r.str("name") == "run-scripts"
	})
	// Nothing of the card ran: no bridge, no message on the channel (the
	// page's own runtime:ready is the only one), the card file was served
	// without scripts.
	time.Sleep(2 * time.Second)
	if r := s.pageEvents("original:ready"); len(r) > 0 {
		t.Fatalf("card scripts ran before consent: %v", r)
	}
	for _, r := range s.kinds("ipc") {
		if r.str("msg") != "runtime:ready" {
			t.Fatalf("a message reached the dispatcher before consent: %v", r)
		}
	}
	if len(s.kinds("ipc")) == 0 {
		t.Fatalf("the recorder saw not even the page's runtime:ready: it does not see the channel")
	}
	for _, r := range s.kinds("http") {
		if strings.HasPrefix(r.str("path"), "/card/") && strings.Contains(r.str("query"), "scripts=1") {
			t.Fatalf("the card was loaded with scripts before consent: %v", r)
		}
	}
	s.screenshot(w0, "window-consent-before")

	// The user clicks "Run this card's scripts…", then "Run scripts".
	clickAt(t, s, w0, s.settled("run-scripts", 20*time.Second))
	run := s.settled("consent-run", 30*time.Second)
	s.screenshot(w0, "window-consent-dialog")
	clickAt(t, s, w0, run)
	s.waitFor("consent given", 30*time.Second, func(r record) bool {
		return r.str("event") == "original:consent-answered" && r["ok"] == true
	})
	ready := s.waitFor("the card's scripts ran", 20*time.Second, func(r record) bool {
		return r.str("event") == "original:ready" && strings.HasPrefix(r.str("token"), "attack:top=posted")
	})
	var posted, nestedPosted int
	fmt.Sscanf(ready.str("token"), "attack:top=posted%d,nested=posted%d", &posted, &nestedPosted)
	t.Logf("the card reports: %s", ready.str("token"))
	// Its messages reach the dispatcher now (what the dialog warns about).
	s.waitFor("the card's quit request", 30*time.Second, func(r record) bool { return r.str("kind") == "quit-requested" })
	var seen []string
	for _, r := range s.kinds("ipc") {
		seen = append(seen, r.str("msg"))
	}
	if posted == 0 || len(seen) < posted+nestedPosted {
		t.Errorf("the recorder saw %d messages, the card posted %d + %d: %q", len(seen), posted, nestedPosted, seen)
	}
	// Q asked the user (the dialog is up), and did not quit.
	dlg := s.window("Quit Flowdeck?", 30*time.Second)
	if !s.running() {
		t.Fatalf("flowdeck exited on the card's quit request without the user confirming")
	}
	t.Logf("quit dialog %+v; the card's messages: %d", dlg.Geo, len(seen))
	if len(s.kinds("quit-answered")) > 0 {
		t.Errorf("the quit was answered without the user")
	}
	// BO reached Wails' BrowserOpenURL, which ran the PATH guard, not a browser.
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(s.stderr.String(), "refused to open http://127.0.0.1:47291/window-attack") && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(s.stderr.String(), "refused to open http://127.0.0.1:47291/window-attack") {
		t.Errorf("the PATH guard did not see BrowserOpenURL: %s", s.stderr.String())
	}
	if b, err := os.ReadFile(s.opened); err == nil {
		t.Errorf("xdg-open (or a browser) was run: %s", b)
	}
	if got := can.requests(); len(got) > 0 {
		t.Errorf("the canary received %v", got)
	}
	// Four seconds later the card moves on to the fatal card, whose "LF"
	// makes Wails call os.Exit(1): the residual risk the dialog names.
	select {
	case <-s.exited:
	case <-time.After(45 * time.Second):
		t.Fatalf("flowdeck still runs after the fatal card")
	}
	fatal := false
	for _, r := range s.kinds("wails-log") {
		if r.str("level") == "fatal" && strings.Contains(r.str("msg"), "card says exit") {
			fatal = true
		}
	}
	if !fatal {
		t.Errorf("flowdeck exited (%v), but not through the card's LF message", s.exitErr)
	}
}

// settled waits for a located element to stop moving and returns where it
// is now: clicking where it was first drawn can miss (a deep link draws the
// card before its task's card list fills in above it).
func (s *session) settled(name string, timeout time.Duration) record {
	s.t.Helper()
	what := "the element " + name
	s.waitFor(what, timeout, func(r record) bool {
		return r.str("event") == "original:element" && r.str("name") == name
	})
	deadline := time.Now().Add(timeout)
	for {
		var last record
		for _, r := range s.pageEvents("original:element") {
			if r.str("name") == name {
				last = r
			}
		}
		// The page checks every 100 ms; 500 ms without a report is still.
		age := time.Duration(int64(time.Now().UnixMilli())-int64(last["unix_ms"].(float64))) * time.Millisecond
		if age >= 500*time.Millisecond {
			return last
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s kept moving for %s", what, timeout)
		}
		time.Sleep(500*time.Millisecond - age)
	}
}

// clickAt clicks the middle of an element the page reported (client
// coordinates), in screen coordinates.
func clickAt(t *testing.T, s *session, w xwindow, r record) {
	t.Helper()
	num := func(k string) float64 { f, _ := r[k].(float64); return f }
	x := w.Geo.X + int(num("x")+num("w")/2)
	y := w.Geo.Y + int(num("y")+num("h")/2)
	if err := s.x.click(x, y); err != nil {
		t.Fatalf("click at %d,%d: %v", x, y, err)
	}
}

// Issue 6: the window's own close button (WM_DELETE_WINDOW) asks before
// quitting; the same OnBeforeClose guards a quit message from any frame.
func TestWindowCloseAsks(t *testing.T) {
	root := fixture.Copy(t, "default")
	s := launch(t, launchOpts{args: []string{root}})
	w := s.window("Flowdeck", 30*time.Second)
	s.waitFor("the page", 30*time.Second, func(r record) bool { return r.str("kind") == "dom-ready" })
	if err := s.x.closeWindow(w.ID); err != nil {
		t.Fatal(err)
	}
	s.waitFor("the quit request", 30*time.Second, func(r record) bool { return r.str("kind") == "quit-requested" })
	s.window("Quit Flowdeck?", 30*time.Second)
	time.Sleep(500 * time.Millisecond)
	if !s.running() {
		t.Fatalf("flowdeck quit without the user confirming")
	}
	if w1, ok := s.windowByID(w.ID); !ok || w1.State != 2 {
		t.Errorf("the main window is gone or hidden: %+v", w1)
	}
}

// SIGTERM (or Ctrl+C) stops the app without a dialog: Wails turns the
// signal into a quit request, and the app knows it came from a signal.
func TestWindowSignalQuits(t *testing.T) {
	root := fixture.Copy(t, "default")
	s := launch(t, launchOpts{args: []string{root}})
	s.window("Flowdeck", 30*time.Second)
	s.waitFor("the page", 30*time.Second, func(r record) bool { return r.str("kind") == "dom-ready" })
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(30 * time.Second):
		ws, _ := s.x.toplevels()
		t.Fatalf("flowdeck still runs 30 s after SIGTERM; windows %+v", ws)
	}
	if len(s.kinds("quit-requested")) > 0 {
		t.Errorf("a quit dialog was shown for a signal")
	}
}

// "Open folder" runs the system's opener by absolute path (found before
// the PATH guard), so it still works while BrowserOpenURL reaches nothing:
// the fake xdg-open gets the card's folder.
func TestWindowRevealFolder(t *testing.T) {
	root := fixture.Copy(t, "hostile")
	key := cardKey("HostileFlow", hostileRun, "start", "1", "html-hostile_original-edc3ef390bde4375a5a6c1dd7d5cf783")
	s := launch(t, launchOpts{args: []string{root}, env: []string{"FLOWDECK_TEST_ROUTE=" + hostileRoute(key)}})
	w := s.window("Flowdeck", 30*time.Second)
	btn := s.settled("card-reveal", 20*time.Second)
	clickAt(t, s, w, btn)
	s.waitFor("the reveal request", 30*time.Second, func(r record) bool {
		return r.str("kind") == "http" && strings.HasSuffix(r.str("path"), "/reveal") && r["auth"] == true
	})
	want := filepath.Join(root, "mf.cards", "HostileFlow", "runs", hostileRun, "steps", "start", "tasks", "1", "cards")
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(s.opened); err == nil {
			if !strings.Contains(string(b), "xdg-open "+want) {
				t.Fatalf("the opener got %q, want the folder %s", b, want)
			}
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the opener was not run")
}

// Issue 14: the window opened on a datastore with a running run shows that
// run's live card, with no click and no route given: the page asks where
// to land (GET /api/landing), opens the newest running task's live blank
// card, and reports it on screen, live, in the native view.
func TestWindowLandsOnLiveCard(t *testing.T) {
	root := fixture.Copy(t, "live_midrun")
	const run = "1795642679591111"
	cards, err := filepath.Glob(filepath.Join(root, "mf.cards", "LiveCardFlow", "runs", run, "steps", "train", "tasks", "2", "cards", "blank-live-*.html"))
	if err != nil || len(cards) != 1 {
		t.Fatalf("the fixture's live card: %v %v", cards, err)
	}
	key := cardKey("LiveCardFlow", run, "train", "2", strings.TrimSuffix(filepath.Base(cards[0]), ".html"))
	s := launch(t, launchOpts{args: []string{root}})
	w := s.window("Flowdeck", 30*time.Second)
	s.waitFor("the landing request", 30*time.Second, func(r record) bool {
		return r.str("kind") == "http" && r.str("path") == "/api/landing"
	})
	shown := s.waitFor("the live card on screen", 30*time.Second, func(r record) bool {
		return r.str("event") == "card:shown" && r.str("key") == key
	})
	if shown.str("state") != "live" || shown.str("view") != "native" {
		t.Errorf("the landed card is %s in the %s view, want live, native", shown.str("state"), shown.str("view"))
	}
	for _, r := range s.pageEvents("card:shown") {
		if r.str("key") != key {
			t.Errorf("another card was shown first: %v", r)
		}
	}
	// No click: the test sent none, and nothing but the landing chose the card.
	pane := s.settled("card-pane", 20*time.Second)
	time.Sleep(500 * time.Millisecond) // let it paint
	img := s.screenshot(w, "window-landing-live-card")
	num := func(k string) int { f, _ := pane[k].(float64); return int(f) }
	box := image.Rect(num("x"), num("y"), num("x")+num("w"), num("y")+num("h"))
	colours, dominant := contentStats(img, box)
	t.Logf("card pane %v: %d colours (dominant %.0f%%)", box, colours, dominant*100)
	if box.Dx() < 200 || box.Dy() < 200 || colours < 12 || dominant > 0.97 {
		t.Errorf("the card pane looks empty: %v, %d colours, dominant %.0f%%", box, colours, dominant*100)
	}
}

// Issue 14: with a datastore open, Ctrl+O opens the native folder dialog
// (the header menu's "Open folder…"), typed as a user types it.
func TestWindowCtrlOOpensFolderDialog(t *testing.T) {
	root := fixture.Copy(t, "retry")
	s := launch(t, launchOpts{args: []string{root}})
	w := s.window("Flowdeck", 30*time.Second)
	// The page is up and has landed (the flow list holds the focus).
	s.waitFor("the landing request", 30*time.Second, func(r record) bool {
		return r.str("kind") == "http" && r.str("path") == "/api/landing"
	})
	time.Sleep(1500 * time.Millisecond)
	cx, cy := w.Geo.X+w.Geo.W/2, w.Geo.Y+w.Geo.H/2
	if err := s.x.chord(cx, cy, keysymControlL, keysymO); err != nil {
		t.Fatal(err)
	}
	// The open request is in the test log only once it is answered, which
	// is when the dialog closes: the dialog itself is the proof.
	dlg := s.window("Open a Metaflow datastore (.metaflow)", 30*time.Second)
	t.Logf("folder dialog %+v", dlg.Geo)
	time.Sleep(500 * time.Millisecond)
	// The main window's area, with the dialog over it (it may reach past
	// the screen's edge, which GetImage refuses).
	s.screenshot(w, "window-ctrl-o-dialog")
	if !s.running() {
		t.Fatalf("flowdeck exited: %v", s.exitErr)
	}
}

// Issue 14: with a datastore open, the header menu lists the recent
// folders; a click on one opens it and the window lands there.
func TestWindowMenuOpensRecent(t *testing.T) {
	first := fixture.Copy(t, "retry")
	other := fixture.Copy(t, "default")
	// The recent list of an earlier session (os.UserConfigDir()/flowdeck).
	cfg := t.TempDir()
	os.MkdirAll(filepath.Join(cfg, "flowdeck"), 0o700)
	b, _ := json.Marshal(map[string][]string{"recent": {other}})
	if err := os.WriteFile(filepath.Join(cfg, "flowdeck", "recent.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	s := launch(t, launchOpts{args: []string{first}, env: []string{"XDG_CONFIG_HOME=" + cfg}})
	w := s.window("Flowdeck", 30*time.Second)
	s.waitFor("the first landing", 30*time.Second, func(r record) bool {
		return r.str("kind") == "http" && strings.HasPrefix(r.str("path"), "/api/runs/RetryFlow/")
	})
	clickAt(t, s, w, s.settled("folder-menu", 20*time.Second))
	item := s.settled("menu-recent", 20*time.Second)
	s.screenshot(w, "window-menu-recent")
	clickAt(t, s, w, item)
	s.waitFor("the open request", 20*time.Second, func(r record) bool {
		return r.str("kind") == "http" && r.str("path") == "/api/open" && r.str("method") == "POST"
	})
	s.waitFor("the landing in the other folder", 30*time.Second, func(r record) bool {
		return r.str("kind") == "http" && strings.HasPrefix(r.str("path"), "/api/runs/DefaultCardFlow/")
	})
	time.Sleep(1 * time.Second)
	s.screenshot(w, "window-menu-recent-opened")
	// The folder left is the recent one now (first in the list).
	b, err := os.ReadFile(filepath.Join(cfg, "flowdeck", "recent.json"))
	if err != nil || !strings.Contains(string(b), other) || !strings.Contains(string(b), first) {
		t.Errorf("recent.json after the switch: %s %v", b, err)
	}
}

// Issue 17: the window's header menu has "Open S3 datastore…": typed in
// as a user types it, an s3:// URL opens a bucket on a real S3 server and
// the window lands on its newest run.
func TestWindowOpensS3(t *testing.T) {
	srv, err := s3test.Start(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	const bucket = "wtbucket"
	if err := srv.CreateBucket(t.Context(), bucket); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.UploadTree(t.Context(), bucket, "mf", fixture.Path(t, "default", ".metaflow"), s3test.NotInBucket); err != nil {
		t.Fatal(err)
	}
	root := fixture.Copy(t, "retry")
	// No credentials and a custom endpoint: unsigned requests (docs/s3.md).
	s := launch(t, launchOpts{args: []string{root}, env: []string{
		"AWS_ENDPOINT_URL=" + srv.Endpoint, "AWS_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true",
		"AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_PROFILE=", "XDG_CACHE_HOME=" + t.TempDir()}})
	w := s.window("Flowdeck", 30*time.Second)
	s.waitFor("the first landing", 30*time.Second, func(r record) bool {
		return r.str("kind") == "http" && strings.HasPrefix(r.str("path"), "/api/runs/RetryFlow/")
	})
	clickAt(t, s, w, s.settled("folder-menu", 20*time.Second))
	field := s.settled("menu-open-s3", 20*time.Second)
	clickAt(t, s, w, field)
	num := func(k string) float64 { f, _ := field[k].(float64); return f }
	px, py := w.Geo.X+int(num("x")+num("w")/2), w.Geo.Y+int(num("y")+num("h")/2)
	if err := s.x.typeText(px, py, "s3://"+bucket+"/mf", true); err != nil {
		t.Fatal(err)
	}
	s.waitFor("the open request", 30*time.Second, func(r record) bool {
		return r.str("kind") == "http" && r.str("path") == "/api/open" && r.str("method") == "POST"
	})
	s.waitFor("the landing in the bucket", 30*time.Second, func(r record) bool {
		return r.str("kind") == "http" && strings.HasPrefix(r.str("path"), "/api/runs/DefaultCardFlow/")
	})
	time.Sleep(time.Second)
	s.screenshot(w, "window-open-s3")
	if !s.running() {
		t.Fatalf("flowdeck exited: %v", s.exitErr)
	}
}
