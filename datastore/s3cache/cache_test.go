package s3cache

import (
	"bytes"
	"errors"
	"io/fs"
	"path"
	"path/filepath"
	"testing"
	"time"

	"flowdeck/datastore"
	"flowdeck/datastore/s3fs"
	"flowdeck/internal/fixture"
	"flowdeck/internal/s3test"
	"flowdeck/watcher/s3poll"
)

const bucket = "flowdeck-cache"

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

// session is one Flowdeck open of the bucket through the cache.
type session struct {
	c   *s3fs.Client
	sfs *s3fs.FS
	cfs *FS
	ix  *datastore.Index
	p   *s3poll.Poller
}

var u = s3fs.URL{Bucket: bucket, Prefix: "ds"}

func open(t *testing.T, srv *s3test.Server, store *Store, poll bool) (*session, error) {
	ctx := t.Context()
	c, err := s3fs.NewClient(ctx, s3fs.Options{Endpoint: srv.Endpoint, Anonymous: true, MaxAttempts: 2})
	if err != nil {
		t.Fatal(err)
	}
	roots := s3fs.RootsFor(u)
	s := &session{c: c, sfs: s3fs.New(ctx, c, roots.Sysroot, roots.Cards)}
	s.cfs = New(s.sfs, store)
	s.cfs.Immutable = Blobs(roots.Sysroot.Path())
	s.cfs.Linger = time.Second
	loc := datastore.Location{Root: roots.Sysroot.Path(), CardRoot: roots.Cards.Path()}
	s.ix, err = datastore.Open(ctx, loc, datastore.Options{FS: s.cfs, StaleAfter: 100000 * time.Hour})
	if err != nil {
		return nil, err
	}
	s.ix.LoadAll(ctx)
	if poll {
		s.p = s3poll.New(s.ix, s.sfs, s3poll.Options{LiveInterval: 250 * time.Millisecond, RunsInterval: 500 * time.Millisecond, Linger: time.Second,
			OnFinal: func(flow, run string, fin time.Time) {
				store.MarkFinal(fin, path.Join(loc.Root, flow, run), path.Join(loc.CardRoot, flow, "runs", run))
			}})
		s.p.Start(ctx)
		t.Cleanup(func() { s.p.Close() })
	}
	return s, nil
}

// view is what a user sees of a run: its status and its cards' HTML.
type view struct {
	status datastore.Status
	cards  map[string][]byte
}

func look(t *testing.T, ix *datastore.Index, flow, run string) (view, error) {
	ctx := t.Context()
	d, err := ix.Run(ctx, flow, run)
	if err != nil {
		return view{}, err
	}
	v := view{status: d.Status, cards: map[string][]byte{}}
	for _, st := range d.Steps {
		for _, tk := range st.Tasks {
			for _, c := range tk.Cards {
				b, _, err := ix.CardHTML(ctx, c.Key)
				if err != nil {
					return view{}, err
				}
				v.cards[c.Key] = b
			}
		}
	}
	return v, nil
}

