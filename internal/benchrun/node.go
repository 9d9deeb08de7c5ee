package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// nodeScript is a browser driver under frontend/e2e that talks in JSON
// lines: commands on its stdin, messages prefixed "@@ " on its stdout
// (other output is passed through to the log).
type nodeScript struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	msgs   chan map[string]any
	exited chan struct{}
	err    error
}

func (c *config) nodeEnv() []string {
	return append(os.Environ(), "FLOWDECK_BIN="+c.bin)
}

func startNode(c *config, script string, args ...string) (*nodeScript, error) {
	cmd := exec.Command("node", append([]string{filepath.Join(c.repo, "frontend", "e2e", script)}, args...)...)
	cmd.Dir = c.repo
	cmd.Env = c.nodeEnv()
	cmd.Stderr = c.logWriter("  [" + script + "] ")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	n := &nodeScript{cmd: cmd, stdin: stdin, msgs: make(chan map[string]any, 64), exited: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			line := sc.Text()
			if rest, ok := strings.CutPrefix(line, "@@ "); ok {
				var m map[string]any
				if err := json.Unmarshal([]byte(rest), &m); err == nil {
					n.msgs <- m
					continue
				}
			}
			c.logf("  [%s] %s", script, line)
		}
		n.err = cmd.Wait()
		close(n.msgs)
		close(n.exited)
	}()
	return n, nil
}

func (n *nodeScript) send(v any) error {
	b, _ := json.Marshal(v)
	_, err := n.stdin.Write(append(b, '\n'))
	return err
}

// wait returns the next message of the given type ("type" field), skipping
// others, or fails after timeout.
func (n *nodeScript) wait(ctx context.Context, typ string, timeout time.Duration) (map[string]any, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		select {
		case m, ok := <-n.msgs:
			if !ok {
				return nil, fmt.Errorf("browser script exited while waiting for %q: %v", typ, n.err)
			}
			if m["type"] == "error" {
				return m, fmt.Errorf("browser script: %v", m["error"])
			}
			if m["type"] == typ {
				return m, nil
			}
		case <-t.C:
			return nil, fmt.Errorf("browser script: no %q within %s", typ, timeout)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (n *nodeScript) close() {
	n.send(map[string]any{"cmd": "quit"})
	n.stdin.Close()
	select {
	case <-n.exited:
	case <-time.After(20 * time.Second):
		n.cmd.Process.Kill()
		<-n.exited
	}
}

// runNode runs a node script to its end, logging its output.
func runNode(ctx context.Context, c *config, script string, args ...string) error {
	cmd := exec.CommandContext(ctx, "node", append([]string{filepath.Join(c.repo, "frontend", "e2e", script)}, args...)...)
	cmd.Dir = c.repo
	cmd.Env = c.nodeEnv()
	w := c.logWriter("  [" + script + "] ")
	cmd.Stdout, cmd.Stderr = w, w
	return cmd.Run()
}

// openPage starts bench-drive.mjs and opens url#hash in it, waiting for
// the selector wait. The caller closes the driver.
func openPage(ctx context.Context, c *config, url, hash, wait string) (*nodeScript, error) {
	drv, err := startNode(c, "bench-drive.mjs")
	if err != nil {
		return nil, err
	}
	if _, err := drv.wait(ctx, "started", time.Minute); err != nil {
		drv.close()
		return nil, err
	}
	drv.send(map[string]any{"cmd": "open", "url": url, "hash": hash, "wait": wait})
	if _, err := drv.wait(ctx, "opened", 2*time.Minute); err != nil {
		drv.close()
		return nil, err
	}
	return drv, nil
}
