package datastore

import (
	"context"
	"encoding/json"
	"time"
)

// Dump reads every run and every card token and returns the whole index as
// canonical JSON, leaving out what depends on when files were written
// (mtimes) rather than on what they hold. Two indexes of equal trees dump
// equal bytes; tests compare a live-updated index with a fresh one this way.
func (ix *Index) Dump(ctx context.Context) ([]byte, error) {
	if err := ix.LoadAll(ctx); err != nil {
		return nil, err
	}
	type dumpRun struct {
		RunDetail
	}
	type dumpFlow struct {
		Flow
		Runs []RunDetail `json:"run_details"`
	}
	var out []dumpFlow
	for _, f := range ix.Flows() {
		runs, err := ix.Runs(f.Name)
		if err != nil {
			return nil, err
		}
		df := dumpFlow{Flow: f}
		for _, r := range runs {
			d, err := ix.Run(ctx, f.Name, r.ID)
			if err != nil {
				return nil, err
			}
			d.LastActivity = time.Time{}
			for si := range d.Steps {
				for ti := range d.Steps[si].Tasks {
					t := &d.Steps[si].Tasks[ti]
					cs := append([]Card{}, t.Cards...)
					for ci := range cs {
						cs[ci].HTML.ModTime = time.Time{}
						if cs[ci].Data != nil {
							dd := *cs[ci].Data
							dd.ModTime = time.Time{}
							cs[ci].Data = &dd
						}
					}
					t.Cards = cs
				}
			}
			df.Runs = append(df.Runs, d)
		}
		out = append(out, df)
	}
	return json.MarshalIndent(out, "", " ")
}
