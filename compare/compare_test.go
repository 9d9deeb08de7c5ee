package compare

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"flowdeck/datastore"
	"flowdeck/internal/fixture"
)

func openFixture(t *testing.T, name string) *datastore.Index {
	t.Helper()
	root := fixture.Path(t, name, ".metaflow")
	ix, err := datastore.Open(context.Background(), datastore.Location{Root: root, CardRoot: filepath.Join(root, "mf.cards")}, datastore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func row(t *testing.T, res *Result, group Group, name string) Row {
	t.Helper()
	for _, r := range res.Rows {
		if r.Group == group && r.Name == name {
			return r
		}
	}
	t.Fatalf("no %s row %q in %+v", group, name, res.Rows)
	return Row{}
}

func val(v *string) string {
	if v == nil {
		return "<nil>"
	}
	return *v
}

func runIDs(t *testing.T, ix *datastore.Index, flow string) []string {
	t.Helper()
	runs, err := ix.Runs(flow)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range runs {
		ids = append(ids, r.ID)
	}
	return ids
}

// The default fixture's two runs (real Metaflow) differ in their alpha
// and label parameters and agree on the rest.
func TestCompareDefaultFixture(t *testing.T) {
	ix := openFixture(t, "default")
	ids := runIDs(t, ix, "DefaultCardFlow")
	if len(ids) != 2 {
		t.Fatalf("runs = %v, want 2", ids)
	}
	res, err := Compare(context.Background(), ix, "DefaultCardFlow", ids, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Runs) != 2 || res.Runs[0].ID != ids[0] || res.Runs[1].ID != ids[1] {
		t.Fatalf("runs = %+v, want %v in order", res.Runs, ids)
	}
	if got := res.Steps; len(got) != 1 || got[0] != "end" {
		t.Errorf("steps = %v, want [end]", got)
	}
	alpha := row(t, res, GroupParameter, "alpha")
	if !alpha.Differs || val(alpha.Values[0]) != "0.9" || val(alpha.Values[1]) != "0.5" {
		t.Errorf("alpha = %v differs=%v, want [0.9 0.5] differing", vals(alpha.Values), alpha.Differs)
	}
	if st := row(t, res, GroupRun, "status"); st.Differs || val(st.Values[0]) != "succeeded" {
		t.Errorf("status = %v differs=%v", vals(st.Values), st.Differs)
	}
	if total := row(t, res, GroupArtifact, "total"); total.Differs || val(total.Values[1]) != "3" || total.Detail != "end" {
		t.Errorf("end artifact total = %+v", total)
	}
	for _, r := range res.Rows {
		if r.Group == GroupArtifact && r.Name == "alpha" {
			t.Error("the alpha parameter is listed again as an artifact")
		}
	}
	want := []string{"start · default", "branch_a · default", "join · default", "join · default_json", "end · taskspec_card"}
	if len(res.Cards) != len(want) {
		t.Fatalf("cards = %+v, want %v", res.Cards, want)
	}
	for i, c := range res.Cards {
		if c.Label != want[i] || c.Keys[0] == "" || c.Keys[1] == "" || c.Keys[0] == c.Keys[1] {
			t.Errorf("card %d = %+v, want %s matched in both runs", i, c, want[i])
		}
	}
	// Picking another step reads its artifacts instead.
	res, err = Compare(context.Background(), ix, "DefaultCardFlow", ids, Options{Steps: []string{"start", "nope"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Steps) != 1 || res.Steps[0] != "start" {
		t.Errorf("steps = %v, want [start]", res.Steps)
	}
}

// The artifacts fixture's two runs differ in their parameters.
func TestCompareArtifactsFixture(t *testing.T) {
	ix := openFixture(t, "artifacts")
	ids := runIDs(t, ix, "ArtifactsFlow")
	res, err := Compare(context.Background(), ix, "ArtifactsFlow", ids, Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range res.Rows {
		if r.Group == GroupParameter && r.Differs {
			n++
		}
	}
	if n == 0 {
		t.Errorf("no differing parameter in %+v", res.Rows)
	}
}

func TestCompareUnknownRun(t *testing.T) {
	ix := openFixture(t, "default")
	ids := runIDs(t, ix, "DefaultCardFlow")
	_, err := Compare(context.Background(), ix, "DefaultCardFlow", []string{ids[0], "404"}, Options{})
	if !errors.Is(err, datastore.ErrUnknown) {
		t.Errorf("err = %v, want ErrUnknown", err)
	}
}

func vals(vs []*string) []string {
	out := []string{}
	for _, v := range vs {
		out = append(out, val(v))
	}
	return out
}

func TestParseRuns(t *testing.T) {
	for _, bad := range []string{"", "a", "a,a", "1,2,3,4,5,6,7,8,9"} {
		if _, err := ParseRuns(bad); !errors.Is(err, ErrRuns) {
			t.Errorf("ParseRuns(%q) = %v, want ErrRuns", bad, err)
		}
	}
	got, err := ParseRuns(" a, b ,c")
	if err != nil || len(got) != 3 || got[1] != "b" {
		t.Errorf("ParseRuns = %v, %v", got, err)
	}
}
