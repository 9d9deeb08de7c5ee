package datastore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flowdeck/wire"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"strconv"

	"flowdeck/artifacts"

	"github.com/tidwall/gjson"
)

// Artifact values are pickles in the flow's content-addressed store,
// <root>/<flow>/data/<sha[:2]>/<sha> (docs/format.md). They are untrusted:
// only the artifacts package reads them, and it never runs any of their
// code. Decoded values are cached by sha (valueCache).
const (
	// maxBlobBytes caps the compressed blob Flowdeck opens; the decoder caps
	// what it unpacks (artifacts.Limits).
	maxBlobBytes = 256 << 20
	// previewMaxSize is the largest pickle (data.json "size") an artifact
	// list decodes for its one-line preview: small simple values only.
	previewMaxSize = 4 << 10
	// valueCacheBytes bounds the decoded values kept in memory.
	valueCacheBytes = 64 << 20
)

// ArtifactValue is one artifact of a task attempt with its decoded value.
type ArtifactValue struct {
	Artifact
	// Value is the value tree of the artifacts package, as JSON.
	Value json.RawMessage
	// Truncated is set when the decoder cut something (items, a long
	// string, depth, rows).
	Truncated bool
	// Err says why the value cannot be shown (a hostile or damaged pickle,
	// a missing blob); Value is then a tree of kind "error".
	Err string
}

// artifactRef is one entry of N.data.json: where the blob is and what
// Metaflow recorded about it.
type artifactRef struct {
	Artifact
	sha string
}

// ArtifactValue decodes one artifact of a task attempt (-1: the latest).
// ErrUnknown when the task or the artifact is not there.
func (ix *Index) ArtifactValue(ctx context.Context, flow, run, step, task string, attempt int, name string) (ArtifactValue, error) {
	t, err := ix.Task(ctx, flow, run, step, task)
	if err != nil {
		return ArtifactValue{}, err
	}
	if attempt < 0 {
		attempt = t.Attempt
	}
	refs, err := ix.reader.readArtifactIndex(filepath.Join(ix.reader.runDir(flow, run), step, task), attempt)
	if err != nil {
		return ArtifactValue{}, err
	}
	for _, r := range refs {
		if r.Name != name {
			continue
		}
		d, err := ix.reader.decodeBlob(ctx, flow, r.sha)
		if err != nil {
			return ArtifactValue{}, fmt.Errorf("datastore: artifact %s: %w", name, err)
		}
		return ArtifactValue{Artifact: r.Artifact, Value: d.json, Truncated: d.truncated, Err: d.err}, nil
	}
	return ArtifactValue{}, fmt.Errorf("artifact %s of %s/%s/%s/%s: %w", name, flow, run, step, task, ErrUnknown)
}

// readArtifactIndex reads the artifact index of one attempt of the task in
// dir, with Metaflow's internal artifacts (names starting with "_").
func (rd *runReader) readArtifactIndex(dir string, attempt int) ([]artifactRef, error) {
	b, err := readFile(rd.fsys, filepath.Join(dir, strconv.Itoa(attempt)+".data.json"), maxDataBytes)
	if errors.Is(err, fs.ErrNotExist) {
		// A running attempt writes its artifact index when it ends.
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("datastore: artifacts: %w", err)
	}
	return parseArtifactIndex(b, attempt)
}

func parseArtifactIndex(b []byte, attempt int) ([]artifactRef, error) {
	if !gjson.ValidBytes(b) {
		return nil, fmt.Errorf("%w: artifact index: invalid JSON", ErrBadMeta)
	}
	info := gjson.GetBytes(b, "info")
	objects := gjson.GetBytes(b, "objects")
	if !objects.IsObject() && !info.IsObject() {
		return nil, fmt.Errorf("%w: artifact index: no objects", ErrBadMeta)
	}
	var out []artifactRef
	seen := map[string]bool{}
	add := func(name string) {
		if seen[name] || name == "" {
			return
		}
		seen[name] = true
		v := info.Get(gjson.Escape(name))
		out = append(out, artifactRef{sha: objects.Get(gjson.Escape(name)).String(),
			Artifact: Artifact{Name: name, Type: v.Get("type").String(), Size: v.Get("size").Int(),
				Encoding: v.Get("encoding").String(), Attempt: attempt}})
	}
	info.ForEach(func(k, _ gjson.Result) bool { add(k.String()); return true })
	objects.ForEach(func(k, _ gjson.Result) bool { add(k.String()); return true })
	return out, nil
}

