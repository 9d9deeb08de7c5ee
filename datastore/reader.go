package datastore

import (
	"bytes"
	"fmt"
	"io/fs"
	"path/filepath"
)

// runReader reads the datastore's folders: the flows and their run
// headers (Open, a flow's refresh), and a run into a snapshot: run
// folders, steps, tasks (readTask), card listings and tokens, the run's
// parameters and the artifact blobs they decode from, and where a run's
// cards are (the card root search). It keeps no run state and takes no run lock:
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

// listFlows lists the datastore's flow folders.
func (rd *runReader) listFlows() ([]string, error) {
	ents, err := rd.fsys.ReadDir(rd.loc.Root)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		if e.IsDir() && !skipName(levelRoot, e.Name()) && rd.isFlowDir(filepath.Join(rd.loc.Root, e.Name())) {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// isFlowDir tells a flow folder: one with _meta/_self.json, or, in a
// datastore without metadata (S3, docs/format.md §7), one with no _meta at
// all that holds folders (runs, data). A folder whose _meta is there but
// not its _self.json is a flow still being created.
func (rd *runReader) isFlowDir(dir string) bool {
	if _, err := rd.fsys.Lstat(filepath.Join(dir, "_meta", "_self.json")); err == nil {
		return true
	}
	ents, err := rd.fsys.ReadDir(dir)
	if err != nil || hasEntry(ents, "_meta") {
		return false
	}
	for _, e := range ents {
		if e.IsDir() {
			return true
		}
	}
	return false
}

func hasEntry(ents []fs.DirEntry, name string) bool {
	for _, e := range ents {
		if e.Name() == name {
			return true
		}
	}
	return false
}

// metaAbsent reports whether a flow or run folder has no _meta folder at
// all: the datastore keeps no metadata (S3), so a missing _self.json is
// not an error there (docs/format.md §7).
func metaAbsent(fsys FS, dir string) bool {
	_, err := fsys.Lstat(filepath.Join(dir, "_meta"))
	return isNotExist(err)
}

// readFlow reads a flow's metadata and its run headers.
func (rd *runReader) readFlow(name string) *flowState {
	dir := filepath.Join(rd.loc.Root, name)
	st := &flowState{flow: Flow{Name: name}, runs: map[string]*runState{}}
	st.flow.Err = rd.readFlowMeta(dir)
	st.flow.LatestRun = rd.readLatestRun(dir)
	ids, noMeta, err := rd.listRuns(dir)
	if err != nil {
		st.flow.Err = fmt.Sprintf("cannot list runs: %v", err)
	}
	for _, id := range ids {
		st.runs[id] = rd.newRunState(name, id, noMeta)
	}
	return st
}

// readFlowMeta checks a flow's _meta/_self.json; it returns the error to
// show, or "".
func (rd *runReader) readFlowMeta(dir string) string {
	b, err := readFile(rd.fsys, filepath.Join(dir, "_meta", "_self.json"), maxMetaBytes)
	if err == nil {
		_, err = parseSelf(b)
	}
	if err != nil {
		if isNotExist(err) && metaAbsent(rd.fsys, dir) {
			return ""
		}
		return fmt.Sprintf("flow metadata: %v", err)
	}
	return ""
}

func (rd *runReader) readLatestRun(flowDir string) string {
	b, err := readFile(rd.fsys, filepath.Join(flowDir, "latest_run"), 256)
	if err != nil {
		return ""
	}
	return string(bytes.TrimSpace(b))
}

// listRuns lists the run folders of a flow: folders with _meta/_self.json
// (a folder without one is a run still being created, or not a run). A
// flow folder without _meta (S3, docs/format.md §7) keeps no run metadata:
// each of its folders but data is a run, and noMeta is set.
func (rd *runReader) listRuns(flowDir string) (ids []string, noMeta bool, err error) {
	ents, err := rd.fsys.ReadDir(flowDir)
	if err != nil {
		return nil, false, err
	}
	noMeta = !hasEntry(ents, "_meta")
	for _, e := range ents {
		if !e.IsDir() || skipName(levelFlow, e.Name()) {
			continue
		}
		if noMeta {
			ids = append(ids, e.Name())
			continue
		}
		if _, err := rd.fsys.Lstat(filepath.Join(flowDir, e.Name(), "_meta", "_self.json")); err == nil {
			ids = append(ids, e.Name())
		}
	}
	return ids, noMeta, nil
}

// newRunState reads a run's header; in a flow without _meta (S3) there is
// none to read, which saves three requests a run when a bucket is opened.
func (rd *runReader) newRunState(flow, id string, noMeta bool) *runState {
	rs := &runState{flow: flow, id: id}
	h := bareRunHeader(flow, id)
	if !noMeta {
		h, _ = readRunHeader(rd.fsys, rd.runDir(flow, id), flow, id)
	}
	snap := &runSnap{run: h}
	snap.run.LastActivity = laterOf(h.Started, epochMillis(h.tsEpoch))
	rs.snap.Store(snap)
	return rs
}
