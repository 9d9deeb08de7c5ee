package datastore

// runReader reads runs from the datastore into snapshots: run folders,
// steps, tasks (readTask), card listings and tokens, the run's parameters
// and the artifact blobs they decode from, and where a run's cards are
// (the card root search). It keeps no run state and takes no run lock:
// the Index owns the snapshots, serializes their writers and derives
// statuses from what the reader returns (derive), since that rule needs
// the Index's clock and the changes it saw.
type runReader struct {
	loc  Location
	fsys FS
	// values holds decoded artifact blobs, which never change.
	values    *valueCache
	cardRoots cardRootCache
}

func newRunReader(loc Location, fsys FS) *runReader {
	return &runReader{loc: loc, fsys: fsys, values: newValueCache(valueCacheBytes),
		cardRoots: cardRootCache{flows: map[string]*flowCardSearch{}, runs: map[string]string{}}}
}

// loadRun reads every step and task of a run (runReader.loadRun) and
// derives its statuses.
func (ix *Index) loadRun(flow, id string, header Run) (*runSnap, []string) {
	snap, retry := ix.reader.loadRun(flow, id, header)
	ix.derive(snap)
	return snap, retry
}

// loadRunSummary reads a run's summary, or all of it when its end step did
// not succeed (runReader.loadRunSummary), and derives its statuses.
func (ix *Index) loadRunSummary(flow, id string, header Run) (*runSnap, []string) {
	snap, retry := ix.reader.loadRunSummary(flow, id, header)
	ix.derive(snap)
	return snap, retry
}
