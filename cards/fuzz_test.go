package cards

import (
	"encoding/json"
	"errors"
	"path"
	"strings"
	"testing"
)

// Seeds come from the fixtures: small cards of each kind and version and
// every data JSON shape. The 10-15 KB cards stay out: the fuzzer minimizes
// every new interesting input, and on inputs that big minimizing takes
// most of a short run. allTypes stands in for them.
var fuzzCards = []string{
	fxTaskspec, fxMidCustom, fxFailing, fxOldFailing, fxHostile,
	"foreach/.metaflow/mf.cards/ForeachFlow/runs/1795642634789065/steps/process/tasks/2/cards/blank-99c728330f5f4726a38d90434299973f.html",
	"older-2.12.39/retry/.metaflow/mf.cards/RetryFlow/runs/1795644280471964/steps/flaky/tasks/2/cards/blank-5a13d3b23cc6495492376d2a7be80abc.html",
}

var fuzzData = []string{
	fxFailingData,
	"live_midrun/.metaflow/mf.cards/LiveCardFlow/runs/1795642679591111/steps/train/tasks/2/runtime/corpus_always-custom-b2142f64982849418bf6be3b5c058beb.data.json",
	"older-2.11.0/default/.metaflow/mf.cards/DefaultCardFlow/runs/1795644053426934/steps/branch_a/tasks/2/runtime/default-da4e785d77a449aeb204e910eeb38766.data.json",
	"foreach/.metaflow/mf.cards/ForeachFlow/runs/1795642634789065/steps/process/tasks/2/runtime/blank-99c728330f5f4726a38d90434299973f.data.json",
}

// allTypes is a compact card with every component type of docs/format.md §10 and
// both dag shapes, the shapes of the components fixture cut down.
const allTypes = `{"metadata":{"pathspec":"F/1/s/1"},"components":[{"type":"title","text":"F/1/s/1"},
{"type":"page","title":"P","contents":[{"type":"section","title":"S","columns":1,"contents":[
{"type":"subtitle","text":"s"},{"type":"text","text":"t"},{"type":"heading","title":"h"},
{"type":"markdown","source":"\n**b** [l](javascript:x)","id":"md"},
{"type":"table","columns":["a"],"data":[[1,{"type":"markdown","source":"c","id":"m2"}]],"vertical":false,"id":"tb"},
{"type":"image","src":"data:image/png;base64, iVBO\n","label":"i","id":"im"},
{"type":"artifacts","data":[{"type":"int","data":"1","large_object":false,"supported_type":false,"only_repr":true,"name":null}],"id":"ar"},
{"type":"dag","data":{"steps":{"start":{"type":"start","box_next":true,"box_ends":null,"next":["end"],"doc":""},"end":{"type":"end","next":[]}},"start_step":"start","end_step":"end"}},
{"type":"dag","data":{"start":{"type":"start","next":["end"]},"end":{"type":"end","next":[]}}},
{"type":"log","data":"e"},{"type":"pythonCode","data":"x=1","id":"pc"},
{"type":"progressBar","id":"pb","max":10,"value":7,"label":"l","unit":"u","details":"d"},
{"type":"valueBox","id":"vb","value":0.9,"title":"t","theme":"success","change_indicator":"+"},
{"type":"vegaChart","id":"vc","spec":{"mark":"bar","data":{"values":[{"k":1}]}},"options":{"actions":false},"data":{"v":1}},
{"type":"eventsTimeline","id":"tl","events":[{"metadata":{},"payloads":{"n":{"type":"markdown","source":"p","id":"m3"}},"event_id":"e","received_at":1.5}],"config":{},"stats":{}},
{"type":"jsonViewer","id":"jv","json_string":"{}","collapsible":true,"show_copy_button":true,"title":"J"},
{"type":"yamlViewer","id":"yv","yaml_string":"a: 1","collapsible":true,"show_copy_button":true,"title":"Y"}]}]}]}`

