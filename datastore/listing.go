package datastore

import (
	"fmt"
	"sort"
	"sync"
)

// listing is the index's flows and the states of their runs: what Flows,
// Runs and every run lookup read, and what Open and a flow's refresh
// write. Its lock guards the maps only; each run's snapshot is swapped
// under that run's own lock.
type listing struct {
	mu    sync.RWMutex
	flows map[string]*flowState
}

type flowState struct {
	flow Flow
	runs map[string]*runState
}

func newListing() *listing { return &listing{flows: map[string]*flowState{}} }

// flowList lists the flows, sorted by name.
func (l *listing) flowList() []Flow {
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := make([]Flow, 0, len(l.flows))
	for _, f := range l.flows {
		fl := f.flow
		fl.Runs = len(f.runs)
		out = append(out, fl)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// runStates lists a flow's runs, in no order.
func (l *listing) runStates(flow string) ([]*runState, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	f, ok := l.flows[flow]
	if !ok {
		return nil, fmt.Errorf("flow %q: %w", flow, ErrUnknown)
	}
	out := make([]*runState, 0, len(f.runs))
	for _, rs := range f.runs {
		out = append(out, rs)
	}
	return out, nil
}

func (l *listing) runState(flow, run string) (*runState, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	f, ok := l.flows[flow]
	if !ok {
		return nil, false
	}
	rs, ok := f.runs[run]
	return rs, ok
}

// eachRun calls fn for every run, under the listing's read lock: fn only
// collects, it must not call back into the listing.
func (l *listing) eachRun(fn func(flow string, rs *runState)) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for name, f := range l.flows {
		for _, rs := range f.runs {
			fn(name, rs)
		}
	}
}

func (l *listing) flowState(name string) (*flowState, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	f, ok := l.flows[name]
	return f, ok
}

// add adds a flow read by runReader.readFlow; it reports false, and adds
// nothing, when the flow is known already.
func (l *listing) add(st *flowState) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, known := l.flows[st.flow.Name]; known {
		return false
	}
	l.flows[st.flow.Name] = st
	return true
}

func (l *listing) remove(name string) {
	l.mu.Lock()
	delete(l.flows, name)
	l.mu.Unlock()
}

// keepFlows drops the flows not on disk and returns their names, sorted.
func (l *listing) keepFlows(onDisk map[string]bool) []string {
	l.mu.Lock()
	gone := dropMissing(l.flows, onDisk)
	l.mu.Unlock()
	return gone
}

// dropMissing deletes the keys of m that onDisk lacks and returns them,
// sorted.
func dropMissing[V any](m map[string]V, onDisk map[string]bool) []string {
	var gone []string
	for k := range m {
		if !onDisk[k] {
			gone = append(gone, k)
		}
	}
	for _, k := range gone {
		delete(m, k)
	}
	sort.Strings(gone)
	return gone
}

func (l *listing) hasRun(f *flowState, id string) bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	_, ok := f.runs[id]
	return ok
}

// updateFlow sets a re-read flow's header, adds the runs read since that
// are still unknown and drops the runs not on disk. It returns the ids
// added and the ids dropped, sorted.
func (l *listing) updateFlow(f *flowState, latest, metaErr string, added []*runState, onDisk map[string]bool) (addedIDs, gone []string) {
	l.mu.Lock()
	f.flow.LatestRun, f.flow.Err = latest, metaErr
	for _, rs := range added {
		if _, ok := f.runs[rs.id]; !ok {
			f.runs[rs.id] = rs
			addedIDs = append(addedIDs, rs.id)
		}
	}
	gone = dropMissing(f.runs, onDisk)
	l.mu.Unlock()
	return addedIDs, gone
}
