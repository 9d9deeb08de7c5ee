// Package s3test runs a real S3-compatible server (SeaweedFS's weed, see
// scripts/weed.sh) on loopback for tests, and uploads fixtures into it the
// way Metaflow's S3 datastore holds them.
package s3test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// WeedVersion is the SeaweedFS module version scripts/weed.sh builds.
const WeedVersion = "v0.0.0-20261109003541-7506e5f91cd6"

// ErrNoWeed: the weed binary is missing.
var ErrNoWeed = errors.New("s3test: weed binary not found: build it once with `bash scripts/weed.sh` (about 4 minutes), or set FLOWDECK_WEED to a weed binary")

// WeedPath is the weed binary: $FLOWDECK_WEED, else where scripts/weed.sh
// caches it. A missing binary is an error, never a skipped test.
func WeedPath() (string, error) {
	p := os.Getenv("FLOWDECK_WEED")
	if p == "" {
		cache := os.Getenv("FLOWDECK_WEED_CACHE")
		if cache == "" {
			base := os.Getenv("XDG_CACHE_HOME")
			if base == "" {
				home, err := os.UserHomeDir()
				if err != nil {
					return "", fmt.Errorf("%w (%v)", ErrNoWeed, err)
				}
				base = filepath.Join(home, ".cache")
			}
			cache = filepath.Join(base, "flowdeck")
		}
		p = filepath.Join(cache, "weed-"+WeedVersion, "weed")
	}
	if fi, err := os.Stat(p); err != nil || fi.IsDir() {
		return "", fmt.Errorf("%w (looked at %s)", ErrNoWeed, p)
	}
	return p, nil
}

// Server is a running weed with its S3 gateway.
type Server struct {
	// Endpoint is the S3 endpoint URL, http://127.0.0.1:<port>.
	Endpoint string
	dir      string
	bin      string
	args     []string
	ctx      context.Context
	cmd      *exec.Cmd
	done     chan struct{}
	stop     context.CancelFunc
}

