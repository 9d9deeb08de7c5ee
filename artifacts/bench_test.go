package artifacts

import (
	"bytes"
	"os"
	"testing"
)

func benchDecode(b *testing.B, path string, check func(*Value) bool) {
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		v, err := Decode(bytes.NewReader(raw), Limits{})
		if err != nil || !check(v) {
			b.Fatalf("decode: %v", err)
		}
	}
}

// BenchmarkDecodeFloatList10MB: the fixture's list of 1,000,000 floats
// (9 MB pickled, 4.7 MB gzip'd). Target: under 100 ms (issue 15).
func BenchmarkDecodeFloatList10MB(b *testing.B) {
	benchDecode(b, startObjects(b)["big_list"], func(v *Value) bool { return *v.Len == 1000000 })
}

// BenchmarkDecodeDataFrame100k: a 100,000-row DataFrame written by pandas
// 1.5 (make_golden.py). Target: under 100 ms (issue 15).
func BenchmarkDecodeDataFrame100k(b *testing.B) {
	benchDecode(b, "testdata/bench/df100k.pkl.gz", func(v *Value) bool {
		return v.Kind == KindDataFrame && v.Shape[0] == 100000 && len(v.Columns) == 3 && len(v.Columns[2].Values) == 20
	})
}
