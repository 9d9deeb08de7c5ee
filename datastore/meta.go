package datastore

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"
)

// ErrBadMeta marks a metadata file that is not the JSON Metaflow writes.
var ErrBadMeta = errors.New("datastore: bad metadata")

// selfMeta is the part of a flow/run/step/task _meta/_self.json we use.
type selfMeta struct {
	FlowID     string
	RunNumber  string
	User       string
	Tags       []string
	SystemTags []string
	TSEpoch    int64 // milliseconds
}

// parseSelf parses a _meta/_self.json file.
func parseSelf(b []byte) (selfMeta, error) {
	if len(b) == 0 {
		return selfMeta{}, fmt.Errorf("%w: empty file", ErrBadMeta)
	}
	if !gjson.ValidBytes(b) {
		return selfMeta{}, fmt.Errorf("%w: invalid JSON", ErrBadMeta)
	}
	r := gjson.ParseBytes(b)
	if !r.IsObject() {
		return selfMeta{}, fmt.Errorf("%w: not a JSON object", ErrBadMeta)
	}
	m := selfMeta{
		FlowID:     r.Get("flow_id").String(),
		RunNumber:  r.Get("run_number").String(),
		User:       r.Get("user_name").String(),
		Tags:       stringList(r.Get("tags")),
		SystemTags: stringList(r.Get("system_tags")),
		TSEpoch:    r.Get("ts_epoch").Int(),
	}
	if m.FlowID == "" {
		return selfMeta{}, fmt.Errorf("%w: no flow_id", ErrBadMeta)
	}
	return m, nil
}

func stringList(r gjson.Result) []string {
	if !r.IsArray() {
		return []string{}
	}
	arr := r.Array()
	out := make([]string, 0, len(arr))
	for _, v := range arr {
		out = append(out, v.String())
	}
	return out
}

// sysmeta is one task metadata event (_meta/sysmeta_<field>_<ts>.json).
type sysmeta struct {
	Field   string
	Type    string
	Value   gjson.Result
	Attempt int // from the attempt_id:N tag; -1 when absent
	TSEpoch int64
}

func parseSysmeta(b []byte) (sysmeta, error) {
	if len(b) == 0 {
		return sysmeta{}, fmt.Errorf("%w: empty file", ErrBadMeta)
	}
	if !gjson.ValidBytes(b) {
		return sysmeta{}, fmt.Errorf("%w: invalid JSON", ErrBadMeta)
	}
	r := gjson.ParseBytes(b)
	if !r.IsObject() {
		return sysmeta{}, fmt.Errorf("%w: not a JSON object", ErrBadMeta)
	}
	s := sysmeta{
		Field:   r.Get("field_name").String(),
		Type:    r.Get("type").String(),
		Value:   r.Get("value"),
		Attempt: -1,
		TSEpoch: r.Get("ts_epoch").Int(),
	}
	for _, t := range r.Get("tags").Array() {
		if v, ok := strings.CutPrefix(t.String(), "attempt_id:"); ok {
			if n, err := strconv.Atoi(v); err == nil {
				s.Attempt = n
			}
		}
	}
	return s, nil
}

// sysmetaName splits "sysmeta_<field>_<ts>.json" into field and ts. Field
// names contain underscores (attempt_ok), so the timestamp is what follows
// the last one.
func sysmetaName(name string) (field string, ts int64, ok bool) {
	rest, ok := strings.CutPrefix(name, "sysmeta_")
	if !ok {
		return "", 0, false
	}
	rest, ok = strings.CutSuffix(rest, ".json")
	if !ok {
		return "", 0, false
	}
	i := strings.LastIndexByte(rest, '_')
	if i <= 0 {
		return "", 0, false
	}
	u, err := strconv.ParseUint(rest[i+1:], 10, 63)
	if err != nil {
		return "", 0, false
	}
	return rest[:i], int64(u), true
}

// parseAttemptTime parses N.attempt.json: {"time": <epoch seconds float>}.
func parseAttemptTime(b []byte) (time.Time, error) {
	if len(b) == 0 || !gjson.ValidBytes(b) {
		return time.Time{}, fmt.Errorf("%w: attempt.json: incomplete or invalid JSON", ErrBadMeta)
	}
	t := gjson.GetBytes(b, "time")
	if t.Type != gjson.Number {
		return time.Time{}, fmt.Errorf("%w: attempt.json: no time", ErrBadMeta)
	}
	return epochSeconds(t.Float()), nil
}

// epochSeconds converts Python's time.time() floats, rounded to the
// microsecond they carry (the float noise below that is not information).
func epochSeconds(f float64) time.Time {
	return time.UnixMicro(int64(math.Round(f * 1e6))).UTC()
}

func epochMillis(ms int64) time.Time {
	if ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// attemptFile splits "<N>.<rest>" task file names (0.attempt.json,
// 1.DONE.lock, 0.runtime_stdout.log).
func attemptFile(name string) (n int, rest string, ok bool) {
	i := strings.IndexByte(name, '.')
	if i <= 0 || i > 2 {
		return 0, "", false
	}
	n, err := strconv.Atoi(name[:i])
	if err != nil || n < 0 {
		return 0, "", false
	}
	return n, name[i+1:], true
}

// Folder levels, for the names each level leaves out (docs/format.md §3).
type level int

const (
	levelRoot level = iota // flows
	levelFlow              // runs
	levelRun               // steps
	levelStep              // tasks
)

// skipName reports names at a level that are never flows, runs, steps or
// tasks: temp files of atomic writes, Metaflow's own folders.
func skipName(l level, name string) bool {
	if strings.HasPrefix(name, "tmp") || strings.HasPrefix(name, ".") || name == "_meta" {
		return true
	}
	switch l {
	case levelRoot:
		return name == cardDirName
	case levelFlow:
		return name == "data"
	case levelRun:
		return name == "_parameters"
	}
	return false
}

// parseRuntime parses N.runtime: {"return_code", "killed", "success"}.
func parseRuntime(b []byte) (success bool, err error) {
	if len(b) == 0 || !gjson.ValidBytes(b) {
		return false, fmt.Errorf("%w: runtime: incomplete or invalid JSON", ErrBadMeta)
	}
	r := gjson.GetBytes(b, "success")
	if r.Type != gjson.True && r.Type != gjson.False {
		return false, fmt.Errorf("%w: runtime: no success flag", ErrBadMeta)
	}
	return r.Bool(), nil
}

func jsonComplete(b []byte) bool { return gjson.ValidBytes(b) }
