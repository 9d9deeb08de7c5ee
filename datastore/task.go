package datastore

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"flowdeck/cards"

	"github.com/tidwall/gjson"
)

// taskRead is what reading one task folder yields, before its cards are
// attached.
type taskRead struct {
	task Task
	// cardAttempt maps card uuids to the attempt in their card-info record.
	cardAttempt map[string]int
	// attemptStarts holds N.attempt.json times, for inferring the attempt
	// of cards written before card-info existed.
	attemptStarts map[int]time.Time
	// retry lists files caught mid-write.
	retry []string
}

type attemptFiles struct {
	started, done, runtime, data bool
	logs                         []string
	// doneEntry is N.DONE.lock's listing entry: without _meta its
	// modification time (an object's LastModified) is the attempt's end.
	doneEntry fs.DirEntry
}

// readTask reads one task folder: attempts from N.attempt.json, DONE from
// N.DONE.lock, outcomes from attempt_ok metadata. It reads only the small
// files it needs; everything else comes from names.
func readTask(fsys FS, dir, flow, run, step, id string) (taskRead, error) {
	tr := taskRead{task: Task{Flow: flow, Run: run, Step: step, ID: id, ForeachIndex: -1, Cards: []Card{}}}
	t := &tr.task
	ents, err := fsys.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return tr, err
		}
		t.Status = StatusUnknown
		t.Err = fmt.Sprintf("cannot read task folder: %v", err)
		t.Attempts = []Attempt{}
		return tr, nil
	}
	files := listAttemptFiles(ents)
	m, err := listTaskMeta(fsys, dir)
	if err != nil {
		t.Err = fmt.Sprintf("cannot read task metadata: %v", err)
	}
	latest := latestAttempt(files)
	t.Attempt = latest
	okByAttempt := m.readOutcomes(fsys, &tr)
	clone := m.readCloneOrigin(fsys, t)

	tr.attemptStarts = map[int]time.Time{}
	t.Attempts = make([]Attempt, 0, latest+1)
	for n := latest; n >= 0; n-- {
		if f := files[n]; f != nil {
			t.Attempts = append(t.Attempts, readAttempt(fsys, dir, n, f, m, okByAttempt, clone, &tr))
		}
	}
	if len(t.Attempts) > 0 {
		la := t.Attempts[0]
		t.Status = la.Status
		t.Finished = la.Finished
		first := t.Attempts[len(t.Attempts)-1]
		t.Started = first.Started
	} else {
		t.Status = StatusRunning
	}
	m.readForeach(fsys, t)
	if len(m.cardInfoNames) > 0 && len(t.Attempts) > 1 {
		// With one attempt every card belongs to it; only retried tasks
		// need the card-info records.
		tr.cardAttempt = m.readCardAttempts(fsys)
	}
	if t.Status == StatusRunning {
		probeActivity(fsys, dir, m, t)
	}
	t.LastActivity = laterOf(t.LastActivity, laterOf(t.Started, t.Finished))
	return tr, nil
}

// listAttemptFiles groups a task folder's N.* files by attempt; their
// names are all readTask needs of most of them.
func listAttemptFiles(ents []fs.DirEntry) map[int]*attemptFiles {
	files := map[int]*attemptFiles{}
	get := func(n int) *attemptFiles {
		a := files[n]
		if a == nil {
			a = &attemptFiles{}
			files[n] = a
		}
		return a
	}
	for _, e := range ents {
		n, rest, ok := attemptFile(e.Name())
		if !ok {
			continue
		}
		switch rest {
		case "attempt.json":
			get(n).started = true
		case "DONE.lock":
			get(n).done = true
			get(n).doneEntry = e
		case "runtime":
			get(n).runtime = true
		case "data.json":
			get(n).data = true
		case "runtime_stdout.log", "task_stdout.log", "stdout.log":
			if !slices.Contains(get(n).logs, "stdout") {
				get(n).logs = append(get(n).logs, "stdout")
			}
		case "runtime_stderr.log", "task_stderr.log", "stderr.log":
			if !slices.Contains(get(n).logs, "stderr") {
				get(n).logs = append(get(n).logs, "stderr")
			}
		}
	}
	return files
}

// taskMeta is a task's _meta listing. Metadata names carry the field and a
// timestamp; only a few records need their content.
type taskMeta struct {
	dir           string
	latestByField map[string]string
	okNames       []string
	cardInfoNames []string
	// taskOK names the <a>_artifact__task_ok.json record per attempt: the
	// finish time of an attempt that has no attempt_ok (docs/format.md,
	// "Task times").
	taskOK map[int]string
	// noMeta: an S3 datastore (and a stripped copy) has no _meta:
	// docs/format.md §7.
	noMeta bool
}

