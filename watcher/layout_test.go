package watcher

import "testing"

func TestPlace(t *testing.T) {
	inside := newLayout("/d/.metaflow", "/d/.metaflow/mf.cards")
	apart := newLayout("/d/.metaflow", "/c/cards")
	for _, tc := range []struct {
		lay  layout
		path string
		want place
	}{
		{inside, "/d/.metaflow", place{lv: lvRoot}},
		{inside, "/d", place{lv: lvOutside}},
		{inside, "/d/.metaflow2", place{lv: lvOutside}},
		{inside, "/d/.metaflow/F", place{lv: lvFlow}},
		{inside, "/d/.metaflow/F/_meta", place{lv: lvFlowMeta}},
		{inside, "/d/.metaflow/F/data", place{lv: lvOther}},
		{inside, "/d/.metaflow/F/data/ab", place{lv: lvOther}},
		{inside, "/d/.metaflow/F/latest_run", place{lv: lvOther}},
		{inside, "/d/.metaflow/F/1", place{lvRun, "F/1"}},
		{inside, "/d/.metaflow/F/1/_meta", place{lvRunMeta, "F/1"}},
		{inside, "/d/.metaflow/F/1/_parameters/0", place{lvInRun, "F/1"}},
		{inside, "/d/.metaflow/F/1/train/2/_meta", place{lvInRun, "F/1"}},
		{inside, "/d/.metaflow/F/1/train/2/tmpab12cd34", place{lv: lvOther}},
		{inside, "/d/.metaflow/.git", place{lv: lvOther}},
		{inside, "/d/.metaflow/mf.cards", place{lv: lvCardRoot}},
		{inside, "/d/.metaflow/mf.cards/F", place{lv: lvCardFlow}},
		{inside, "/d/.metaflow/mf.cards/F/runs", place{lv: lvCardRuns}},
		{inside, "/d/.metaflow/mf.cards/F/other", place{lv: lvOther}},
		{inside, "/d/.metaflow/mf.cards/F/runs/1", place{lvCardRun, "F/1"}},
		{inside, "/d/.metaflow/mf.cards/F/runs/1/steps/train/tasks/2/runtime", place{lvInCardRun, "F/1"}},
		{inside, "/d/.metaflow/mf.cards/F/runs/1/tasks/2/cards", place{lvInCardRun, "F/1"}},
		{apart, "/d/.metaflow/mf.cards", place{lv: lvOther}},
		{apart, "/c/cards", place{lv: lvCardRoot}},
		{apart, "/c/cards/F/runs/1/steps", place{lvInCardRun, "F/1"}},
		{apart, "/c", place{lv: lvOutside}},
	} {
		if got := tc.lay.place(tc.path); got != tc.want {
			t.Errorf("place(%s) = %+v, want %+v", tc.path, got, tc.want)
		}
	}
	// A card root found in a subfolder (Metaflow before 2.18.13) is
	// shaped like the main one.
	sub := newLayout("/d/.metaflow", "/d/.metaflow/mf.cards")
	sub.extra = []string{"/d/project/.metaflow/mf.cards"}
	for path, want := range map[string]place{
		"/d/project/.metaflow/mf.cards":                                    {lv: lvCardRoot},
		"/d/project/.metaflow/mf.cards/F/runs":                             {lv: lvCardRuns},
		"/d/project/.metaflow/mf.cards/F/runs/1":                           {lvCardRun, "F/1"},
		"/d/project/.metaflow/mf.cards/F/runs/1/steps/a/tasks/2/runtime":   {lvInCardRun, "F/1"},
		"/d/project/.metaflow/mf.cards/F/runs/1/steps/a/tasks/2/tmpab12cd": {lv: lvOther},
		"/d/project/.metaflow":                                             {lv: lvOutside},
		"/d/project":                                                       {lv: lvOutside},
	} {
		if got := sub.place(path); got != want {
			t.Errorf("with an extra card root, place(%s) = %+v, want %+v", path, got, want)
		}
	}
	if _, cards := sub.runDirs("F/1"); len(cards) != 2 || cards[1] != "/d/project/.metaflow/mf.cards/F/runs/1" {
		t.Errorf("runDirs with an extra card root: %v", cards)
	}
	ds, cards := inside.runDirs("F/1")
	if ds != "/d/.metaflow/F/1" || len(cards) != 1 || cards[0] != "/d/.metaflow/mf.cards/F/runs/1" {
		t.Errorf("runDirs = %s, %s", ds, cards)
	}
}

// TestBudgetLevels: the skeleton is always watched; inside a run, only
// while the run is wide.
func TestBudgetLevels(t *testing.T) {
	w := &Watcher{runs: map[string]*runWatch{"F/1": {wide: true}, "F/2": {}}}
	for _, tc := range []struct {
		pl   place
		want bool
	}{
		{place{lv: lvRoot}, true},
		{place{lv: lvFlowMeta}, true},
		{place{lvRun, "F/2"}, true},
		{place{lvRunMeta, "F/2"}, true},
		{place{lvInRun, "F/2"}, false},
		{place{lvCardRun, "F/2"}, false},
		{place{lvInRun, "F/1"}, true},
		{place{lvInCardRun, "F/1"}, true},
		{place{lvInRun, "F/3"}, false},
		{place{lv: lvOther}, false},
		{place{lv: lvOutside}, false},
	} {
		if got := w.want(tc.pl); got != tc.want {
			t.Errorf("want(%+v) = %v", tc.pl, got)
		}
	}
}
