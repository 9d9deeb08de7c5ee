package mfsim

import (
	"context"
	"fmt"
	"path"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// BulkOptions configure Bulk. Zero values take the defaults, which make
// the benchmark datastore of docs/design.md: 1,000 finished runs and 100,000
// tasks.
type BulkOptions struct {
	Flows       int // flows the runs are spread over (default 10)
	Runs        int // runs in all (default 1,000)
	TasksPerRun int // tasks per run, at least 4: start, a foreach body, join, end (default 100)
	// CardsPerTask is the number of blank cards on each foreach task
	// (default 1; -1 for none). The join task always has a default card.
	CardsPerTask int
	// Bundle pads cards to real size with BundlePadded (≈1.08 MB each:
	// 100,000 of them need ~110 GB). Default: the ~1 KB stand-in.
	Bundle Bundle
	// FailEvery makes every n-th run fail in its foreach (default 10, -1 never).
	FailEvery int
	// RetryEvery gives every n-th run a foreach task that fails once and
	// succeeds on retry (default 7, -1 never).
	RetryEvery int
	// Lean leaves out the files no viewer needs twice, for a datastore with
	// ~35 % fewer files: the orchestrator's copy of the system sysmeta and
	// the artifact records of internal artifacts other than _task_ok (blobs
	// and data.json stay complete). Real Metaflow writes them all.
	Lean bool
	// Workers is the number of runs written at once (default GOMAXPROCS:
	// file creation is the bottleneck and more writers only contend).
	Workers int
	// Seed makes the output reproducible (default 1).
	Seed uint64
	// Start is the first run's time; runs follow every Spacing (default:
	// 10 minutes, ending at DefaultStart).
	Start   time.Time
	Spacing time.Duration
	// Mode defaults to Direct: no temp files, nobody is reading yet.
	Mode WriteMode
	// Version is the Metaflow release to imitate.
	Version Version
	// Progress, if set, is called after each run with the runs done so far.
	Progress func(done, total int)
}

func (o *BulkOptions) defaults() {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.Flows, 10)
	def(&o.Runs, 1000)
	def(&o.TasksPerRun, 100)
	def(&o.CardsPerTask, 1)
	def(&o.FailEvery, 10)
	def(&o.RetryEvery, 7)
	def(&o.Workers, runtime.GOMAXPROCS(0))
	if o.TasksPerRun < 4 {
		o.TasksPerRun = 4
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Spacing <= 0 {
		o.Spacing = 10 * time.Minute
	}
	if o.Start.IsZero() {
		o.Start = DefaultStart.Add(-time.Duration(o.Runs) * o.Spacing)
	}
	if o.Mode == Atomic {
		o.Mode = Direct
	}
}

// Bulk writes a large datastore of finished runs into root (a .metaflow
// folder) for benchmarks: Flows flows named BenchFlow00…, each run
// start -> process (a foreach of TasksPerRun-3 tasks with cards) -> join
// (default card) -> end, with the full metadata of real runs (both sets
// of system sysmeta, attempt files, artifact records and blobs, data.json,
// DONE, logs, card-info). Some runs fail and some retry a task. Runs are
// written concurrently, each by its own simulated clock and seed, so the
// result does not depend on scheduling.
func Bulk(ctx context.Context, root string, o BulkOptions) error {
	if root == "" {
		return errEmptyRoot
	}
	o.defaults()
	blobs := &sync.Map{}
	// Flow objects first, so that no two runs race to create them.
	for f := 0; f < o.Flows; f++ {
		d := New(root, Options{Mode: o.Mode, Version: o.Version, Clock: NewSimClock(o.Start.Add(-time.Minute), time.Millisecond)})
		if err := d.Flow(bulkFlow(f)).writeSelf(d.now()); err != nil {
			return err
		}
	}
	var (
		next   atomic.Int64
		done   atomic.Int64
		wg     sync.WaitGroup
		mu     sync.Mutex
		errOut error
	)
	latest := make([]string, o.Flows)
	for w := 0; w < o.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= o.Runs || ctx.Err() != nil {
					return
				}
				mu.Lock()
				failed := errOut != nil
				mu.Unlock()
				if failed {
					return
				}
				id, err := bulkRun(root, i, &o, blobs)
				mu.Lock()
				if err != nil && errOut == nil {
					errOut = err
				}
				if f := i % o.Flows; err == nil && runAfter(id, latest[f]) {
					latest[f] = id
				}
				mu.Unlock()
				n := int(done.Add(1))
				if o.Progress != nil {
					o.Progress(n, o.Runs)
				}
			}
		}()
	}
	wg.Wait()
	if errOut != nil {
		return errOut
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// latest_run names the newest run, whichever worker finished last.
	w := &fileWriter{root: root, mode: o.Mode}
	for f, id := range latest {
		if id == "" {
			continue
		}
		if err := w.put(path.Join(bulkFlow(f), "latest_run"), []byte(id)); err != nil {
			return err
		}
	}
	return nil
}

