//go:build windowtest

package windowtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func newCommand(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

func flowdeckBin(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("FLOWDECK_BIN")
	if bin == "" {
		bin, _ = filepath.Abs("../../bin/flowdeck")
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("flowdeck binary not found at %s (run scripts/build.sh or set FLOWDECK_BIN): %v", bin, err)
	}
	return bin
}

// record is one line of the app's FLOWDECK_TEST_LOG.
type record map[string]any

func (r record) str(k string) string { s, _ := r[k].(string); return s }

// canaryServer records every request to 127.0.0.1:47291, the hostile
// fixture's canary.
type canaryServer struct {
	mu   sync.Mutex
	reqs []string
	srv  *http.Server
}

func startCanary(t *testing.T) *canaryServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:47291")
	if err != nil {
		t.Fatalf("canary: %v", err)
	}
	c := &canaryServer{}
	c.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.reqs = append(c.reqs, r.Method+" "+r.URL.String())
		c.mu.Unlock()
		w.Write([]byte("canary"))
	})}
	go c.srv.Serve(ln)
	t.Cleanup(func() { c.srv.Close() })
	return c
}

func (c *canaryServer) requests() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.reqs...)
}

// session is one run of the real binary in its own Xvfb.
type session struct {
	t       *testing.T
	x       *xconn
	cmd     *exec.Cmd
	log     string
	opened  string // the fake xdg-open's record
	stderr  *bytes.Buffer
	exited  chan struct{}
	exitErr error
	home    string
}

type launchOpts struct {
	args []string
	env  []string
	// bin is the binary to run (default: flowdeckBin); dir its working
	// directory (default: the test's).
	bin string
	dir string
}

// launch starts Xvfb and the binary on it, with a test log, and a fake
// xdg-open (x-www-browser, www-browser) first on PATH that records its
// arguments. Flowdeck's own guard goes before it.
func launch(t *testing.T, o launchOpts) *session {
	t.Helper()
	display, stopX, err := startXvfb()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stopX)
	x, err := dialX(display)
	if err != nil {
		t.Fatalf("connect to Xvfb :%d: %v", display, err)
	}
	t.Cleanup(func() { x.Close() })
	dir := t.TempDir()
	fake := filepath.Join(dir, "fakebin")
	os.MkdirAll(fake, 0o755)
	opened := filepath.Join(dir, "xdg-open.log")
	script := fmt.Sprintf("#!/bin/sh\necho \"$0 $*\" >> %q\n", opened)
	for _, n := range []string{"xdg-open", "x-www-browser", "www-browser"} {
		if err := os.WriteFile(filepath.Join(fake, n), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	home := filepath.Join(dir, "home")
	os.MkdirAll(home, 0o755)
	s := &session{t: t, x: x, log: filepath.Join(dir, "test.jsonl"), opened: opened, home: home,
		stderr: &bytes.Buffer{}, exited: make(chan struct{})}
	bin := o.bin
	if bin == "" {
		bin = flowdeckBin(t)
	}
	// --debug-api: the hooks below (FLOWDECK_TEST_*) are read only then.
	cmd := newCommand(bin, append(slices.Clone(o.args), "--debug-api")...)
	cmd.Dir = o.dir
	env := []string{}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "DISPLAY", "WAYLAND_DISPLAY", "PATH", "HOME", "XDG_CONFIG_HOME", "FLOWDECK_TEST_LOG", "FLOWDECK_TEST_ROUTE",
			"FLOWDECK_TEST_KEEP_CHANNEL", "XAUTHORITY":
			continue
		}
		env = append(env, kv)
	}
	env = append(env, fmt.Sprintf("DISPLAY=:%d", display), "PATH="+fake+string(os.PathListSeparator)+os.Getenv("PATH"),
		"HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "FLOWDECK_TEST_LOG="+s.log, "NO_AT_BRIDGE=1")
	cmd.Env = append(env, o.env...)
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s.cmd = cmd
	go func() {
		s.exitErr = cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		s.kill()
		if t.Failed() {
			t.Logf("stderr of flowdeck:\n%s", s.stderr.String())
			for _, r := range s.records() {
				if r.str("kind") != "wails-log" {
					b, _ := json.Marshal(r)
					t.Logf("log: %s", b)
				}
			}
		}
	})
	return s
}

