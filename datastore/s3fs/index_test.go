package s3fs

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"flowdeck/datastore"
	"flowdeck/internal/fixture"
)

// openBoth opens a local fixture (with its _meta) and its upload to the
// test bucket (without _meta and latest_run) with the same index code.
func openBoth(t *testing.T, name string) (local, remote *datastore.Index, c *Client) {
	t.Helper()
	ctx := t.Context()
	// Fixture runs that look running must stay running on both sides:
	// their mtimes (checkout, upload) are not the run's.
	opts := datastore.Options{StaleAfter: 100000 * time.Hour}
	root := fixture.Path(t, name, ".metaflow")
	local, err := datastore.Open(ctx, datastore.Location{Root: root, CardRoot: filepath.Join(root, "mf.cards")}, opts)
	if err != nil {
		t.Fatal(err)
	}
	c = newTestClient(t, srv.Endpoint, Options{})
	u := URL{Bucket: localBucket, Prefix: name}
	opts.FS = New(ctx, c, u)
	remote, err = datastore.Open(ctx, datastore.Location{Root: u.Path(), CardRoot: u.Join("mf.cards").Path()}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return local, remote, c
}

// TestIndexOverS3MatchesLocal: the index shows the same flows, runs,
// steps, tasks, attempts, statuses, start times and cards over S3 (no
// _meta) as on disk, user and tags aside (docs/format.md §7).
func TestIndexOverS3MatchesLocal(t *testing.T) {
	for _, name := range localFixtures {
		t.Run(name, func(t *testing.T) {
			local, remote, c := openBoth(t, name)
			ctx := context.Background()
			lf, rf := local.Flows(), remote.Flows()
			if len(lf) == 0 || len(lf) != len(rf) {
				t.Fatalf("flows: local %+v, S3 %+v", lf, rf)
			}
			for i := range lf {
				if lf[i].Name != rf[i].Name || lf[i].Runs != rf[i].Runs || rf[i].Err != "" {
					t.Fatalf("flow %d: local %+v, S3 %+v", i, lf[i], rf[i])
				}
				lr, _ := local.Runs(lf[i].Name)
				rr, err := remote.Runs(rf[i].Name)
				if err != nil || len(lr) != len(rr) {
					t.Fatalf("runs of %s: local %d, S3 %d, %v", lf[i].Name, len(lr), len(rr), err)
				}
				for j := range lr {
					compareRun(t, ctx, local, remote, lf[i].Name, lr[j].ID)
				}
			}
			t.Logf("%d requests", c.Counter().Total())
		})
	}
}

func compareRun(t *testing.T, ctx context.Context, local, remote *datastore.Index, flow, run string) {
	t.Helper()
	l, err := local.Run(ctx, flow, run)
	if err != nil {
		t.Fatal(err)
	}
	r, err := remote.Run(ctx, flow, run)
	if err != nil {
		t.Fatal(err)
	}
	where := flow + "/" + run
	if r.Err != "" || l.Status != r.Status || l.Counts != r.Counts || !l.Started.Equal(r.Started) || l.EndStep != r.EndStep {
		t.Fatalf("%s: local %s %+v started %v end %q; S3 %s %+v started %v end %q (error %q)",
			where, l.Status, l.Counts, l.Started, l.EndStep, r.Status, r.Counts, r.Started, r.EndStep, r.Err)
	}
	if len(l.Steps) != len(r.Steps) {
		t.Fatalf("%s: %d steps local, %d over S3", where, len(l.Steps), len(r.Steps))
	}
	// Steps start with start and end with the end step on both sides;
	// parallel branches may come in another order, as a step's start time
	// is its _self.json time with _meta and its first task's start without.
	if l.Steps[0].Name != r.Steps[0].Name || l.Steps[len(l.Steps)-1].Name != r.Steps[len(r.Steps)-1].Name {
		t.Fatalf("%s: first and last steps differ", where)
	}
	byName := map[string]datastore.StepDetail{}
	for _, s := range r.Steps {
		byName[s.Name] = s
	}
	for i, ls := range l.Steps {
		rs := byName[ls.Name]
		if ls.Name != rs.Name || ls.Status != rs.Status || len(ls.Tasks) != len(rs.Tasks) {
			t.Fatalf("%s step %d: local %s %s %d tasks; S3 %s %s %d tasks", where, i, ls.Name, ls.Status, len(ls.Tasks), rs.Name, rs.Status, len(rs.Tasks))
		}
		for k, lt := range ls.Tasks {
			rt := rs.Tasks[k]
			tw := where + "/" + ls.Name + "/" + lt.ID
			if lt.ID != rt.ID || lt.Status != rt.Status || lt.Attempt != rt.Attempt || !lt.Started.Equal(rt.Started) || len(lt.Attempts) != len(rt.Attempts) || rt.Err != "" {
				t.Fatalf("%s: local %s attempt %d started %v; S3 %s %s attempt %d started %v (error %q)", tw, lt.Status, lt.Attempt, lt.Started, rt.ID, rt.Status, rt.Attempt, rt.Started, rt.Err)
			}
			if lt.Finished.IsZero() != rt.Finished.IsZero() {
				t.Fatalf("%s: finished local %v, S3 %v", tw, lt.Finished, rt.Finished)
			}
			var lc, rc []string
			for _, c := range lt.Cards {
				lc = append(lc, c.Type+"/"+c.ID+"/"+c.UUID)
			}
			for _, c := range rt.Cards {
				rc = append(rc, c.Type+"/"+c.ID+"/"+c.UUID)
			}
			slices.Sort(lc)
			slices.Sort(rc)
			if !slices.Equal(lc, rc) {
				t.Fatalf("%s: cards local %v, S3 %v", tw, lc, rc)
			}
		}
	}
}

// TestMetaflowS3Datastore opens what real Metaflow wrote to S3 (keys as
// written, no _meta anywhere) with the index: every flow and run, their
// outcomes from the task files, and cards.
func TestMetaflowS3Datastore(t *testing.T) {
	ctx := t.Context()
	c := newTestClient(t, srv.Endpoint, Options{})
	roots := RootsFor(URL{Bucket: mfBucket, Prefix: "metaflow"})
	ix, err := datastore.Open(ctx, datastore.Location{Root: roots.Sysroot.Path(), CardRoot: roots.Cards.Path()},
		datastore.Options{FS: New(ctx, c, roots.Sysroot, roots.Cards), StaleAfter: 100000 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	// Opening costs requests per flow, none per run: a bucket has no run
	// header to read.
	if n := c.Counter().Total(); n > 3+8*4 {
		t.Fatalf("Open sent %d requests for 4 flows", n)
	}
	t.Logf("Open: %d requests", c.Counter().Total())
	want := map[string]datastore.Status{
		"DefaultCardFlow": datastore.StatusSucceeded,
		"FailingFlow":     datastore.StatusFailed,
		"LiveCardFlow":    datastore.StatusSucceeded,
		"RetryFlow":       datastore.StatusSucceeded,
	}
	flows := ix.Flows()
	if len(flows) != len(want) {
		t.Fatalf("flows %+v, want %v", flows, want)
	}
	cardsSeen := 0
	for _, f := range flows {
		runs, err := ix.Runs(f.Name)
		if err != nil || len(runs) != 1 || f.Err != "" {
			t.Fatalf("%s: runs %+v, %v (flow error %q)", f.Name, runs, err, f.Err)
		}
		r, err := ix.Run(ctx, f.Name, runs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != want[f.Name] || r.Err != "" || r.Started.IsZero() || r.User != "" || len(r.Tags) != 0 {
			t.Fatalf("%s/%s: %s started %v user %q tags %v error %q; want %s", f.Name, r.ID, r.Status, r.Started, r.User, r.Tags, r.Err, want[f.Name])
		}
		for _, s := range r.Steps {
			for _, task := range s.Tasks {
				cardsSeen += len(task.Cards)
				if task.Started.IsZero() || task.Finished.IsZero() || task.Err != "" {
					t.Fatalf("%s/%s/%s: started %v finished %v error %q", f.Name, s.Name, task.ID, task.Started, task.Finished, task.Err)
				}
				if f.Name == "RetryFlow" && s.Name == "flaky" {
					a := task.Attempts
					if len(a) != 2 || a[0].N != 1 || a[0].Status != datastore.StatusSucceeded || a[1].Status != datastore.StatusFailed {
						t.Fatalf("flaky attempts: %+v", a)
					}
				}
			}
		}
	}
	if cardsSeen < 5 {
		t.Fatalf("%d cards", cardsSeen)
	}
	t.Logf("%d cards, %d requests", cardsSeen, c.Counter().Total())
}