// validSHA reports whether s can name a blob: hex only, so that it can never
// step out of the data folder.
func validSHA(s string) bool {
	if len(s) < 8 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// decodeBlob decodes a flow's blob, from the cache when it was decoded
// before. A blob the decoder refuses (hostile, damaged, too large) gives a
// value of kind "error", cached like any other: blobs never change. Only
// file errors, which may pass, are returned as errors.
func (rd *runReader) decodeBlob(ctx context.Context, flow, sha string) (*decoded, error) {
	if !validSHA(sha) {
		return errorValue(fmt.Sprintf("the artifact index names no valid blob (%q)", sha)), nil
	}
	if d := rd.values.get(sha); d != nil {
		return d, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p := filepath.Join(rd.loc.Root, flow, "data", sha[:2], sha)
	f, err := rd.fsys.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		d := errorValue("the artifact's data file is missing from the datastore")
		d.partial = true
		return d, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil {
		return nil, err
	} else if fi.Size() > maxBlobBytes {
		return errorValue(fmt.Sprintf("the artifact is larger than Flowdeck reads (%d MB compressed)", maxBlobBytes>>20)), nil
	}
	v, derr := artifacts.Decode(f, artifacts.Limits{})
	d := &decoded{}
	if v != nil {
		if d.json, err = json.Marshal(v); err != nil {
			return nil, fmt.Errorf("encode value: %w", err)
		}
		d.preview = artifacts.Preview(v)
		// A quote inside a string is escaped in JSON, so this key and value
		// can only be a "truncated" field of the tree.
		d.truncated = bytes.Contains(d.json, []byte(`"truncated":true`))
		d.err = gjson.GetBytes(d.json, "error").String()
	}
	if derr != nil && d.err == "" {
		d.err = derr.Error()
	}
	if d.json == nil {
		d = errorValue(d.err)
	}
	if errors.Is(derr, artifacts.ErrTruncated) || errors.Is(derr, io.ErrUnexpectedEOF) {
		d.partial = true
		return d, nil
	}
	rd.values.put(sha, d)
	return d, nil
}

func errorValue(msg string) *decoded {
	b, _ := json.Marshal(map[string]string{"kind": "error", "error": msg})
	return &decoded{json: b, err: msg}
}

// shortValue is a decoded value in one line for lists: the decoder's
// preview of a small simple value, else its repr.
func (d *decoded) shortValue() string {
	if d.preview != "" {
		return d.preview
	}
	if r := gjson.GetBytes(d.json, "repr").String(); r != "" {
		return r
	}
	if d.err != "" {
		return "(unreadable)"
	}
	return ""
}

// Artifact is one entry of an attempt's artifact index (wire.Artifact).
type Artifact = wire.Artifact

// TaskArtifacts lists the artifacts of one attempt (-1: the latest),
// leaving out Metaflow's internal ones (names starting with "_", as
// Metaflow's client does), with previews of the small ones.
func (ix *Index) TaskArtifacts(ctx context.Context, flow, run, step, task string, attempt int) ([]Artifact, error) {
	t, err := ix.Task(ctx, flow, run, step, task)
	if err != nil {
		return nil, err
	}
	if attempt < 0 {
		attempt = t.Attempt
	}
	refs, err := ix.reader.readArtifactIndex(filepath.Join(ix.reader.runDir(flow, run), step, task), attempt)
	if err != nil {
		return nil, err
	}
	refs = slices.DeleteFunc(refs, func(r artifactRef) bool { return r.Name[0] == '_' })
	out := make([]Artifact, len(refs))
	ix.reader.parallel(len(refs), func(i int) {
		out[i] = refs[i].Artifact
		if refs[i].Size > previewMaxSize || ctx.Err() != nil {
			return
		}
		if d, err := ix.reader.decodeBlob(ctx, flow, refs[i].sha); err == nil {
			out[i].Preview = d.preview
		}
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, ctx.Err()
}

// ParseArtifacts parses an N.data.json artifact index, leaving out
// Metaflow's internal artifacts.
func ParseArtifacts(b []byte, attempt int) ([]Artifact, error) {
	refs, err := parseArtifactIndex(b, attempt)
	if err != nil {
		return nil, err
	}
	out := []Artifact{}
	for _, r := range refs {
		if r.Name[0] != '_' {
			out = append(out, r.Artifact)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
