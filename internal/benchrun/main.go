// Command benchrun is Flowdeck's benchmark suite and soak test, run by
// `make bench` (scripts/bench.sh builds the binary first):
//
//	go run ./internal/benchrun [flags] [all|bench|soak]
//
// "bench" generates (or reuses) the mfsim datastores, runs every benchmark
// against the real binary and headless Chromium and prints one table with
// Flowdeck's performance targets; "soak" runs the 300-task live run for
// SOAK_MINUTES (default 10) with the UI open on it and checks memory,
// goroutines, index equality, final cards on screen and that nothing in
// the datastore was written; "all" (the default) runs both and, at full
// size, writes the table into docs/benchmarks.md (the Summary section).
//
// Environment: BENCH_QUICK=1 (200 runs, a 2-minute soak, shorter windows;
// never written to docs), SOAK_MINUTES, FLOWDECK_BENCH_DIR (where the
// 1,000-run datastore is cached), FLOWDECK_BIN, CHROMIUM.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

type config struct {
	repo        string
	bin         string
	quick       bool
	soakMinutes float64
	idleSeconds int
	writeDocs   bool
	only        map[string]bool
	outDir      string

	logMu sync.Mutex
	log   io.Writer
}

func (c *config) logf(format string, args ...any) {
	c.logMu.Lock()
	defer c.logMu.Unlock()
	fmt.Fprintf(c.log, "%s %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

type prefixWriter struct {
	c      *config
	prefix string
	buf    []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			break
		}
		p.c.logf("%s%s", p.prefix, p.buf[:i])
		p.buf = p.buf[i+1:]
	}
	return len(b), nil
}

func (c *config) logWriter(prefix string) io.Writer { return &prefixWriter{c: c, prefix: prefix} }

func (c *config) want(name string) bool { return len(c.only) == 0 || c.only[name] }

func envBool(k string) bool { v := os.Getenv(k); return v != "" && v != "0" && v != "false" }

func main() {
	c, mode := parseConfig()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	failed := run(ctx, c, mode)
	if len(failed) > 0 {
		for _, f := range failed {
			fmt.Fprintln(os.Stderr, "benchrun:", f)
		}
		stop()
		os.Exit(1)
	}
}

// parseConfig reads the flags and the environment; it exits on a bad
// mode or a missing binary.
func parseConfig() (*config, string) {
	c := &config{log: os.Stderr}
	flag.BoolVar(&c.quick, "quick", envBool("BENCH_QUICK"), "200 runs, short windows, a 2-minute soak (not written to docs)")
	docs := flag.String("docs", "auto", "write the Summary of docs/benchmarks.md: auto (full-size `all` runs), yes, no")
	only := flag.String("only", os.Getenv("BENCH_ONLY"), "comma-separated benchmarks to run: open,index,watches,idle,decode,go,native,original,dashboard,s3 (default all)")
	flag.StringVar(&c.bin, "bin", os.Getenv("FLOWDECK_BIN"), "the flowdeck binary (default bin/flowdeck)")
	flag.Parse()
	mode := "all"
	if flag.NArg() > 0 {
		mode = flag.Arg(0)
	}
	switch mode {
	case "all", "bench", "soak":
	default:
		fmt.Fprintf(os.Stderr, "benchrun: unknown mode %q (all, bench, soak)\n", mode)
		os.Exit(2)
	}
	wd, _ := os.Getwd()
	c.repo = findRepo(wd)
	if c.bin == "" {
		c.bin = filepath.Join(c.repo, "bin", "flowdeck")
	}
	if _, err := os.Stat(c.bin); err != nil {
		fmt.Fprintf(os.Stderr, "benchrun: %s not found: run `bash scripts/build.sh` (make bench does)\n", c.bin)
		os.Exit(1)
	}
	c.soakMinutes = 10
	c.idleSeconds = 60
	if c.quick {
		c.soakMinutes = 2
		c.idleSeconds = 20
	}
	if v := os.Getenv("SOAK_MINUTES"); v != "" {
		if f, err := strconv.ParseFloat(v, 64); err == nil && f > 0 {
			c.soakMinutes = f
		}
	}
	if *only != "" {
		c.only = map[string]bool{}
		for _, s := range strings.Split(*only, ",") {
			c.only[strings.TrimSpace(s)] = true
		}
	}
	switch *docs {
	case "yes":
		c.writeDocs = true
	case "auto":
		c.writeDocs = mode == "all" && !c.quick && len(c.only) == 0 && c.soakMinutes >= 10
	}
	c.outDir = filepath.Join(c.repo, "bin", "bench")
	os.MkdirAll(c.outDir, 0o755)
	return c, mode
}

// run runs the benchmarks and the soak the mode asks for, writes
// results.json (and the Summary of docs/benchmarks.md when asked), and
// returns what failed.
func run(ctx context.Context, c *config, mode string) (failed []string) {
	res := &results{When: time.Now(), Quick: c.quick, Machine: machineInfo()}
	start := time.Now()
	if mode == "all" || mode == "bench" {
		if err := runBenchmarks(ctx, c, res); err != nil {
			c.logf("benchmarks: %v", err)
			failed = append(failed, "benchmarks: "+err.Error())
		}
	}
	if (mode == "all" || mode == "soak") && ctx.Err() == nil {
		s, err := runSoak(ctx, c)
		res.Soak = s
		if err != nil {
			c.logf("soak: %v", err)
			failed = append(failed, "soak: "+err.Error())
		}
	}
	res.Duration = time.Since(start).Round(time.Second).String()
	res.LoadEnd = loadavg()
	table := renderSummary(res, c)
	fmt.Println()
	fmt.Println(table)
	b, _ := json.MarshalIndent(res, "", " ")
	os.WriteFile(filepath.Join(c.outDir, "results.json"), b, 0o644)
	c.logf("results: %s", filepath.Join(c.outDir, "results.json"))
	if c.writeDocs && len(failed) == 0 {
		if err := writeDocs(filepath.Join(c.repo, "docs", "benchmarks.md"), table); err != nil {
			c.logf("docs: %v", err)
			failed = append(failed, err.Error())
		} else {
			c.logf("wrote the Summary of docs/benchmarks.md")
		}
	} else if c.writeDocs {
		c.logf("docs/benchmarks.md not written: the run had errors")
	}
	return failed
}

func findRepo(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && strings.Contains(string(b), "module flowdeck") {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}