// listTaskMeta lists the task's _meta folder. A missing one is no error;
// any other failure is returned with the listing left empty.
func listTaskMeta(fsys FS, dir string) (taskMeta, error) {
	m := taskMeta{dir: filepath.Join(dir, "_meta"), latestByField: map[string]string{}, taskOK: map[int]string{}}
	ments, err := fsys.ReadDir(m.dir)
	if err != nil {
		m.noMeta = errors.Is(err, fs.ErrNotExist)
		if m.noMeta {
			return m, nil
		}
		return m, err
	}
	bestTS := map[string]int64{}
	for _, e := range ments {
		if a, ok := strings.CutSuffix(e.Name(), "_artifact__task_ok.json"); ok {
			if n, err := strconv.Atoi(a); err == nil && n >= 0 {
				m.taskOK[n] = e.Name()
			}
			continue
		}
		field, ts, ok := sysmetaName(e.Name())
		if !ok {
			continue
		}
		switch {
		case field == "attempt_ok":
			m.okNames = append(m.okNames, e.Name())
		case cards.IsUUID(field):
			m.cardInfoNames = append(m.cardInfoNames, e.Name())
		}
		if ts >= bestTS[field] {
			bestTS[field] = ts
			m.latestByField[field] = e.Name()
		}
	}
	return m, nil
}

// path is the path of one record of the listing.
func (m taskMeta) path(name string) string { return filepath.Join(m.dir, name) }

// latestAttempt is the highest started attempt.
func latestAttempt(files map[int]*attemptFiles) int {
	latest := -1
	for n, a := range files {
		if a.started && n > latest {
			latest = n
		}
	}
	if latest < 0 {
		// Folder made, attempt not started yet (or an attempt.json caught
		// mid-write by an in-place writer).
		for n := range files {
			if n > latest {
				latest = n
			}
		}
		if latest < 0 {
			latest = 0
		}
	}
	return latest
}

// readOutcomes reads the attempt_ok records: the newest per attempt wins.
// A record caught mid-write goes to tr.retry.
func (m taskMeta) readOutcomes(fsys FS, tr *taskRead) map[int]sysmeta {
	okByAttempt := map[int]sysmeta{}
	for _, name := range m.okNames {
		s, err := readSysmeta(fsys, m.path(name))
		if err != nil {
			tr.retry = append(tr.retry, m.path(name))
			continue
		}
		if s.Attempt < 0 {
			continue
		}
		if prev, ok := okByAttempt[s.Attempt]; !ok || s.TSEpoch >= prev.TSEpoch {
			okByAttempt[s.Attempt] = s
		}
	}
	return okByAttempt
}

// readCloneOrigin sets the task's origin when resume cloned it, and says
// whether it did (both origin records read).
func (m taskMeta) readCloneOrigin(fsys FS, t *Task) bool {
	if m.latestByField["origin-task-id"] == "" {
		return false
	}
	if s, err := readSysmeta(fsys, m.path(m.latestByField["origin-task-id"])); err == nil {
		t.OriginTask = s.Value.String()
	}
	if name := m.latestByField["origin-run-id"]; name != "" {
		if s, err := readSysmeta(fsys, m.path(name)); err == nil && s.Value.String() != "None" {
			t.OriginRun = s.Value.String()
		}
	}
	if t.OriginRun == "" || t.OriginTask == "" {
		t.OriginRun, t.OriginTask = "", ""
		return false
	}
	return true
}

// readAttempt reads attempt n: its start from N.attempt.json, its outcome
// and end from attempt_ok (or, without _meta, DONE.lock's mtime), its
// status by docs/format.md §6.
func readAttempt(fsys FS, dir string, n int, f *attemptFiles, m taskMeta, okByAttempt map[int]sysmeta, clone bool, tr *taskRead) Attempt {
	a := Attempt{N: n, Done: f.done, Logs: f.logs}
	if a.Logs == nil {
		a.Logs = []string{}
	}
	sort.Strings(a.Logs)
	if f.started {
		p := filepath.Join(dir, strconv.Itoa(n)+".attempt.json")
		b, err := readFile(fsys, p, maxMetaBytes)
		if err == nil {
			a.Started, err = parseAttemptTime(b)
		}
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				tr.retry = append(tr.retry, p)
			}
		} else {
			tr.attemptStarts[n] = a.Started
		}
	}
	if s, ok := okByAttempt[n]; ok {
		v := strings.EqualFold(s.Value.String(), "true")
		a.OK = &v
		a.Finished = epochMillis(s.TSEpoch)
	} else if m.noMeta && f.doneEntry != nil {
		if fi, err := f.doneEntry.Info(); err == nil {
			a.Finished = fi.ModTime().UTC()
		}
	}
	a.Status = attemptStatus(fsys, dir, n, f, a.OK, clone, tr)
	if a.Finished.IsZero() && f.done && m.taskOK[n] != "" {
		// A task cloned by resume before 2.11.16 has no attempt_ok;
		// Metaflow's client takes finished_at from this record.
		if b, err := readFile(fsys, m.path(m.taskOK[n]), maxMetaBytes); err == nil {
			if ts := gjson.GetBytes(b, "ts_epoch"); ts.Type == gjson.Number && ts.Int() > 0 {
				a.Finished = epochMillis(ts.Int())
			}
		}
	}
	return a
}

