package app

import (
	"strings"
	"testing"
)

// TestRunPageAPI: the run page's data on real fixtures: the normalised
// graph with unstarted steps (live_midrun), every attempt in the timeline
// (foreach: as many tasks as the run detail counts; retry: both attempts),
// and a failed run's exception (failing).
func TestRunPageAPI(t *testing.T) {
	type graphStep struct {
		Name, Type, Status string
		Next               []string
	}
	type detail struct {
		Counts map[string]int `json:"counts"`
		DAG    struct {
			Source string      `json:"source"`
			Steps  []graphStep `json:"steps"`
		} `json:"dag"`
		Steps []struct {
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"steps"`
		OriginRun *string `json:"origin_run"`
		Failures  []struct {
			Step, Task string
			Lines      []struct{ Text string }
		} `json:"failures"`
	}
	type timeline struct {
		Tasks    int `json:"tasks"`
		Attempts []struct {
			Step, Task, Status string
			Attempt            int
			Started            *string `json:"started_at"`
			Finished           *string `json:"finished_at"`
		} `json:"attempts"`
	}

	t.Run("live_midrun", func(t *testing.T) {
		s := newTestServer(t, "live_midrun", Options{})
		var d detail
		s.getJSON(t, "/api/runs/LiveCardFlow/1795642679591111", &d)
		var got []string
		for _, st := range d.DAG.Steps {
			got = append(got, st.Name+":"+st.Type+":"+st.Status)
		}
		if want := "start:start:succeeded train:linear:running end:end:pending"; strings.Join(got, " ") != want {
			t.Errorf("dag = %s, want %s", strings.Join(got, " "), want)
		}
		if d.OriginRun != nil {
			t.Errorf("origin_run = %q on a run that was not resumed", *d.OriginRun)
		}
	})
	t.Run("default split start", func(t *testing.T) {
		s := newTestServer(t, "older-2.11.0/default", Options{})
		var d detail
		s.getJSON(t, "/api/runs/DefaultCardFlow/1795644053426934", &d)
		if d.Steps[0].Name != "start" || d.Steps[0].Type != "split" {
			t.Errorf("start step = %+v, want a split", d.Steps[0])
		}
	})
	t.Run("foreach", func(t *testing.T) {
		s := newTestServer(t, "foreach", Options{})
		var d detail
		s.getJSON(t, "/api/runs/ForeachFlow/1795642634789065", &d)
		var tl timeline
		s.getJSON(t, "/api/runs/ForeachFlow/1795642634789065/timeline", &tl)
		if tl.Tasks != d.Counts["total"] || len(tl.Attempts) != d.Counts["total"] || tl.Tasks < 20 {
			t.Errorf("timeline: %d tasks, %d attempts; run has %d", tl.Tasks, len(tl.Attempts), d.Counts["total"])
		}
		for _, a := range tl.Attempts {
			if a.Started == nil || a.Finished == nil || a.Status != "succeeded" {
				t.Fatalf("attempt %+v", a)
			}
		}
	})
	t.Run("retry", func(t *testing.T) {
		s := newTestServer(t, "retry", Options{})
		var tl timeline
		s.getJSON(t, "/api/runs/RetryFlow/1795642659547529/timeline", &tl)
		var flaky []string
		for _, a := range tl.Attempts {
			if a.Step == "flaky" {
				flaky = append(flaky, a.Status)
			}
		}
		if strings.Join(flaky, " ") != "failed succeeded" {
			t.Errorf("flaky attempts = %v", flaky)
		}
	})
	t.Run("failing", func(t *testing.T) {
		s := newTestServer(t, "failing", Options{})
		var d detail
		s.getJSON(t, "/api/runs/FailingFlow/1795642652721113", &d)
		if len(d.Failures) != 1 || d.Failures[0].Step != "work" {
			t.Fatalf("failures = %+v", d.Failures)
		}
		var text []string
		for _, l := range d.Failures[0].Lines {
			text = append(text, l.Text)
		}
		if all := strings.Join(text, "\n"); !strings.Contains(all, "RuntimeError: deliberate failure in FailingFlow.work") || len(text) > 30 {
			t.Errorf("stderr tail (%d lines):\n%s", len(text), all)
		}
	})
}