func bulkFlow(i int) string { return fmt.Sprintf("BenchFlow%02d", i) }

func runAfter(a, b string) bool {
	if b == "" {
		return true
	}
	return len(a) > len(b) || (len(a) == len(b) && a > b)
}

var bulkUsers = []string{"tester", "alice", "bob", "carol"}

// bulkRun writes run i and returns its id.
func bulkRun(root string, i int, o *BulkOptions, blobs *sync.Map) (string, error) {
	start := o.Start.Add(time.Duration(i) * o.Spacing)
	user := bulkUsers[i%len(bulkUsers)]
	d := New(root, Options{
		Mode: o.Mode, Version: o.Version, Bundle: o.Bundle, User: user,
		Clock: NewSimClock(start, 3*time.Millisecond),
		Seed:  o.Seed*1_000_003 + uint64(i),
	})
	d.blobSet = blobs
	d.lean = o.Lean
	d.blobTime = o.Start
	var tags []string
	switch i % 5 {
	case 1:
		tags = []string{"nightly"}
	case 3:
		tags = []string{"team:ml", "bench"}
	}
	width := o.TasksPerRun - 3
	r, err := d.Flow(bulkFlow(i % o.Flows)).NewRun(RunOptions{
		Tags:   tags,
		Params: []Param{{"width", width}, {"lr", 0.01}},
		Graph:  ForeachGraph("process", "join"),
	})
	if err != nil {
		return "", err
	}
	items := make([]string, width)
	for k := range items {
		items[k] = "item_" + strconv.Itoa(k)
	}
	st, err := r.Step("start").NewTask(TaskOptions{Split: &Split{Var: "items", Values: items}})
	if err != nil {
		return "", err
	}
	if err := st.Begin(); err != nil {
		return "", err
	}
	st.SetArtifact("items", stringsToAny(items))
	if err := st.Complete(true); err != nil {
		return "", err
	}
	failAt, retryAt := -1, -1
	if o.FailEvery > 0 && i%o.FailEvery == o.FailEvery-1 {
		failAt = width - 1
	}
	if o.RetryEvery > 0 && i%o.RetryEvery == o.RetryEvery-1 {
		retryAt = width / 2
	}
	for k, item := range items {
		attempts := 1
		if k == retryAt {
			attempts = 2
		}
		// The failing task fails for good; the retried one fails once.
		fails := func(a int) bool { return k == failAt || (k == retryAt && a == 0) }
		if err := bulkTask(d, r, o, item, k, width, attempts, fails); err != nil {
			return "", err
		}
	}
	if failAt >= 0 {
		return r.id, nil
	}
	return r.id, bulkJoinEnd(r, width)
}

// bulkTask writes foreach task k of a bulk run, with its cards, in as many
// attempts as asked; fails says which attempts fail.
func bulkTask(d *Datastore, r *Run, o *BulkOptions, item string, k, width, attempts int, fails func(attempt int) bool) error {
	t, err := r.Step("process").NewTask(TaskOptions{Foreach: &Foreach{Var: "items", Value: item, Index: k, Num: width}})
	if err != nil {
		return err
	}
	for a := 0; a < attempts; a++ {
		if a > 0 {
			if err := t.Retry(); err != nil {
				return err
			}
		}
		if err := t.Begin(); err != nil {
			return err
		}
		for c := 0; c < o.CardsPerTask; c++ {
			id := ""
			if c > 0 {
				id = "extra" + strconv.Itoa(c)
			}
			card := t.Card(CardSpec{Type: "blank", ID: id, Title: "foreach task"})
			card.Append(Markdown("", "# "+item+"\nindex "+strconv.Itoa(k)),
				Table("", []string{"input", "index", "result"}, [][]any{{item, k, k * k}}))
		}
		t.SetArtifact("result", k*k)
		t.Print("processing " + item)
		d.sleep(time.Duration(200+k%7*50) * time.Millisecond)
		if err := t.Complete(!fails(a)); err != nil {
			return err
		}
	}
	return nil
}

// bulkJoinEnd writes the join task (with a default card) and the end task
// of a bulk run.
func bulkJoinEnd(r *Run, width int) error {
	join, err := r.Step("join").NewTask(TaskOptions{})
	if err != nil {
		return err
	}
	if err := join.Begin(); err != nil {
		return err
	}
	join.Card(CardSpec{Type: "default"})
	join.SetArtifact("total", width)
	if err := join.Complete(true); err != nil {
		return err
	}
	end, err := r.Step("end").NewTask(TaskOptions{})
	if err != nil {
		return err
	}
	if err := end.Begin(); err != nil {
		return err
	}
	return end.Complete(true)
}
