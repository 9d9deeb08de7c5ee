package s3poll

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"flowdeck/datastore"
	"flowdeck/datastore/s3fs"
	"flowdeck/internal/fixture"
	"flowdeck/internal/s3test"
)

var srv *s3test.Server

const bucket = "flowdeck-poll"

func TestMain(m *testing.M) {
	ctx, cancel := context.WithCancel(context.Background())
	var err error
	if srv, err = s3test.Start(ctx); err == nil {
		err = srv.CreateBucket(ctx, bucket)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		cancel()
		os.Exit(1)
	}
	code := m.Run()
	srv.Close()
	cancel()
	os.Exit(code)
}

func upload(t *testing.T, name, prefix string) {
	t.Helper()
	if _, err := srv.UploadTree(context.Background(), bucket, prefix, fixture.Path(t, name, ".metaflow"), s3test.NotInBucket); err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, what string, limit time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s after %v", what, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestLiveRunOverS3: a run caught mid-run in the bucket is polled with two
// requests a round; when the rest of its objects arrive (whole-object
// PUTs, as Metaflow writes them) the index reaches the final state; once
// finished and past Linger it is no longer listed; a new flow is found by
// the run-list poll.
func TestLiveRunOverS3(t *testing.T) {
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	ctx := t.Context()
	upload(t, "live_midrun", "live")
	c, err := s3fs.NewClient(ctx, s3fs.Options{Endpoint: srv.Endpoint, Anonymous: true})
	if err != nil {
		t.Fatal(err)
	}
	ix, fsys, liveRun := openLive(t, c, "live")
	const every = 250 * time.Millisecond
	p := New(ix, fsys, Options{LiveInterval: every, RunsInterval: time.Second, Linger: time.Second})
	p.Start(ctx)
	defer p.Close()

	// Idle live polling: two requests a round, plus the run-list poll
	// (the root and one flow every second).
	time.Sleep(every)
	before := c.Counter().Total()
	time.Sleep(2 * time.Second)
	n := c.Counter().Total() - before
	if n > 2*9+2*3 {
		t.Fatalf("%d requests in 2 s of polling one live run every %v", n, every)
	}
	t.Logf("%d requests in 2 s polling one live run every %v", n, every)

	upload(t, "live", "live")
	flow, run, _ := strings.Cut(liveRun, "/")
	var changes int
	waitFor(t, "final state", 20*time.Second, func() bool {
		for {
			select {
			case b := <-p.Changes():
				changes += len(b)
				continue
			default:
			}
			break
		}
		r, err := ix.Run(ctx, flow, run)
		return err == nil && r.Status == datastore.StatusSucceeded
	})
	if changes == 0 {
		t.Fatal("the run finished with no change delivered")
	}
	t.Logf("final state after %d changes", changes)
	waitFor(t, "end of polling of the finished run", 5*time.Second, func() bool { return p.State().LiveRuns == 0 })
	time.Sleep(every)
	before = c.Counter().Total()
	time.Sleep(2 * time.Second)
	if n := c.Counter().Total() - before; n > 2*3 {
		t.Fatalf("%d requests in 2 s with no live run: finished runs are listed", n)
	}

	upload(t, "retry", "live")
	waitFor(t, "the new flow", 5*time.Second, func() bool {
		for _, f := range ix.Flows() {
			if f.Name == "RetryFlow" && f.Runs == 1 {
				return true
			}
		}
		return false
	})
	if st := p.State(); st.Err != "" || st.Offline {
		t.Fatalf("state %+v", st)
	}
}

// TestOffline: when S3 cannot be reached the state says offline, and the
// index keeps what it had.
func TestOffline(t *testing.T) {
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	ctx := t.Context()
	own, err := s3test.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			own.Close()
		}
	}()
	if err := own.CreateBucket(ctx, bucket); err != nil {
		t.Fatal(err)
	}
	if _, err := own.UploadTree(ctx, bucket, "live", fixture.Path(t, "live_midrun", ".metaflow"), s3test.NotInBucket); err != nil {
		t.Fatal(err)
	}
	c, err := s3fs.NewClient(ctx, s3fs.Options{Endpoint: own.Endpoint, Anonymous: true, MaxAttempts: 2})
	if err != nil {
		t.Fatal(err)
	}
	u := s3fs.URL{Bucket: bucket, Prefix: "live"}
	fsys := s3fs.New(ctx, c, u)
	ix, err := datastore.Open(ctx, datastore.Location{Root: u.Path(), CardRoot: u.Join("mf.cards").Path()},
		datastore.Options{FS: fsys, StaleAfter: 100000 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.LoadAll(ctx); err != nil {
		t.Fatal(err)
	}
	states := make(chan State, 16)
	var p *Poller
	p = New(ix, fsys, Options{LiveInterval: 200 * time.Millisecond, OnState: func() {
		select {
		case states <- p.State():
		default:
		}
	}})
	p.Start(ctx)
	defer p.Close()
	time.Sleep(500 * time.Millisecond)
	if st := p.State(); st.Offline || st.LiveRuns != 1 {
		t.Fatalf("state while up: %+v", st)
	}
	own.Close()
	stopped = true
	waitFor(t, "offline", 10*time.Second, func() bool { return p.State().Offline })
	if st := p.State(); st.Err == "" || st.LiveRuns != 1 {
		t.Fatalf("offline state: %+v", st)
	}
	sawOffline := false
	for len(states) > 0 {
		sawOffline = sawOffline || (<-states).Offline
	}
	if !sawOffline {
		t.Fatal("OnState did not report offline")
	}
	if flows := ix.Flows(); len(flows) != 1 {
		t.Fatalf("the index lost its flows offline: %+v", flows)
	}
}

// openLive indexes the datastore under bucket/prefix, which must hold one
// run being written, and returns the index, its FS and that run
// ("flow/run").
func openLive(t *testing.T, c *s3fs.Client, prefix string) (*datastore.Index, *s3fs.FS, string) {
	t.Helper()
	u := s3fs.URL{Bucket: bucket, Prefix: prefix}
	fsys := s3fs.New(t.Context(), c, u)
	ix, err := datastore.Open(t.Context(), datastore.Location{Root: u.Path(), CardRoot: u.Join("mf.cards").Path()},
		datastore.Options{FS: fsys, StaleAfter: 100000 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.LoadAll(t.Context()); err != nil {
		t.Fatal(err)
	}
	live := ix.LiveRuns()
	if len(live) != 1 {
		t.Fatalf("live runs %v, want the one being written", live)
	}
	return ix, fsys, live[0]
}
