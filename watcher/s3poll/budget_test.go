package s3poll

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"flowdeck/datastore"
	"flowdeck/datastore/s3fs"
	"flowdeck/internal/mfsim"
)

// liveTen starts mfsim's live run with a foreach of 10 tasks whose cards
// update every second, PUT object by object into the bucket under prefix,
// and returns once the foreach is under way, with an index over the bucket
// and the run's "flow/run". The run goes on in the background; done
// receives its end.
func liveTen(t *testing.T, prefix string, updates int, c *s3fs.Client, puts *atomic.Int64) (*datastore.Index, *s3fs.FS, string, chan error) {
	t.Helper()
	ctx := t.Context()
	started := make(chan struct{}, 64)
	done := make(chan error, 1)
	go func() {
		done <- srv.LiveRun(ctx, bucket, prefix, mfsim.LiveOptions{
			Options: mfsim.Options{OnWrite: func(string) { puts.Add(1) }},
			Flow:    "TenFlow", SkipTrain: true, Width: 10, TaskUpdates: updates, Interval: time.Second, NoRetry: true,
			OnTaskUpdate: func(string, int) {
				select {
				case started <- struct{}{}:
				default:
				}
			},
		})
	}()
	select {
	case <-started:
	case err := <-done:
		t.Fatalf("live run ended before its foreach: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("no foreach update after 60 s")
	}
	ix, fsys, run := openLive(t, c, prefix)
	return ix, fsys, run, done
}

// finalState waits until the run is succeeded in the index with every
// foreach task succeeded and each task's card holding its last update.
func finalState(t *testing.T, ix *datastore.Index, p *Poller, run string, limit time.Duration) {
	t.Helper()
	flow, id, _ := strings.Cut(run, "/")
	waitFor(t, "the final state of "+run, limit, func() bool {
		for len(p.Changes()) > 0 {
			<-p.Changes()
		}
		r, err := ix.Run(t.Context(), flow, id)
		if err != nil || r.Status != datastore.StatusSucceeded {
			return false
		}
		for _, s := range r.Steps {
			if s.Name != "process" {
				continue
			}
			if len(s.Tasks) != 10 {
				return false
			}
			for _, tk := range s.Tasks {
				if tk.Status != datastore.StatusSucceeded || len(tk.Cards) == 0 {
					return false
				}
				// The data was not read while the task ran (lazyData):
				// its end must read the final token.
				for _, c := range tk.Cards {
					if !c.Final {
						return false
					}
				}
			}
			return true
		}
		return false
	})
}

// kinds counts requests as polling (lists, HEADs) or object GETs.
type kinds struct {
	next       http.RoundTripper
	poll, gets atomic.Int64
}

func (k *kinds) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodGet && r.URL.Query().Get("list-type") == "" {
		k.gets.Add(1)
	} else {
		k.poll.Add(1)
	}
	return k.next.RoundTrip(r)
}

// TestBudgetLiveRun: one live run with 10 tasks, each card updated every
// second and PUT whole, measured over 20 s of polling at the default
// intervals with no page open: at most 120 requests a minute in all. The
// polling (lists) finds what changed; the index reads no rewritten runtime
// data of a running task (lazyData: the page fetches what it shows). The
// run then reaches its final state, every card final.
func TestBudgetLiveRun(t *testing.T) {
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	k := &kinds{next: http.DefaultTransport}
	c, err := s3fs.NewClient(t.Context(), s3fs.Options{Endpoint: srv.Endpoint, Anonymous: true, Transport: k})
	if err != nil {
		t.Fatal(err)
	}
	var puts atomic.Int64
	ix, fsys, run, done := liveTen(t, "ten", 40, c, &puts)
	p := New(ix, fsys, Options{})
	p.Start(t.Context())
	defer p.Close()

	time.Sleep(2 * time.Second) // past the first snapshots
	const window = 20 * time.Second
	poll0, gets0, puts0 := k.poll.Load(), k.gets.Load(), puts.Load()
	start := time.Now()
	time.Sleep(window)
	took := time.Since(start).Minutes()
	poll, gets, put := k.poll.Load()-poll0, k.gets.Load()-gets0, puts.Load()-puts0
	if st := p.State(); st.LiveRuns != 1 {
		t.Fatalf("the run is not live through the window: %+v", st)
	}
	t.Logf("one live run with 10 tasks, %v: %.0f polling requests a minute; %d object GETs for %d objects PUT (%.0f requests a minute in all)",
		window, float64(poll)/took, gets, put, float64(poll+gets)/took)
	if perMin := float64(poll+gets) / took; perMin > 120 {
		t.Fatalf("%.0f requests a minute (%d lists, %d GETs) for one live run with 10 tasks, want <= 120", perMin, poll, gets)
	}
	// A task ending in the window has its final data read once.
	if gets > 10 {
		t.Fatalf("%d object GETs for %d objects PUT: the live runtime data is read by the index", gets, put)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	finalState(t, ix, p, run, 30*time.Second)
}

// TestBudgetSlowsPolling: with a budget of 60 requests a minute (half of
// what the default poll of a live run with 10 tasks may use) the poll slows down, stays within the
// budget, and still reaches the final state of a live run of 10 tasks.
func TestBudgetSlowsPolling(t *testing.T) {
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	ctx := t.Context()
	const perMin = 60
	budget := s3fs.NewBudget(0)
	c, err := s3fs.NewClient(ctx, s3fs.Options{Endpoint: srv.Endpoint, Anonymous: true, Budget: budget})
	if err != nil {
		t.Fatal(err)
	}
	var puts atomic.Int64
	ix, fsys, run, done := liveTen(t, "tight", 30, c, &puts)
	// Opening the index is not the poll: the budget starts now.
	budget.SetPerMinute(perMin)
	p := New(ix, fsys, Options{Budget: budget})
	before := c.Counter().Total()
	start := time.Now()
	p.Start(ctx)
	defer p.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	finalState(t, ix, p, run, 150*time.Second)
	n := c.Counter().Total() - before
	took := time.Since(start)
	// The token bucket lets a burst of a tenth of the budget go at once.
	if allowed := perMin*took.Minutes() + perMin/10 + 1; float64(n) > allowed {
		t.Fatalf("%d requests in %v over a budget of %d a minute (allowed %.0f)", n, took, perMin, allowed)
	}
	t.Logf("final state in %v with %d requests under a budget of %d a minute", took.Round(time.Second), n, perMin)
}
