package compare

import (
	"context"
	"fmt"
	"slices"

	"flowdeck/datastore"
)

// artifactRows has one row per scalar artifact of each picked step: those
// the datastore previews in one line (small simple values). A step with
// several tasks gives the values of its first task (by foreach index),
// whose id the row's detail names. Parameters are artifacts too in
// Metaflow; they have their own rows and are left out here.
func artifactRows(ctx context.Context, ix *datastore.Index, details []datastore.RunDetail, steps []string) ([]Row, error) {
	var rows []Row
	for _, step := range steps {
		// per run: artifact name -> preview
		values := make([]map[string]string, len(details))
		var names []string
		for i, d := range details {
			t, ok := firstTask(d, step)
			if !ok {
				continue
			}
			arts, err := ix.TaskArtifacts(ctx, d.Flow, d.ID, step, t.ID, -1)
			if err != nil {
				if ctx.Err() != nil {
					return nil, fmt.Errorf("compare: artifacts of %s/%s: %w", d.ID, step, err)
				}
				// A damaged or half-written index leaves the run's cells
				// empty; the task page says why.
				continue
			}
			values[i] = map[string]string{}
			for _, a := range arts {
				if a.Preview == "" || isParameter(details, a.Name) {
					continue
				}
				values[i][a.Name] = a.Preview
				if !slices.Contains(names, a.Name) {
					names = append(names, a.Name)
				}
			}
		}
		slices.Sort(names)
		for _, n := range names {
			row := Row{Group: GroupArtifact, Name: n, Detail: step, Values: make([]*string, len(details))}
			for i := range details {
				if v, ok := values[i][n]; ok {
					row.Values[i] = &v
				}
			}
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// firstTask is the step's task with the lowest foreach index (or the first
// listed).
func firstTask(d datastore.RunDetail, step string) (datastore.Task, bool) {
	for _, s := range d.Steps {
		if s.Name != step || len(s.Tasks) == 0 {
			continue
		}
		best := s.Tasks[0]
		for _, t := range s.Tasks[1:] {
			if t.ForeachIndex >= 0 && (best.ForeachIndex < 0 || t.ForeachIndex < best.ForeachIndex) {
				best = t
			}
		}
		return best, true
	}
	return datastore.Task{}, false
}

func isParameter(details []datastore.RunDetail, name string) bool {
	for _, d := range details {
		if _, ok := d.Parameters[name]; ok {
			return true
		}
	}
	return false
}
