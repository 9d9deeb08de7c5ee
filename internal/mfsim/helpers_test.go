package mfsim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	corpus "flowdeck/internal/fixture"
)

// fixture is the .metaflow folder of a fixture datastore; a missing one
// fails the test, as everywhere else in the project.
func fixture(t testing.TB, name string) string {
	t.Helper()
	return corpus.Path(t, name, ".metaflow")
}

// decodeOrdered decodes JSON keeping object key order (as Obj) and number
// text, so that PyJSON can be checked to reproduce a file byte for byte.
func decodeOrdered(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch x := tok.(type) {
	case json.Delim:
		switch x {
		case '{':
			o := Obj{}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				o = append(o, KV{k.(string), v})
			}
			_, err := dec.Token()
			return o, err
		case '[':
			l := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				l = append(l, v)
			}
			_, err := dec.Token()
			return l, err
		}
	case json.Number:
		s := string(x)
		if strings.ContainsAny(s, ".eE") {
			f, err := strconv.ParseFloat(s, 64)
			return f, err
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return Raw(s), nil
		}
		return n, nil
	}
	return tok, nil
}

var (
	reToken  = regexp.MustCompile(`var METAFLOW_RELOAD_TOKEN = "([^"]*)"`)
	reDataID = regexp.MustCompile(`var mfCardDataId = "([^"]*)"`)
	reData   = regexp.MustCompile(`window\.__MF_DATA__\["([^"]*)"\] = "([^"]*)"`)
)

// cardParts extracts what the docs/format.md §9 regular expressions see.
func cardParts(t testing.TB, html []byte) (token, id, key string, card []byte) {
	t.Helper()
	m := reToken.FindSubmatch(html)
	n := reDataID.FindSubmatch(html)
	d := reData.FindSubmatch(html)
	if m == nil || n == nil || d == nil {
		t.Fatalf("card HTML lacks token/data id/data lines")
	}
	js, err := base64.StdEncoding.DecodeString(string(d[2]))
	if err != nil {
		t.Fatalf("base64: %v", err)
	}
	return string(m[1]), string(n[1]), string(d[1]), js
}

// walkFiles lists the regular files under root, relative and slash-separated.
func walkFiles(t testing.TB, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.Type().IsRegular() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func readJSONObj(t testing.TB, p string) Obj {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	v, err := decodeOrdered(b)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	o, ok := v.(Obj)
	if !ok {
		t.Fatalf("%s: not an object", p)
	}
	return o
}

func keys(o Obj) string {
	ks := make([]string, len(o))
	for i, kv := range o {
		ks[i] = kv.K
	}
	return strings.Join(ks, ",")
}
