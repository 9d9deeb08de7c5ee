package artifacts

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"testing"
)

// FuzzDecode: any input gives a Value (kind "error" with an error, or a
// tree that encodes as JSON), never a panic, within small limits so that
// each run stays fast. Seeds: every blob of the fixture's start task, raw
// and decompressed, and the hand-made hostile pickles.
func FuzzDecode(f *testing.F) {
	for _, path := range startObjects(f) {
		raw, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		if len(raw) > 1<<16 {
			continue // the fuzzer mutates small inputs better
		}
		f.Add(raw)
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			f.Fatal(err)
		}
		p, _ := io.ReadAll(zr)
		f.Add(p)
	}
	for _, tc := range hostilePickles {
		f.Add([]byte(tc.data))
	}
	lim := Limits{MaxBytes: 1 << 20, MaxValues: 100000, MaxNodes: 10000}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Decode(bytes.NewReader(data), lim)
		if v == nil {
			t.Fatal("nil Value")
		}
		if err != nil && v.Kind != KindError {
			t.Fatalf("error %v with a Value of kind %s", err, v.Kind)
		}
		if _, jerr := json.Marshal(v); jerr != nil {
			t.Fatalf("Value does not encode: %v", jerr)
		}
	})
}
