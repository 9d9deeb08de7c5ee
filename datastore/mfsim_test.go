package datastore

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"flowdeck/internal/mfsim"
)

// shape describes an index in the terms a user sees, without the ids,
// uuids and times that differ between two runs of the same flow.
func shape(t *testing.T, ix *Index) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	for _, f := range ix.Flows() {
		fmt.Fprintf(&b, "flow %s runs=%d\n", f.Name, f.Runs)
		runs, _ := ix.Runs(f.Name)
		for _, r := range runs {
			d, err := ix.Run(ctx, f.Name, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			tags := slices.Clone(d.Tags)
			slices.Sort(tags)
			fmt.Fprintf(&b, " run status=%s user=%s tags=%v counts=%+v finished=%v\n", d.Status, d.User, tags, d.Counts, !d.Finished.IsZero())
			for _, st := range d.Steps {
				fmt.Fprintf(&b, "  step %s status=%s\n", st.Name, st.Status)
				for _, tk := range st.Tasks {
					fmt.Fprintf(&b, "   task %s status=%s attempts=%d fe=%d:%s=%s clone=%v started=%v\n", tk.ID, tk.Status, len(tk.Attempts),
						tk.ForeachIndex, tk.ForeachVar, tk.ForeachValue, tk.OriginRun != "", !tk.Started.IsZero())
					var cs []string
					for _, c := range tk.Cards {
						dt := "-"
						if c.Data != nil {
							dt = tokenClass(c.Data.Token)
						}
						cs = append(cs, fmt.Sprintf("    card %s-%s attempt=%d inferred=%v legacy=%v token=%s data=%s final=%v err=%q",
							c.Type, c.ID, c.Attempt, c.AttemptInferred, c.Legacy, tokenClass(c.Token), dt, c.Final, c.Err))
					}
					slices.Sort(cs)
					for _, c := range cs {
						b.WriteString(c + "\n")
					}
				}
			}
		}
	}
	return b.String()
}

func tokenClass(tok string) string {
	switch {
	case strings.HasPrefix(tok, "runtime-"):
		return "runtime"
	case tok == "":
		return "none"
	}
	return tok
}

// TestMfsimParsesLikeFixtures: what mfsim writes reads exactly like what
// real Metaflow wrote for the same scenario.
func TestMfsimParsesLikeFixtures(t *testing.T) {
	cases := []struct {
		fixture string
		write   func(root string) error
	}{
		{"retry", func(root string) error { _, err := mfsim.WriteRetry(root, mfsim.Options{}); return err }},
		{"failing", func(root string) error { _, err := mfsim.WriteFailing(root, mfsim.Options{}); return err }},
		{"foreach", func(root string) error { _, err := mfsim.WriteForeach(root, 20, mfsim.Options{}); return err }},
		{"live", func(root string) error { _, err := mfsim.WriteLiveCard(root, -1, mfsim.Options{}); return err }},
		{"older-2.12.39/retry", func(root string) error {
			_, err := mfsim.WriteLegacy(root, false, mfsim.Options{Version: mfsim.V2_12})
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.fixture, func(t *testing.T) {
			want := shape(t, openIndex(t, copyFixture(t, c.fixture), Options{}))
			root := filepath.Join(t.TempDir(), ".metaflow")
			if err := c.write(root); err != nil {
				t.Fatal(err)
			}
			got := shape(t, openIndex(t, root, Options{}))
			if c.fixture == "older-2.12.39/retry" {
				// WriteLegacy writes several scenarios; compare the retry run.
				got = onlyFlow(got, "RetryFlow")
			}
			if got != want {
				t.Errorf("mfsim reads differently from fixtures/%s:\n--- mfsim\n%s--- fixture\n%s", c.fixture, got, want)
			}
		})
	}
}

func onlyFlow(s, flow string) string {
	var out []string
	keep := false
	for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		if strings.HasPrefix(l, "flow ") {
			keep = strings.HasPrefix(l, "flow "+flow+" ")
		}
		if keep {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n") + "\n"
}

// TestResumeFromMfsim: a resumed run's clones show the origin's cards.
func TestResumeFromMfsim(t *testing.T) {
	root := filepath.Join(t.TempDir(), ".metaflow")
	origin, resumed, err := mfsim.WriteResume(root, mfsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix := openIndex(t, root, Options{})
	d, err := ix.Run(context.Background(), resumed.Flow().Name(), resumed.ID())
	if err != nil {
		t.Fatal(err)
	}
	clones, withCards := 0, 0
	for _, st := range d.Steps {
		for _, tk := range st.Tasks {
			if tk.OriginRun == "" {
				continue
			}
			clones++
			if tk.OriginRun != origin.ID() || tk.Status != StatusSucceeded {
				t.Errorf("clone %s/%s: origin %s status %s", st.Name, tk.ID, tk.OriginRun, tk.Status)
			}
			for _, c := range tk.Cards {
				withCards++
				if c.Run != origin.ID() || c.Origin == "" {
					t.Errorf("clone card %s: run %s origin %q", c.Name(), c.Run, c.Origin)
				}
			}
		}
	}
	if clones == 0 || withCards == 0 {
		t.Errorf("clones = %d, cards via origin = %d", clones, withCards)
	}
	if d.Status != StatusSucceeded {
		t.Errorf("resumed run = %s", d.Status)
	}
}
