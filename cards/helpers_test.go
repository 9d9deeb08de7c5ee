package cards

import (
	"bytes"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corpus "flowdeck/internal/fixture"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden and testdata/markdown")

// fixtures is the fixtures folder (internal/fixture.Dir). Tests read it
// and never write there.
func fixtures(t testing.TB) string { return corpus.Path(t) }

// fixture reads a file given relative to the fixtures root.
func fixture(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures(t), filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// cardFiles lists every file under an mf.cards folder of every fixture
// datastore, relative to the fixtures root, with forward slashes.
func cardFiles(t testing.TB) []string {
	t.Helper()
	root := fixtures(t)
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && strings.Contains(filepath.ToSlash(p), "/mf.cards/") {
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("no card files under the fixtures")
	}
	return out
}

// mustParse parses a fixture card and fails the test on error.
func mustParse(t testing.TB, rel string) *Parsed {
	t.Helper()
	p, err := Parse(fixture(t, rel))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return p
}

// mustCard parses and decodes a fixture template or json card.
func mustCard(t testing.TB, rel string) *Card {
	t.Helper()
	p := mustParse(t, rel)
	c, err := DecodeCard(p.CardJSON)
	if err != nil {
		t.Fatalf("%s: decode: %v", rel, err)
	}
	return c
}

func mustDecode(t testing.TB, s string) *Card {
	t.Helper()
	c, err := DecodeCard([]byte(s))
	if err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return c
}

func mustMarshal(t testing.TB, v json.Marshaler) []byte {
	t.Helper()
	b, err := v.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(b) {
		t.Fatalf("marshal gave invalid JSON: %.300s", b)
	}
	return b
}

// compact reformats JSON without insignificant space, keeping key order.
func compact(t testing.TB, b []byte) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatalf("compact %.200s: %v", b, err)
	}
	return buf.String()
}

// golden compares got with testdata/<name>, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", filepath.FromSlash(name))
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cards/ -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file (run with -update after checking the change):\n got: %.2000s\nwant: %.2000s", path, got, want)
	}
}

// Fixture paths used by several tests.
const (
	fxComponents  = "components/.metaflow/mf.cards/ComponentsFlow/runs/1795642631175149/steps/start/tasks/1/cards/blank-components-91799b4963d445a18b97e8f05e7c04cb.html"
	fxComponentsB = "components/.metaflow/mf.cards/ComponentsFlow/runs/1795642631175149/steps/start/tasks/1/cards/blank-78fb8c46b8da437bafe8366efda75be3.html"
	fxComponentsD = "components/.metaflow/mf.cards/ComponentsFlow/runs/1795642631175149/steps/start/tasks/1/cards/default-extra-5f6bd3ccd50947c3ad4feaaa4a693700.html"
	fxDefault     = "default/.metaflow/mf.cards/DefaultCardFlow/runs/1795642620378112/steps/start/tasks/1/cards/default-51d73f4799664dd88288a08869a832c3.html"
	fxDefaultJSON = "default/.metaflow/mf.cards/DefaultCardFlow/runs/1795642620378112/steps/join/tasks/4/cards/default_json-0d26848f27d1483c8864338ae7fb64ab.html"
	fxTaskspec    = "default/.metaflow/mf.cards/DefaultCardFlow/runs/1795642620378112/steps/end/tasks/5/cards/taskspec_card-f307758a66ce48c281b4889fe5def868.html"
	fxHostileHTML = "hostile/.metaflow/mf.cards/HostileFlow/runs/1795642761955764/steps/start/tasks/1/cards/html-hostile_original-edc3ef390bde4375a5a6c1dd7d5cf783.html"
	fxHostile     = "hostile/.metaflow/mf.cards/HostileFlow/runs/1795642761955764/steps/start/tasks/1/cards/blank-hostile_native-b908490ce3d943db9d8d253363ed06e4.html"
	fxLiveCustom  = "live/.metaflow/mf.cards/LiveCardFlow/runs/1795642679591111/steps/train/tasks/2/cards/corpus_always-custom-b2142f64982849418bf6be3b5c058beb.html"
	fxMidCustom   = "live_midrun/.metaflow/mf.cards/LiveCardFlow/runs/1795642679591111/steps/train/tasks/2/cards/corpus_always-custom-b2142f64982849418bf6be3b5c058beb.html"
	fxMidBlank    = "live_midrun/.metaflow/mf.cards/LiveCardFlow/runs/1795642679591111/steps/train/tasks/2/cards/blank-live-c79b8e3a1d2744138aa4ac35afe06da8.html"
	fxLiveData    = "live/.metaflow/mf.cards/LiveCardFlow/runs/1795642679591111/steps/train/tasks/2/runtime/blank-live-c79b8e3a1d2744138aa4ac35afe06da8.data.json"
	fxFailing     = "failing/.metaflow/mf.cards/FailingFlow/runs/1795642652721113/steps/work/tasks/2/cards/blank-live-892b9394b7ff45cab05d7c0080abd629.html"
	fxFailingData = "failing/.metaflow/mf.cards/FailingFlow/runs/1795642652721113/steps/work/tasks/2/runtime/blank-live-892b9394b7ff45cab05d7c0080abd629.data.json"
	fxForeachJoin = "foreach/.metaflow/mf.cards/ForeachFlow/runs/1795642634789065/steps/join/tasks/22/cards/default-088464ce7a27459b90f095a239c6cab7.html"
	fxOldDefault  = "older-2.11.0/default/.metaflow/mf.cards/DefaultCardFlow/runs/1795644053426934/steps/start/tasks/1/cards/default-ac1956606a1e47858ce7a1ee71890469.html"
	fxOldFailing  = "older-2.11.0/failing/.metaflow/mf.cards/FailingFlow/runs/1795644075374843/steps/work/tasks/2/cards/blank-live-1ebc6f2f65994a109c3a155ca742ce1b.html"
	fxOldComps    = "older-2.11.0/components/.metaflow/mf.cards/ComponentsFlow/runs/1795644063424817/steps/start/tasks/1/cards/blank-components-660baf0fd6f94ce8822d1eb6510ddc57.html"
	fxOld12Live   = "older-2.12.39/live_midrun/.metaflow/mf.cards/LiveCardFlow/runs/1795644303389709/steps/train/tasks/2/cards/default-8e2bdd11337340af84652065ccb1d501.html"
)
