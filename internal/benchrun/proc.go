package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// serveProc is one `flowdeck serve` process under measurement.
type serveProc struct {
	cmd     *exec.Cmd
	pid     int
	url     string
	token   string
	spawnAt time.Time
	readyAt time.Time
	stderr  *syncBuffer
	exited  chan struct{}
	client  *http.Client
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b.Len() > 1<<20 { // keep the first MB: enough to see what went wrong
		return len(p), nil
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var reServing = regexp.MustCompile(`serving on (http://\S+)`)
var reToken = regexp.MustCompile(`<meta name="flowdeck-token" content="([^"]+)"`)

// startServe spawns `flowdeck serve root --addr 127.0.0.1:0 --debug-api`
// (the /api/debug routes) and returns once it has printed its URL and the
// page's API secret has been read.
func startServe(ctx context.Context, bin, root string, env ...string) (*serveProc, error) {
	cmd := exec.Command(bin, "serve", root, "--addr", "127.0.0.1:0", "--debug-api")
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s := &serveProc{cmd: cmd, stderr: &syncBuffer{}, exited: make(chan struct{}), client: &http.Client{Timeout: 5 * time.Minute}}
	cmd.Stderr = s.stderr
	s.spawnAt = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s.pid = cmd.Process.Pid
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sent := false
		for sc.Scan() {
			if m := reServing.FindStringSubmatch(sc.Text()); m != nil && !sent {
				s.readyAt = time.Now()
				urls <- m[1]
				sent = true
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() { cmd.Wait(); close(s.exited) }()
	select {
	case s.url = <-urls:
	case <-s.exited:
		return nil, fmt.Errorf("flowdeck serve exited before serving: %s", s.stderr.String())
	case <-time.After(2 * time.Minute):
		s.kill()
		return nil, errors.New("flowdeck serve did not print its URL within 2 minutes")
	case <-ctx.Done():
		s.kill()
		return nil, ctx.Err()
	}
	resp, err := s.client.Get(s.url)
	if err != nil {
		s.stop()
		return nil, err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// The last one: index.html mentions the tag in a comment first.
	for _, m := range reToken.FindAllSubmatch(page, -1) {
		if len(m[1]) >= 16 {
			s.token = string(m[1])
		}
	}
	if s.token == "" {
		s.stop()
		return nil, errors.New("no flowdeck-token in the served page")
	}
	return s, nil
}

// getRaw fetches an API path with the secret.
func (s *serveProc) getRaw(path string) ([]byte, error) {
	req, _ := http.NewRequest("GET", strings.TrimSuffix(s.url, "/")+path, nil)
	req.Header.Set("X-Flowdeck-Token", s.token)
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return b, fmt.Errorf("GET %s: %s: %.200s", path, resp.Status, b)
	}
	return b, nil
}

func (s *serveProc) get(path string, v any) error {
	b, err := s.getRaw(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// dsStatus is the part of GET /api/datastore the benchmarks read.
type dsStatus struct {
	Indexing struct {
		Done  int `json:"done"`
		Total int `json:"total"`
	} `json:"indexing"`
	Watch struct {
		Mode    string `json:"mode"`
		Watches int    `json:"watches"`
	} `json:"watch"`
}

func (s *serveProc) status() (dsStatus, error) {
	var st dsStatus
	err := s.get("/api/datastore", &st)
	return st, err
}

// waitIndexed polls /api/datastore every 10 ms until every run is read and
// returns when that was first seen.
func (s *serveProc) waitIndexed(ctx context.Context, timeout time.Duration) (time.Time, dsStatus, error) {
	deadline := time.Now().Add(timeout)
	for {
		st, err := s.status()
		if err == nil && st.Indexing.Total > 0 && st.Indexing.Done >= st.Indexing.Total {
			return time.Now(), st, nil
		}
		if time.Now().After(deadline) {
			return time.Time{}, st, fmt.Errorf("index not complete after %s (%d of %d runs; err %v)", timeout, st.Indexing.Done, st.Indexing.Total, err)
		}
		select {
		case <-ctx.Done():
			return time.Time{}, st, ctx.Err()
		case <-s.exited:
			return time.Time{}, st, fmt.Errorf("flowdeck serve exited: %s", s.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// runtimeStats is the part of GET /api/debug/runtime the benchmarks read.
type runtimeStats struct {
	Goroutines int    `json:"goroutines"`
	HeapAlloc  uint64 `json:"heap_alloc"`
	HeapInuse  uint64 `json:"heap_inuse"`
}

func (s *serveProc) runtime(gc bool) (runtimeStats, error) {
	var rt runtimeStats
	p := "/api/debug/runtime"
	if gc {
		p += "?gc=1"
	}
	err := s.get(p, &rt)
	return rt, err
}

func (s *serveProc) stop() {
	if s == nil || s.cmd.Process == nil {
		return
	}
	select {
	case <-s.exited:
		return
	default:
	}
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		s.kill()
	}
}

func (s *serveProc) kill() {
	s.cmd.Process.Kill()
	<-s.exited
}

// rss returns the resident set and its peak (VmHWM) in bytes.
func rss(pid int) (cur, peak int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			cur = v << 10
		case "VmHWM:":
			peak = v << 10
		}
	}
	return cur, peak
}

// clkTck is USER_HZ, the unit of utime and stime in /proc/<pid>/stat.
var clkTck = func() float64 {
	if out, err := exec.Command("getconf", "CLK_TCK").Output(); err == nil {
		if v, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64); err == nil && v > 0 {
			return v
		}
	}
	return 100
}()

// cpuSeconds is the process's user + system CPU time so far.
func cpuSeconds(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	// Fields after ")": state(0) ... utime(11) stime(12).
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (u + st) / clkTck
}

// cpuMeter measures a process's CPU use over a window, in % of one core.
type cpuMeter struct {
	pid  int
	t0   time.Time
	cpu0 float64
}

func startCPU(pid int) cpuMeter { return cpuMeter{pid: pid, t0: time.Now(), cpu0: cpuSeconds(pid)} }

func (m cpuMeter) percent() (pct float64, cpu float64, wall time.Duration) {
	wall = time.Since(m.t0)
	cpu = cpuSeconds(m.pid) - m.cpu0
	return 100 * cpu / wall.Seconds(), cpu, wall
}

// loadavg is the 1-minute load average.
func loadavg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b))
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}

type machine struct {
	CPU      string  `json:"cpu"`
	Cores    int     `json:"cores"`
	MemoryGB float64 `json:"memory_gb"`
	Kernel   string  `json:"kernel"`
	Go       string  `json:"go"`
	Chromium string  `json:"chromium"`
	Node     string  `json:"node"`
	Commit   string  `json:"commit"`
	Dirty    bool    `json:"dirty"`
	Load     [3]float64
}

func machineInfo() machine {
	m := machine{Cores: runtime.NumCPU(), Go: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				m.CPU = strings.TrimSpace(l[strings.IndexByte(l, ':')+1:])
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			f := strings.Fields(l)
			if len(f) >= 2 && f[0] == "MemTotal:" {
				kb, _ := strconv.ParseFloat(f[1], 64)
				m.MemoryGB = kb / (1 << 20)
			}
		}
	}
	var u syscall.Utsname
	if syscall.Uname(&u) == nil {
		m.Kernel = charsToString(u.Release[:])
	}
	if out, err := exec.Command(chromiumPath(), "--version").Output(); err == nil {
		m.Chromium = strings.TrimSpace(string(out))
	}
	if out, err := exec.Command("node", "--version").Output(); err == nil {
		m.Node = strings.TrimSpace(string(out))
	}
	if out, err := exec.Command("git", "rev-parse", "--short=12", "HEAD").Output(); err == nil {
		m.Commit = strings.TrimSpace(string(out))
	}
	if out, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil {
		m.Dirty = len(bytes.TrimSpace(out)) > 0
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		f := strings.Fields(string(b))
		for i := 0; i < 3 && i < len(f); i++ {
			m.Load[i], _ = strconv.ParseFloat(f[i], 64)
		}
	}
	return m
}

func charsToString[T int8 | uint8](cs []T) string {
	b := make([]byte, 0, len(cs))
	for _, c := range cs {
		if c == 0 {
			break
		}
		b = append(b, byte(c))
	}
	return string(b)
}

func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}