// readForeach sets the task's foreach index, variable and value.
func (m taskMeta) readForeach(fsys FS, t *Task) {
	if name := m.latestByField["foreach-execution-path"]; name != "" {
		if s, err := readSysmeta(fsys, m.path(name)); err == nil {
			t.ForeachIndex = foreachIndex(s.Value.String())
		}
	}
	if name := m.latestByField["foreach-stack"]; name != "" {
		if s, err := readSysmeta(fsys, m.path(name)); err == nil {
			t.ForeachVar, t.ForeachValue = foreachFrame(s.Value)
		}
	}
}

// readCardAttempts maps card uuids to the attempt of their card-info
// record.
func (m taskMeta) readCardAttempts(fsys FS) map[string]int {
	cardAttempt := map[string]int{}
	for _, name := range m.cardInfoNames {
		s, err := readSysmeta(fsys, m.path(name))
		if err != nil || s.Attempt < 0 {
			continue
		}
		cardAttempt[s.Field] = s.Attempt
	}
	return cardAttempt
}

// probeActivity moves a running task's LastActivity to its folders' mtimes.
func probeActivity(fsys FS, dir string, m taskMeta, t *Task) {
	probe := []string{dir, m.dir}
	if m.noMeta {
		// Two requests saved per running task over S3.
		probe = probe[:1]
	}
	for _, p := range probe {
		if fi, err := fsys.Lstat(p); err == nil {
			t.LastActivity = laterOf(t.LastActivity, fi.ModTime())
		}
	}
}

// attemptStatus applies docs/format.md §6.
func attemptStatus(fsys FS, dir string, n int, f *attemptFiles, ok *bool, clone bool, tr *taskRead) Status {
	switch {
	case !f.done:
		return StatusRunning
	case ok != nil && *ok:
		return StatusSucceeded
	case ok != nil:
		return StatusFailed
	case clone:
		// Cloned by resume before 2.11.16: no attempt_ok, but only
		// successful tasks are cloned.
		return StatusSucceeded
	case f.runtime:
		p := filepath.Join(dir, strconv.Itoa(n)+".runtime")
		b, err := readFile(fsys, p, maxMetaBytes)
		if err != nil {
			return StatusUnknown
		}
		s, err := parseRuntime(b)
		if err != nil {
			tr.retry = append(tr.retry, p)
			return StatusUnknown
		}
		if s {
			return StatusSucceeded
		}
		return StatusFailed
	}
	// DONE is there but not the outcome: Metaflow writes attempt_ok just
	// before DONE, so the outcome is still arriving (or the writer is
	// older and .runtime will tell). Until then the attempt is finishing.
	return StatusRunning
}

func readSysmeta(fsys FS, p string) (sysmeta, error) {
	b, err := readFile(fsys, p, maxMetaBytes)
	if err != nil {
		return sysmeta{}, err
	}
	return parseSysmeta(b)
}

// foreachIndex takes the last frame of "step:idx[,step:idx]".
func foreachIndex(path string) int {
	if i := strings.LastIndexByte(path, ','); i >= 0 {
		path = path[i+1:]
	}
	i := strings.LastIndexByte(path, ':')
	if i < 0 {
		return -1
	}
	n, err := strconv.Atoi(path[i+1:])
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// foreachFrame takes the innermost "<var>=<value>" of a foreach-stack list.
func foreachFrame(v gjson.Result) (string, string) {
	last := v.String()
	if v.IsArray() {
		arr := v.Array()
		if len(arr) == 0 {
			return "", ""
		}
		last = arr[len(arr)-1].String()
	}
	name, val, ok := strings.Cut(last, "=")
	if !ok {
		return "", last
	}
	return name, val
}

func laterOf(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
