package mfsim

import (
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"encoding/hex"
	"os"
	"path"
	"path/filepath"
	"sync"
	"time"
)

// storedArtifact is one entry of an attempt's artifact index.
type storedArtifact struct {
	name     string
	sha      string
	size     int
	typ      string
	encoding string
}

// artifactBlob turns a value into what Metaflow's content-addressed store
// keeps: the sha1 of the pickle names the file, the file is the gzip of it.
type artifactBlob struct {
	storedArtifact
	raw []byte
	t   time.Time
}

// gzipPool reuses compressors: a new one costs ~1 MB of zeroed memory, and
// Bulk stores millions of artifacts (almost all already on disk).
var gzipPool = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, 3) // Metaflow's compresslevel
	return zw
}}

func (b artifactBlob) gzip() []byte {
	var buf bytes.Buffer
	zw := gzipPool.Get().(*gzip.Writer)
	zw.Reset(&buf)
	zw.ModTime = b.t
	zw.Write(b.raw)
	zw.Close()
	gzipPool.Put(zw)
	return buf.Bytes()
}

func (d *Datastore) makeBlob(name string, v any, t time.Time) artifactBlob {
	proto, enc := 4, "pickle-v4"
	if !d.feat.pickleV4 {
		proto, enc = 2, "gzip+pickle-v2"
	}
	raw := pickle(v, proto)
	sum := sha1.Sum(raw)
	if !d.blobTime.IsZero() {
		t = d.blobTime
	}
	return artifactBlob{
		storedArtifact: storedArtifact{
			name: name, sha: hex.EncodeToString(sum[:]), size: len(raw),
			typ: pyTypeName(v), encoding: enc,
		},
		raw: raw, t: t,
	}
}

var blobMeta = []byte(`{"cas_raw": false, "cas_version": 1}`)

// storeBlob writes data/<sha[:2]>/<sha> and its _meta once per flow: the
// store is content addressed, so an existing blob is never rewritten.
func (f *Flow) storeBlob(b artifactBlob) error {
	f.mu.Lock()
	done := f.blobs[b.sha]
	f.blobs[b.sha] = true
	f.mu.Unlock()
	if done {
		return nil
	}
	rel := path.Join(f.name, "data", b.sha[:2], b.sha)
	if set := f.ds.blobSet; set != nil {
		if _, loaded := set.LoadOrStore(rel, struct{}{}); loaded {
			return nil
		}
	} else if _, err := os.Stat(filepath.Join(f.ds.root, rel)); err == nil {
		return nil
	}
	if err := f.ds.put(rel, b.gzip()); err != nil {
		return err
	}
	return f.ds.put(rel+"_meta", blobMeta)
}

// dataJSON is <attempt>.data.json, the artifact index of one attempt.
func (d *Datastore) dataJSON(attempt int, arts []storedArtifact) []byte {
	objects := make(Obj, len(arts))
	info := make(Obj, len(arts))
	for i, a := range arts {
		objects[i] = KV{a.name, a.sha}
		entry := Obj{{"size", a.size}, {"type", a.typ}, {"encoding", a.encoding}}
		if d.feat.pickleV4 {
			entry = append(entry, KV{"serializer_info", Obj{{"source", "metaflow"}}})
		}
		info[i] = KV{a.name, entry}
	}
	return mustPyJSON(Obj{
		{"datastore", "local"},
		{"version", "1.0"},
		{"attempt", attempt},
		{"python_version", pythonVersionLong},
		{"objects", objects},
		{"info", info},
	})
}

// namedValue is an artifact before it is stored.
type namedValue struct {
	name  string
	value any
}

// standardArtifacts are the internal artifacts every task of this
// Metaflow version persists, in the order its data.json lists them, with
// the run's parameters in front and the user's artifacts last.
func (t *Task) standardArtifacts(ok bool) []namedValue {
	r := t.step.run
	feat := r.ds().feat
	var out []namedValue
	for _, p := range r.params {
		out = append(out, namedValue{p.Name, p.Value})
	}
	var transition any
	if ok && len(t.next) > 0 {
		transition = Tuple{stringsToAny(t.next), nil}
	}
	foreachStack := []any{}
	if fe := t.opts.Foreach; fe != nil {
		foreachStack = []any{Tuple{t.step.name, fe.Num, fe.Index, fe.Value}}
	}
	var exc any
	if !ok {
		exc = PyObject{Type: "metaflow.exception.MetaflowExceptionWrapper", Repr: t.failure}
	}
	out = append(out,
		namedValue{"name", r.flow.name},
		namedValue{"_transition", transition},
		namedValue{"_task_ok", ok},
		namedValue{"_success", ok},
		namedValue{"_graph_info", r.graphInfo()},
		namedValue{"_foreach_stack", foreachStack},
	)
	if feat.newArtifacts {
		out = append(out, namedValue{"_configs_processed", true}, namedValue{"_iteration_stack", []any{}})
	}
	var splitVar, splitNum any
	if t.opts.Split != nil {
		splitVar, splitNum = t.opts.Split.Var, len(t.opts.Split.Values)
	}
	out = append(out, namedValue{"_foreach_var", splitVar})
	if t.opts.Split != nil {
		out = append(out, namedValue{"_foreach_values", stringsToAny(t.opts.Split.Values)})
	} else if fe := t.opts.Foreach; fe != nil {
		// A foreach body carries the split's values on.
		out = append(out, namedValue{"_foreach_values", stringsToAny(r.splitValues(fe.Var))})
	}
	out = append(out,
		namedValue{"_foreach_num_splits", splitNum},
		namedValue{"_exception", exc},
		namedValue{"_current_step", t.step.name},
	)
	return append(out, t.artifacts...)
}

func stringsToAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