func typedErr(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if !strings.HasPrefix(err.Error(), "cards: ") {
		t.Fatalf("error without prefix: %v", err)
	}
	if !errors.Is(err, ErrIncomplete) && !errors.Is(err, ErrInvalid) {
		t.Fatalf("error is neither incomplete nor invalid: %v", err)
	}
}

func FuzzParseName(f *testing.F) {
	for _, rel := range cardFiles(f) {
		f.Add(path.Base(rel))
	}
	for _, s := range []string{"", "tmp12345678", "a-b-c-d.html", "-.data.json", "x-0123456789abcdef0123456789abcdef.html"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		n, err := ParseName(name)
		if err != nil {
			if !errors.Is(err, ErrBadName) {
				t.Fatalf("%q: %v", name, err)
			}
			return
		}
		ext := ".html"
		if n.Kind == DataFile {
			ext = ".data.json"
		}
		if n.Stem()+ext != name || !IsUUID(n.UUID) {
			t.Fatalf("%q parsed as %+v", name, n)
		}
	})
}

func FuzzParse(f *testing.F) {
	for _, rel := range fuzzCards {
		b := fixture(f, rel)
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	f.Add([]byte{})
	f.Add([]byte(allTypes))
	f.Add([]byte(`<!DOCTYPE html><html><script>var METAFLOW_RELOAD_TOKEN = "final"
var mfCardDataId = "k";
window.__MF_DATA__["k"] = "` + b64(allTypes) + `";</script><script>window.metaflow_card_update = undefined;</script></html>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b)
		typedErr(t, err)
		if err != nil {
			return
		}
		if p.Kind == KindHTML || p.Kind == KindTemplate {
			if tok, ok := ScanToken(b); tok != p.Token || ok != p.HasToken {
				t.Fatalf("ScanToken %q/%v, Parse %q/%v", tok, ok, p.Token, p.HasToken)
			}
		}
		if p.Static != (!p.HasToken || p.Token == PlaceholderToken) {
			t.Fatalf("static %v for token %q/%v", p.Static, p.Token, p.HasToken)
		}
		if (p.CardJSON != nil) != (p.Kind == KindTemplate || p.Kind == KindJSON) {
			t.Fatalf("kind %s with card JSON %v", p.Kind, p.CardJSON != nil)
		}
		if p.CardJSON != nil {
			if _, err := DecodeCard(p.CardJSON); err != nil && !errors.Is(err, ErrInvalid) {
				t.Fatalf("parsed card does not decode: %v", err)
			}
		}
	})
}

func FuzzParseData(f *testing.F) {
	for _, rel := range fuzzData {
		b := fixture(f, rel)
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	f.Add([]byte(`{"reload_token": "final", "data": {}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := ParseData(b)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "cards: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		if !json.Valid(d.Data) {
			t.Fatalf("data %q is not JSON", d.Data)
		}
		if _, err := AnnotateMarkdownData(d.Data); err != nil {
			t.Fatalf("annotate valid data: %v", err)
		}
	})
}

func FuzzDecodeCard(f *testing.F) {
	for _, rel := range fuzzCards {
		if p, err := Parse(fixture(f, rel)); err == nil && p.CardJSON != nil {
			f.Add(p.CardJSON)
		}
	}
	f.Add([]byte(allTypes))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := DecodeCard(b)
		typedErr(t, err)
		if err != nil {
			return
		}
		c.DAG()
		AnnotateMarkdown(c)
		out := mustMarshal(t, c)
		c2, err := DecodeCard(out)
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if out2 := mustMarshal(t, c2); string(out2) != string(out) {
			t.Fatalf("unstable encoding:\n%s\n%s", out, out2)
		}
	})
}

// TestFuzzSeedCard keeps the compact fuzz seed meaningful: every type.
func TestFuzzSeedCard(t *testing.T) {
	c := mustDecode(t, allTypes)
	seen := map[string]bool{}
	c.Walk(func(k *Component) bool {
		seen[k.Type] = true
		return true
	})
	for _, typ := range KnownTypes {
		if !seen[typ] {
			t.Errorf("seed lacks %s", typ)
		}
	}
}