func (s *session) kill() {
	if s.running() {
		syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.exited
	}
}

func (s *session) running() bool {
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

func (s *session) records() []record {
	b, err := os.ReadFile(s.log)
	if err != nil {
		return nil
	}
	var out []record
	for _, line := range bytes.Split(b, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var r record
		if json.Unmarshal(line, &r) == nil {
			out = append(out, r)
		}
	}
	return out
}

// waitFor polls the test log until match finds a record.
func (s *session) waitFor(what string, timeout time.Duration, match func(record) bool) record {
	s.t.Helper()
	return poll(s, what, timeout, 50*time.Millisecond, s.records, match)
}

// poll reads items every interval until match finds one; it fails the test
// at timeout, or at once when flowdeck has exited.
func poll[T any](s *session, what string, timeout, interval time.Duration, items func() []T, match func(T) bool) T {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		for _, it := range items() {
			if match(it) {
				return it
			}
		}
		if !s.running() {
			s.t.Fatalf("flowdeck exited (%v) while waiting for %s", s.exitErr, what)
		}
		time.Sleep(interval)
	}
	s.t.Fatalf("timed out after %s waiting for %s", timeout, what)
	var zero T
	return zero
}

func (s *session) kinds(kind string) []record {
	var out []record
	for _, r := range s.records() {
		if r.str("kind") == kind {
			out = append(out, r)
		}
	}
	return out
}

func (s *session) pageEvents(event string) []record {
	var out []record
	for _, r := range s.kinds("page") {
		if r.str("event") == event {
			out = append(out, r)
		}
	}
	return out
}

// window finds the top-level window with the given title.
func (s *session) window(title string, timeout time.Duration) xwindow {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		ws, err := s.x.toplevels()
		if err != nil {
			s.t.Fatal(err)
		}
		for _, w := range ws {
			if w.Name == title && w.State == 2 {
				return w
			}
		}
		if !s.running() {
			s.t.Fatalf("flowdeck exited (%v) before its window %q showed", s.exitErr, title)
		}
		time.Sleep(50 * time.Millisecond)
	}
	ws, _ := s.x.toplevels()
	s.t.Fatalf("no mapped window %q after %s; top-level windows: %+v", title, timeout, ws)
	return xwindow{}
}

// windowByID re-reads a window's state.
func (s *session) windowByID(id uint32) (xwindow, bool) {
	ws, err := s.x.toplevels()
	if err != nil {
		s.t.Fatal(err)
	}
	for _, w := range ws {
		if w.ID == id {
			return w, true
		}
	}
	return xwindow{}, false
}

// screenshot captures a window, stores it as artifacts/<name>.png and
// returns it.
func (s *session) screenshot(w xwindow, name string) *image.RGBA {
	s.t.Helper()
	img, err := s.x.capture(w.ID, w.Geo)
	if err != nil {
		s.t.Fatalf("capture: %v", err)
	}
	os.MkdirAll("artifacts", 0o755)
	f, err := os.Create(filepath.Join("artifacts", name+".png"))
	if err != nil {
		s.t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		s.t.Fatal(err)
	}
	return img
}

// contentStats says how much is drawn in a rectangle of img: the number of
// distinct colours (quantized) and the share of the most common one.
func contentStats(img *image.RGBA, r image.Rectangle) (colours int, dominant float64) {
	r = r.Intersect(img.Bounds())
	counts := map[uint32]int{}
	total := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := img.RGBAAt(x, y)
			k := uint32(c.R>>3)<<10 | uint32(c.G>>3)<<5 | uint32(c.B>>3)
			counts[k]++
			total++
		}
	}
	max := 0
	for _, n := range counts {
		if n > max {
			max = n
		}
	}
	if total == 0 {
		return 0, 1
	}
	return len(counts), float64(max) / float64(total)
}
