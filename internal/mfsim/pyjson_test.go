package mfsim

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPyFloat(t *testing.T) {
	cases := map[float64]string{
		1: "1.0", 0.5: "0.5", -0.0223: "-0.0223", 1e16: "1e+16", 1e15: "1000000000000000.0",
		0.0001: "0.0001", 0.00001: "1e-05", 1795642704.4328673: "1795642704.4328673",
		0.06843168076000879: "0.06843168076000879", math.Inf(1): "Infinity", 0: "0.0",
		1.5e-7: "1.5e-07", 123456789012345678: "1.2345678901234568e+17",
	}
	for f, want := range cases {
		if got := pyFloat(f); got != want {
			t.Errorf("pyFloat(%v) = %s, want %s", f, got, want)
		}
	}
}

func TestPyJSONEscapes(t *testing.T) {
	got := string(mustPyJSON(Obj{{"a", "é\u2603😀\x7f\x01\"\\\n"}, {"b", []any{1, 2.5, nil, true}}}))
	want := `{"a": "\u00e9\u2603\ud83d\ude00\u007f\u0001\"\\\n", "b": [1, 2.5, null, true]}`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// TestPyJSONReproducesFixtures re-encodes every JSON file and every card's
// embedded JSON of the fixtures: the bytes must come out identical, which
// pins separators, escaping, float repr and key order to json.dumps.
func TestPyJSONReproducesFixtures(t *testing.T) {
	n := 0
	for _, name := range []string{"default", "components", "live", "foreach", "failing", "retry", "hostile"} {
		root := fixture(t, name)
		for _, rel := range walkFiles(t, root) {
			p := filepath.Join(root, rel)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			var js []byte
			switch {
			case strings.HasSuffix(rel, ".json") || strings.HasSuffix(rel, "_meta") || strings.HasSuffix(rel, ".task_begin") || strings.HasSuffix(rel, ".runtime"):
				js = b
			case strings.HasSuffix(rel, ".html") && bytes.Contains(b, []byte("__MF_DATA__")):
				_, _, _, js = cardParts(t, b)
			default:
				continue
			}
			v, err := decodeOrdered(js)
			if err != nil {
				t.Errorf("%s/%s: %v", name, rel, err)
				continue
			}
			out, err := PyJSON(v)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, js) {
				t.Errorf("%s/%s: re-encoded JSON differs\n got %.300s\nwant %.300s", name, rel, out, js)
			}
			n++
		}
	}
	t.Logf("%d JSON documents reproduced", n)
}