// Start runs `weed mini` (master, volume, filer, S3 gateway and admin in
// one process) in a new temporary folder on free loopback ports, with the
// extra listeners (Iceberg, Lance, WebDAV, admin UI, telemetry) off, and
// returns once the S3 gateway takes writes. The server stops when ctx
// ends or on Close.
func Start(ctx context.Context) (*Server, error) {
	bin, err := WeedPath()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "flowdeck-weed-")
	if err != nil {
		return nil, fmt.Errorf("s3test: %w", err)
	}
	ports, err := freePorts(5)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("s3test: %w", err)
	}
	args := []string{"-logdir=" + dir, "mini",
		"-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-dir=" + data,
		"-s3.port=" + strconv.Itoa(ports[0]),
		"-master.port=" + strconv.Itoa(ports[1]),
		"-volume.port=" + strconv.Itoa(ports[2]),
		"-filer.port=" + strconv.Itoa(ports[3]),
		"-admin.port=" + strconv.Itoa(ports[4]), "-admin.port.legacy=0", "-admin.ui=false",
		"-webdav=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
		"-master.telemetry=false",
		// Without these limits writes can hang waiting for volume space.
		"-master.volumeSizeLimitMB=64", "-volume.max=50"}
	s := &Server{Endpoint: "http://127.0.0.1:" + strconv.Itoa(ports[0]), dir: dir, bin: bin, args: args, ctx: ctx}
	if err := s.run(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

// run starts weed with the server's arguments and waits until it takes
// writes.
func (s *Server) run() error {
	log, err := os.OpenFile(filepath.Join(s.dir, "weed.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("s3test: %w", err)
	}
	defer log.Close()
	cctx, cancel := context.WithCancel(s.ctx)
	cmd := exec.CommandContext(cctx, s.bin, s.args...)
	cmd.Stdout, cmd.Stderr = log, log
	setGroup(cmd)
	if err := cmd.Start(); err != nil {
		cancel()
		return fmt.Errorf("s3test: start weed: %w", err)
	}
	s.cmd, s.done, s.stop = cmd, make(chan struct{}), cancel
	done := s.done
	go func() { cmd.Wait(); close(done) }()
	if err := s.waitReady(cctx, 60*time.Second); err != nil {
		s.Stop()
		return err
	}
	return nil
}

// Stop stops weed and keeps its data, for a test of S3 going away;
// Restart brings it back on the same port with the same objects.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	killGroup(s.cmd)
	s.stop()
	<-s.done
	s.cmd = nil
}

// Restart starts a stopped server again.
func (s *Server) Restart() error {
	if s.cmd != nil {
		return nil
	}
	return s.run()
}

// Close stops weed (its whole process group) and removes its folder.
func (s *Server) Close() {
	s.Stop()
	os.RemoveAll(s.dir)
}

// Log is the tail of weed's output, for a failing test's message.
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "weed.log"))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// waitReady probes with a PUT: the gateway answers HTTP seconds before it
// can store anything.
func (s *Server) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return fmt.Errorf("s3test: weed exited: %s", s.Log())
		default:
		}
		if last = s.CreateBucket(ctx, "flowdeck-probe"); last == nil {
			if last = s.Put(ctx, "flowdeck-probe", "probe", []byte("ok")); last == nil {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return fmt.Errorf("s3test: weed not ready after %v: %v\n%s", limit, last, s.Log())
}

// CreateBucket creates a bucket; one that exists already is fine.
func (s *Server) CreateBucket(ctx context.Context, bucket string) error {
	code, body, err := s.do(ctx, http.MethodPut, "/"+bucket, nil)
	if err != nil {
		return err
	}
	if code/100 != 2 && !strings.Contains(body, "BucketAlreadyOwnedByYou") && !strings.Contains(body, "BucketAlreadyExists") {
		return fmt.Errorf("s3test: create bucket %s: %d %s", bucket, code, body)
	}
	return nil
}

// Put writes one object with an anonymous PUT (weed without IAM takes
// them), as a whole, like Metaflow's S3 datastore.
func (s *Server) Put(ctx context.Context, bucket, key string, body []byte) error {
	code, msg, err := s.do(ctx, http.MethodPut, "/"+bucket+"/"+key, body)
	if err != nil {
		return err
	}
	if code/100 != 2 {
		return fmt.Errorf("s3test: put %s/%s: %d %s", bucket, key, code, msg)
	}
	return nil
}

// Delete removes one object.
func (s *Server) Delete(ctx context.Context, bucket, key string) error {
	code, msg, err := s.do(ctx, http.MethodDelete, "/"+bucket+"/"+key, nil)
	if err != nil {
		return err
	}
	if code/100 != 2 {
		return fmt.Errorf("s3test: delete %s/%s: %d %s", bucket, key, code, msg)
	}
	return nil
}

func (s *Server) do(ctx context.Context, method, p string, body []byte) (int, string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, s.Endpoint+p, bytes.NewReader(body))
	if err != nil {
		return 0, "", fmt.Errorf("s3test: %w", err)
	}
	req.ContentLength = int64(len(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", fmt.Errorf("s3test: %s %s: %w", method, p, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return resp.StatusCode, string(b), nil
}

// freePorts finds n loopback ports p whose p+10000 (weed's gRPC port for
// each service) is free too.
func freePorts(n int) ([]int, error) {
	var ports []int
	var held []net.Listener
	defer func() {
		for _, l := range held {
			l.Close()
		}
	}()
	for tries := 0; len(ports) < n && tries < 200; tries++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("s3test: %w", err)
		}
		p := l.Addr().(*net.TCPAddr).Port
		if p+10000 > 65535 {
			l.Close()
			continue
		}
		g, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p+10000))
		if err != nil {
			l.Close()
			continue
		}
		held = append(held, l, g)
		ports = append(ports, p)
	}
	if len(ports) < n {
		return nil, errors.New("s3test: no free loopback port pairs (p, p+10000)")
	}
	return ports, nil
}
