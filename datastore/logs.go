package datastore

import (
	"bytes"
	"context"
	"errors"
	"flowdeck/wire"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
)

// LogLine is one line of an mflog file (wire.LogLine).
type LogLine = wire.LogLine

// Log is a task's stdout or stderr for one attempt (wire.LogData).
type Log = wire.LogData

// Log streams.
const (
	Stdout = "stdout"
	Stderr = "stderr"
)

// TaskLog reads a task's log for one attempt (-1: the latest). Local tasks
// have logs only after their process exits; a missing log is ErrUnknown.
func (ix *Index) TaskLog(ctx context.Context, flow, run, step, task string, attempt int, stream string) (Log, error) {
	return ix.taskLog(ctx, flow, run, step, task, attempt, stream, maxLogBytes)
}

// taskLog is TaskLog reading at most the last limit bytes.
func (ix *Index) taskLog(ctx context.Context, flow, run, step, task string, attempt int, stream string, limit int64) (Log, error) {
	if stream != Stdout && stream != Stderr {
		return Log{}, fmt.Errorf("log stream %q: %w", stream, ErrUnknown)
	}
	t, err := ix.Task(ctx, flow, run, step, task)
	if err != nil {
		return Log{}, err
	}
	if attempt < 0 {
		attempt = t.Attempt
	}
	dir := filepath.Join(ix.reader.runDir(flow, run), step, task)
	// Local runs write runtime_*; remote compute task_*; old Metaflow *.log.
	for _, suffix := range []string{".runtime_" + stream + ".log", ".task_" + stream + ".log", "." + stream + ".log"} {
		p := filepath.Join(dir, strconv.Itoa(attempt)+suffix)
		b, truncated, err := readTailCapped(ix.fsys, p, limit)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return Log{}, fmt.Errorf("datastore: log %s: %w", p, err)
		}
		return Log{Attempt: attempt, Stream: stream, Truncated: truncated, Lines: ParseMflog(b)}, nil
	}
	return Log{}, fmt.Errorf("log %s of %s/%s/%s/%s attempt %d: %w", stream, flow, run, step, task, attempt, ErrUnknown)
}

// readTailCapped reads a file, or its last limit bytes when it is bigger.
func readTailCapped(fsys FS, p string, limit int64) ([]byte, bool, error) {
	fi, err := fsys.Lstat(p)
	if err != nil {
		return nil, false, err
	}
	if fi.Size() <= limit {
		b, err := readFile(fsys, p, limit)
		return b, false, err
	}
	b, err := readTail(fsys, p, fi.Size(), int(limit))
	if err != nil {
		return nil, false, err
	}
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[i+1:]
	}
	return b, true, nil
}

var mflogPrefix = []byte("[MFLOG|")

// ParseMflog splits an mflog file into lines. Lines without the header
// (continuations, older formats) keep their text only.
func ParseMflog(b []byte) []LogLine {
	out := []LogLine{}
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if !bytes.HasPrefix(line, mflogPrefix) {
			out = append(out, LogLine{Text: string(line)})
			continue
		}
		end := bytes.IndexByte(line, ']')
		if end < 0 {
			out = append(out, LogLine{Text: string(line)})
			continue
		}
		fields := bytes.Split(line[1:end], []byte("|"))
		l := LogLine{Text: string(line[end+1:])}
		if len(fields) >= 4 {
			l.TS, l.Source = string(fields[2]), string(fields[3])
		}
		out = append(out, l)
	}
	return out
}

// Failure is a failed task of a run with the end of its stderr (wire.Failure).
type Failure = wire.Failure

// Bounds of RunFailures: a failed foreach can fail hundreds of tasks; the
// run page shows the first few, the rest are a click away.
const (
	maxFailures     = 5
	maxFailureLines = 30
	// maxFailureBytes is how much of the end of a stderr is read for its
	// last lines: a traceback fits, a chatty 8 MB log is not read whole on
	// every refresh of the run page.
	maxFailureBytes = 64 << 10
)

// RunFailures lists the failed tasks of a run (latest attempt failed), in
// step order, with the tail of their stderr.
func (ix *Index) RunFailures(ctx context.Context, d RunDetail) []Failure {
	out := []Failure{}
	for _, st := range d.Steps {
		for _, t := range st.Tasks {
			if t.Status != StatusFailed {
				continue
			}
			if len(out) == maxFailures || ctx.Err() != nil {
				return out
			}
			f := Failure{Step: st.Name, Task: t.ID, Attempt: t.Attempt, Lines: []LogLine{}}
			l, err := ix.taskLog(ctx, d.Flow, d.ID, st.Name, t.ID, t.Attempt, Stderr, maxFailureBytes)
			if err != nil {
				f.Err = err.Error()
			} else {
				f.Lines, f.Truncated = l.Lines, l.Truncated
				for len(f.Lines) > 0 && f.Lines[len(f.Lines)-1].Text == "" {
					f.Lines = f.Lines[:len(f.Lines)-1]
				}
				if n := len(f.Lines); n > maxFailureLines {
					f.Lines, f.Truncated = f.Lines[n-maxFailureLines:], true
				}
			}
			out = append(out, f)
		}
	}
	return out
}