// TestOfflineFromCache is issue 17's fault test: a finished run opened
// once over S3 opens again from the cache with S3 stopped, the status says
// offline, nothing of the live run is served as final, and when S3 comes
// back the live run reaches its right final state.
func TestOfflineFromCache(t *testing.T) {
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	ctx := t.Context()
	srv, err := s3test.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := srv.CreateBucket(ctx, bucket); err != nil {
		t.Fatal(err)
	}
	for _, fx := range []string{"default", "live_midrun"} {
		if _, err := srv.UploadTree(ctx, bucket, u.Prefix, fixture.Path(t, fx, ".metaflow"), s3test.NotInBucket); err != nil {
			t.Fatal(err)
		}
	}
	// The finished runs' objects were all written just now, so their
	// finish (the newest LastModified) is now: a read within Linger after
	// it is not served as final, by design. Real finished runs are older;
	// waiting out the test's Linger (1 s) makes these so, however fast the
	// open below runs.
	time.Sleep(1500 * time.Millisecond)
	store, err := Open(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}

	// Online: open, let the poller mark the finished runs, look at them.
	s1, err := open(t, srv, store, true)
	if err != nil {
		t.Fatal(err)
	}
	runs, err := s1.ix.Runs("DefaultCardFlow")
	if err != nil || len(runs) != 2 {
		t.Fatalf("runs %v %v", runs, err)
	}
	live := s1.ix.LiveRuns()
	if len(live) != 1 {
		t.Fatalf("live runs %v", live)
	}
	liveRun := path.Base(live[0])
	root := u.Path()
	waitFor(t, "the finished runs marked final", 10*time.Second, func() bool {
		return store.IsFinal(root+"/DefaultCardFlow/"+runs[0].ID) && store.IsFinal(root+"/DefaultCardFlow/"+runs[1].ID)
	})
	if store.IsFinal(root + "/LiveCardFlow/" + liveRun) {
		t.Fatal("the live run is marked final")
	}
	want := map[string]view{}
	for _, r := range runs {
		if want[r.ID], err = look(t, s1.ix, "DefaultCardFlow", r.ID); err != nil {
			t.Fatal(err)
		}
		if len(want[r.ID].cards) == 0 {
			t.Fatalf("run %s: no cards", r.ID)
		}
	}
	if _, err := look(t, s1.ix, "LiveCardFlow", liveRun); err != nil {
		t.Fatal(err)
	}
	first := s1.c.Counter().Total()

	// Online again: the finished runs come from the cache.
	s1b, err := open(t, srv, store, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if _, err := look(t, s1b.ix, "DefaultCardFlow", r.ID); err != nil {
			t.Fatal(err)
		}
	}
	again := s1b.c.Counter().Total()
	t.Logf("requests: first open %d, second open %d; cache %d bytes in %s", first, again, store.Size(), store.Dir())
	if again*2 > first {
		t.Errorf("second open cost %d requests, first %d: finished runs not served from the cache", again, first)
	}

	// S3 stops: the poller says offline, and a new open serves the
	// finished runs from the cache.
	srv.Stop()
	waitFor(t, "offline state", 30*time.Second, func() bool { return s1.p.State().Offline })
	s2, err := open(t, srv, store, true)
	if err != nil {
		t.Fatalf("offline open: %v", err)
	}
	for _, r := range runs {
		got, err := look(t, s2.ix, "DefaultCardFlow", r.ID)
		if err != nil {
			t.Fatalf("offline run %s: %v", r.ID, err)
		}
		if got.status != want[r.ID].status || len(got.cards) != len(want[r.ID].cards) {
			t.Fatalf("offline run %s: %s %d cards, want %s %d", r.ID, got.status, len(got.cards), want[r.ID].status, len(want[r.ID].cards))
		}
		for k, b := range want[r.ID].cards {
			if !bytes.Equal(got.cards[k], b) {
				t.Errorf("offline card %s differs", k)
			}
		}
	}
	if st := s2.cfs.Stats(); !st.Offline || st.Hits == 0 {
		t.Fatalf("cache stats offline %+v", st)
	}
	waitFor(t, "offline poller state", 30*time.Second, func() bool { return s2.p.State().Offline })
	// The live run was read and its objects are in the cache folder, but
	// nothing of it is final: none is served offline.
	var liveFiles []string
	filepath.WalkDir(store.objPath(root+"/LiveCardFlow/"+liveRun), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(store.Dir(), p)
			liveFiles = append(liveFiles, "/"+filepath.ToSlash(rel))
		}
		return nil
	})
	if len(liveFiles) == 0 {
		t.Fatal("nothing of the live run was cached at all")
	}
	for _, p := range liveFiles {
		if _, err := s2.cfs.Open(p); !errors.Is(err, s3fs.ErrOffline) {
			t.Fatalf("live run file %s offline: %v, want s3fs.ErrOffline", p, err)
		}
	}
	if d, err := s2.ix.Run(ctx, "LiveCardFlow", liveRun); err == nil && d.Err == "" && d.Status == datastore.StatusSucceeded {
		t.Fatalf("live run served as final offline: %+v", d.Run)
	}

	// S3 comes back with the rest of the live run: the right final state.
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.UploadTree(ctx, bucket, u.Prefix, fixture.Path(t, "live", ".metaflow"), s3test.NotInBucket); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the live run's final state after the restart", 60*time.Second, func() bool {
		for {
			select {
			case <-s2.p.Changes():
				continue
			default:
			}
			break
		}
		d, err := s2.ix.Run(ctx, "LiveCardFlow", liveRun)
		return err == nil && d.Status == datastore.StatusSucceeded && !s2.p.State().Offline
	})
}
