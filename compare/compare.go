package compare

import (
	"cmp"
	"context"
	"errors"
	"flowdeck/wire"
	"fmt"
	"slices"
	"strings"
	"time"

	"flowdeck/datastore"
)

// Limits on the runs one comparison holds: the page shows a column per run.
const (
	MinRuns = 2
	MaxRuns = 8
)

// ErrRuns is returned for a run list the page cannot compare (too few, too
// many, repeated).
var ErrRuns = errors.New("compare: bad run list")

// Group is the group of a row (wire.CompareGroup).
type Group = wire.CompareGroup

// Groups of the rows Compare makes, in the order the table shows them (the
// page adds wire.GroupValueBox rows after them).
const (
	GroupRun       = wire.GroupRun
	GroupParameter = wire.GroupParameter
	GroupArtifact  = wire.GroupArtifact
)

// Result is one comparison (wire.CompareResult).
type Result = wire.CompareResult

// Run is a compared run's header (wire.CompareRun).
type Run = wire.CompareRun

// Row is one line of the table (wire.CompareRow).
type Row = wire.CompareRow

// CardMatch is one card as it appears in each run (wire.CardMatch).
type CardMatch = wire.CardMatch

// Options tune a comparison.
type Options struct {
	// Steps whose scalar artifacts are rows; empty means the end step.
	Steps []string
	// Now dates the duration of running runs; zero means time.Now.
	Now time.Time
}

// ParseRuns splits a comma-separated run list and checks it.
func ParseRuns(s string) ([]string, error) {
	var runs []string
	for r := range strings.SplitSeq(s, ",") {
		if r = strings.TrimSpace(r); r != "" {
			runs = append(runs, r)
		}
	}
	if len(runs) < MinRuns || len(runs) > MaxRuns {
		return nil, fmt.Errorf("%w: compare %d to %d runs, not %d", ErrRuns, MinRuns, MaxRuns, len(runs))
	}
	seen := map[string]bool{}
	for _, r := range runs {
		if seen[r] {
			return nil, fmt.Errorf("%w: run %s is listed twice", ErrRuns, r)
		}
		seen[r] = true
	}
	return runs, nil
}

// Compare reads the runs from ix and lines them up. An unknown run is an
// error wrapping datastore.ErrUnknown.
func Compare(ctx context.Context, ix *datastore.Index, flow string, runIDs []string, opts Options) (*Result, error) {
	if len(runIDs) < MinRuns || len(runIDs) > MaxRuns {
		return nil, fmt.Errorf("%w: compare %d to %d runs, not %d", ErrRuns, MinRuns, MaxRuns, len(runIDs))
	}
	now := cmp.Or(opts.Now, time.Now())
	details := make([]datastore.RunDetail, len(runIDs))
	for i, id := range runIDs {
		d, err := ix.Run(ctx, flow, id)
		if err != nil {
			return nil, fmt.Errorf("compare: run %s: %w", id, err)
		}
		details[i] = d
	}
	res := &Result{Flow: flow, Rows: []Row{}}
	for _, d := range details {
		st := d.Status
		if !d.Loaded {
			st = datastore.StatusUnknown
		}
		res.Runs = append(res.Runs, Run{ID: d.ID, Status: st, Started: d.Started, Finished: d.Finished,
			Live: st == datastore.StatusRunning, Err: d.Err})
	}
	res.AllSteps = allSteps(details)
	res.Steps = pickSteps(opts.Steps, details)
	res.Rows = append(res.Rows, runRows(details, now)...)
	res.Rows = append(res.Rows, parameterRows(details)...)
	arts, err := artifactRows(ctx, ix, details, res.Steps)
	if err != nil {
		return nil, err
	}
	res.Rows = append(res.Rows, arts...)
	res.Cards = matchCards(details)
	res.ExportName = FileName(res)
	for i := range res.Rows {
		res.Rows[i].Differs = differs(res.Rows[i].Values)
	}
	return res, nil
}

// allSteps lists the steps of the runs, in the order of the first run that
// has each.
func allSteps(details []datastore.RunDetail) []string {
	var out []string
	for _, d := range details {
		for _, s := range d.Steps {
			if !slices.Contains(out, s.Name) {
				out = append(out, s.Name)
			}
		}
	}
	return out
}

// pickSteps keeps the asked steps that exist, or the end step.
func pickSteps(asked []string, details []datastore.RunDetail) []string {
	all := allSteps(details)
	var out []string
	for _, s := range asked {
		if slices.Contains(all, s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if len(asked) > 0 {
		return nonNil(out)
	}
	for _, d := range details {
		if d.EndStep != "" {
			return []string{d.EndStep}
		}
	}
	if slices.Contains(all, "end") {
		return []string{"end"}
	}
	return []string{}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func runRows(details []datastore.RunDetail, now time.Time) []Row {
	status := Row{Group: GroupRun, Name: "status", Values: make([]*string, len(details))}
	dur := Row{Group: GroupRun, Name: "duration", Values: make([]*string, len(details))}
	for i, d := range details {
		st := string(d.Status)
		if !d.Loaded || st == "" {
			st = string(datastore.StatusUnknown)
		}
		status.Values[i] = &st
		if v, ok := duration(d.Run, now); ok {
			dur.Values[i] = &v
		}
	}
	return []Row{status, dur}
}

// duration is the run's wall time, up to now while it runs.
func duration(r datastore.Run, now time.Time) (string, bool) {
	if r.Started.IsZero() {
		return "", false
	}
	end := r.Finished
	if end.IsZero() {
		if r.Status != datastore.StatusRunning {
			return "", false
		}
		end = now
	}
	d := end.Sub(r.Started)
	if d < 0 {
		return "", false
	}
	if d >= time.Second {
		d = d.Round(time.Second)
	} else {
		d = d.Round(time.Millisecond)
	}
	return d.String(), true
}

func parameterRows(details []datastore.RunDetail) []Row {
	var names []string
	for _, d := range details {
		for n := range d.Parameters {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	slices.Sort(names)
	rows := make([]Row, 0, len(names))
	for _, n := range names {
		row := Row{Group: GroupParameter, Name: n, Values: make([]*string, len(details))}
		for i, d := range details {
			if v, ok := d.Parameters[n]; ok {
				row.Values[i] = &v
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// differs reports whether the values are not all the same.
func differs(vs []*string) bool {
	for _, v := range vs[1:] {
		if (v == nil) != (vs[0] == nil) || v != nil && *v != *vs[0] {
			return true
		}
	}
	return false
}
