package cards

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// updateCard is a small tree with every place an id can hide.
const updateCard = `{"metadata":{"pathspec":"F/1/s/1"},"components":[
 {"type":"title","text":"top"},
 {"type":"progressBar","id":"top_bar","max":10,"value":1,"label":"L"},
 {"type":"page","title":"P","contents":[
  {"type":"section","contents":[
   {"type":"markdown","id":"md","source":"# old"},
   {"type":"progressBar","id":"bar","max":10,"value":1,"label":"keep","unit":"u"},
   {"type":"table","id":"tbl","columns":["a"],"data":[[{"type":"markdown","id":"cell_md","source":"cell"}]]},
   {"type":"eventsTimeline","id":"tl","events":[{"payloads":{"p":{"type":"markdown","id":"payload_md","source":"p"}}}]},
   {"type":"vegaChart","id":"chart","spec":{"mark":"bar","data":{"values":[1.0,2]}},"options":{"actions":false}},
   {"type":"vegaChart","id":"chart_data","spec":{"mark":"line"},"options":{},"data":{"values":[1]}},
   {"type":"section","contents":[{"type":"valueBox","id":"dup","value":1}]},
   {"type":"section","contents":[{"type":"valueBox","id":"dup","value":1}]}
  ]}]}]}`

func apply(t *testing.T, c *Card, data string) []string {
	t.Helper()
	ids, err := ApplyUpdate(c, json.RawMessage(data))
	if err != nil {
		t.Fatalf("apply %s: %v", data, err)
	}
	return ids
}

func field(t *testing.T, c *Card, id, key string) string {
	t.Helper()
	k := c.Find(id)
	if k == nil {
		t.Fatalf("no component %s", id)
	}
	v, ok := k.Get(key)
	if !ok {
		return "<missing>"
	}
	return compact(t, v)
}

func TestApplyUpdateSemantics(t *testing.T) {
	t.Run("merge by id at top level", func(t *testing.T) {
		c := mustDecode(t, updateCard)
		ids := apply(t, c, `{"k":{"type":"progressBar","id":"top_bar","value":5}}`)
		if !reflect.DeepEqual(ids, []string{"top_bar"}) || field(t, c, "top_bar", "value") != "5" || field(t, c, "top_bar", "label") != `"L"` {
			t.Errorf("ids %q value %s", ids, field(t, c, "top_bar", "value"))
		}
	})
	t.Run("nested page and section", func(t *testing.T) {
		c := mustDecode(t, updateCard)
		ids := apply(t, c, `{"bar":{"type":"progressBar","id":"bar","value":7},"md":{"type":"markdown","id":"md","source":"# new"}}`)
		if !reflect.DeepEqual(ids, []string{"bar", "md"}) {
			t.Errorf("ids %q (want data order)", ids)
		}
		if field(t, c, "bar", "value") != "7" || field(t, c, "md", "source") != `"# new"` {
			t.Error("nested components not updated")
		}
	})
	t.Run("Object.assign is shallow and keeps key order", func(t *testing.T) {
		c := mustDecode(t, updateCard)
		apply(t, c, `{"bar":{"label":"new","value":9,"id":"bar","details":"d","max":{"nested":1}}}`)
		k := c.Find("bar")
		if got := strings.Join(k.Keys(), ","); got != "type,id,max,value,label,unit,details" {
			t.Errorf("key order %s", got)
		}
		if field(t, c, "bar", "unit") != `"u"` || field(t, c, "bar", "max") != `{"nested":1}` {
			t.Error("merge is not Object.assign")
		}
		apply(t, c, `{"bar":{"id":"bar","max":{"other":2}}}`)
		if field(t, c, "bar", "max") != `{"other":2}` {
			t.Errorf("nested object merged deeply: %s", field(t, c, "bar", "max"))
		}
	})
	t.Run("not inside table cells or event payloads", func(t *testing.T) {
		c := mustDecode(t, updateCard)
		ids := apply(t, c, `{"a":{"id":"cell_md","source":"changed"},"b":{"id":"payload_md","source":"changed"}}`)
		if len(ids) != 0 || field(t, c, "cell_md", "source") != `"cell"` || field(t, c, "payload_md", "source") != `"p"` {
			t.Errorf("updated inside a table or timeline: %q", ids)
		}
		// A table sent whole replaces its cells.
		apply(t, c, `{"tbl":{"type":"table","id":"tbl","data":[[{"type":"markdown","id":"cell_md","source":"new cell"}]]}}`)
		if field(t, c, "cell_md", "source") != `"new cell"` {
			t.Error("table sent whole did not replace cells")
		}
	})
	t.Run("unknown ids and junk values ignored", func(t *testing.T) {
		c := mustDecode(t, updateCard)
		before := mustMarshal(t, c)
		ids := apply(t, c, `{"x":{"id":"nope","value":1},"y":5,"z":{"value":2},"w":{"id":7},"v":null}`)
		if len(ids) != 0 || string(mustMarshal(t, c)) != string(before) {
			t.Errorf("card changed: %q", ids)
		}
	})
	t.Run("vega spec replaced only when it differs", func(t *testing.T) {
		c := mustDecode(t, updateCard)
		// Same spec as JSON.stringify sees it (1.0 is 1), other spacing: kept.
		ids := apply(t, c, `{"chart":{"type":"vegaChart","id":"chart","spec":{"mark": "bar", "data": {"values": [1, 2.0]}},"options":{"actions":true}}}`)
		if len(ids) != 0 || field(t, c, "chart", "spec") != `{"mark":"bar","data":{"values":[1.0,2]}}` {
			t.Errorf("equal spec replaced: %q %s", ids, field(t, c, "chart", "spec"))
		}
		// Options and other keys are not merged into a vegaChart.
		if field(t, c, "chart", "options") != `{"actions":false}` {
			t.Error("vegaChart options merged")
		}
		// Key order matters to JSON.stringify: replaced.
		ids = apply(t, c, `{"chart":{"id":"chart","spec":{"data":{"values":[1,2]},"mark":"bar"}}}`)
		if !reflect.DeepEqual(ids, []string{"chart"}) || field(t, c, "chart", "spec") != `{"data":{"values":[1,2]},"mark":"bar"}` {
			t.Errorf("reordered spec: %q %s", ids, field(t, c, "chart", "spec"))
		}
		ids = apply(t, c, `{"chart":{"id":"chart","spec":{"mark":"line"},"data":{"values":[9]}}}`)
		if !reflect.DeepEqual(ids, []string{"chart"}) || field(t, c, "chart", "spec") != `{"mark":"line"}` {
			t.Error("changed spec not replaced")
		}
		// data is copied only into a chart that has truthy data.
		if field(t, c, "chart", "data") != "<missing>" {
			t.Error("data copied into a chart without data")
		}
		apply(t, c, `{"d":{"id":"chart_data","spec":{"mark":"line"},"data":{"values":[2]}}}`)
		if field(t, c, "chart_data", "data") != `{"values":[2]}` {
			t.Error("chart data not copied")
		}
	})
	t.Run("first match per list, every section otherwise", func(t *testing.T) {
		c := mustDecode(t, updateCard)
		ids := apply(t, c, `{"dup":{"id":"dup","value":2}}`)
		n := 0
		c.Walk(func(k *Component) bool {
			if v, _ := k.Get("value"); k.ID == "dup" && string(v) == "2" {
				n++
			}
			return true
		})
		if n != 2 || !reflect.DeepEqual(ids, []string{"dup"}) {
			t.Errorf("updated %d of the 2 sibling sections' components, ids %q", n, ids)
		}
		// Found at the top level, the search does not go deeper.
		c = mustDecode(t, `{"components":[{"type":"text","id":"x","text":"a"},{"type":"page","contents":[{"type":"text","id":"x","text":"a"}]}]}`)
		apply(t, c, `{"x":{"id":"x","text":"b"}}`)
		if got := compact(t, mustMarshal(t, c)); got != `{"components":[{"type":"text","id":"x","text":"b"},{"type":"page","contents":[{"type":"text","id":"x","text":"a"}]}]}` {
			t.Errorf("got %s", got)
		}
	})
	t.Run("unchanged values are not reported", func(t *testing.T) {
		c := mustDecode(t, updateCard)
		if ids := apply(t, c, `{"bar":{"id":"bar","value":1}}`); len(ids) != 0 {
			t.Errorf("ids %q", ids)
		}
	})
	t.Run("update can add nested components", func(t *testing.T) {
		c := mustDecode(t, `{"components":[{"type":"section","id":"s","contents":[]}]}`)
		apply(t, c, `{"s":{"id":"s","contents":[{"type":"markdown","id":"new","source":"x"}]}}`)
		apply(t, c, `{"new":{"id":"new","source":"y"}}`)
		if field(t, c, "new", "source") != `"y"` {
			t.Error("component added by an update is not updatable")
		}
	})
	t.Run("markdown html kept current", func(t *testing.T) {
		c := mustDecode(t, updateCard)
		AnnotateMarkdown(c)
		apply(t, c, `{"md":{"type":"markdown","id":"md","source":"# brand new"}}`)
		if h := field(t, c, "md", "html"); !strings.Contains(h, "brand new") {
			t.Errorf("html %s", h)
		}
	})
	t.Run("non-object data is an error", func(t *testing.T) {
		c := mustDecode(t, updateCard)
		for _, d := range []string{`[1]`, `"s"`, `null`, `3`} {
			if _, err := ApplyUpdate(c, json.RawMessage(d)); !errors.Is(err, ErrInvalid) {
				t.Errorf("%s: %v", d, err)
			}
		}
		if _, err := ApplyUpdate(c, json.RawMessage(`{"a":`)); !errors.Is(err, ErrIncomplete) {
			t.Errorf("cut data: %v", err)
		}
		if _, err := ApplyUpdate(nil, json.RawMessage(`{}`)); err == nil {
			t.Error("nil card")
		}
		// A custom card's data is an object: nothing in it matches.
		if ids := apply(t, c, `{"user":{"epoch":4},"components":{}}`); len(ids) != 0 {
			t.Errorf("custom data changed %q", ids)
		}
	})
}

// TestApplyUpdateLiveData applies the final data of fixtures/live to the
// blank card HTML that fixtures/live_midrun holds (the same card file).
func TestApplyUpdateLiveData(t *testing.T) {
	c := mustCard(t, fxMidBlank)
	d, err := ParseData(fixture(t, fxLiveData))
	if err != nil {
		t.Fatal(err)
	}
	if got := field(t, c, "epoch_progress", "value"); got != "22" {
		t.Fatalf("mid-run progress %s", got)
	}
	ids, err := ApplyUpdate(c, d.Data)
	if err != nil {
		t.Fatal(err)
	}
	want := gjson.GetBytes(d.Data, "epoch_progress.value").Raw
	if want != "40" || field(t, c, "epoch_progress", "value") != want {
		t.Errorf("progress %s, data says %s", field(t, c, "epoch_progress", "value"), want)
	}
	if field(t, c, "status_md", "source") != compact(t, []byte(gjson.GetBytes(d.Data, "status_md.source").Raw)) {
		t.Error("markdown not updated")
	}
	if len(ids) == 0 || ids[0] != "status_md" {
		t.Errorf("changed ids %q", ids)
	}
	// The failing fixture: runtime data for a runtime card, same token.
	c = mustCard(t, fxFailing)
	fd, err := ParseData(fixture(t, fxFailingData))
	if err != nil {
		t.Fatal(err)
	}
	if p := mustParse(t, fxFailing); p.Token != fd.ReloadToken {
		t.Errorf("failing card token %q, data %q", p.Token, fd.ReloadToken)
	}
	if _, err := ApplyUpdate(c, fd.Data); err != nil {
		t.Fatal(err)
	}
}

type replayEvent struct {
	T    float64 `json:"t"`
	Op   string  `json:"op"`
	Path string  `json:"path"`
	Blob string  `json:"blob"`
}

// TestReplayProgress replays fixtures/live-replay: every write of the blank
// card's HTML and data JSON in order. Each data JSON is applied onto the
// card HTML on disk at that moment (reloaded when the HTML changes); the
// progress bar never goes back.
func TestReplayProgress(t *testing.T) {
	dir := filepath.Join(fixtures(t), "live-replay")
	f, err := os.Open(filepath.Join(dir, "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var card *Card
	var token string
	last, htmls, datas := -1.0, 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e replayEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		base := filepath.Base(e.Path)
		if e.Op != "write" || !strings.HasPrefix(base, "blank-live-") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(e.Blob)))
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(base, ".html") {
			htmls++
			p, err := Parse(b)
			if err != nil {
				t.Fatalf("t=%v: %v", e.T, err)
			}
			if card, err = DecodeCard(p.CardJSON); err != nil {
				t.Fatal(err)
			}
			token = p.Token
			continue
		}
		datas++
		d, err := ParseData(b)
		if err != nil {
			t.Fatalf("t=%v: %v", e.T, err)
		}
		if card == nil {
			t.Fatalf("t=%v: data before any HTML", e.T)
		}
		if d.ReloadToken != token && d.ReloadToken != "final" {
			t.Errorf("t=%v: data token %s for HTML token %s", e.T, d.ReloadToken, token)
		}
		if _, err := ApplyUpdate(card, d.Data); err != nil {
			t.Fatal(err)
		}
		v, err := As[ProgressBar](card.Find("epoch_progress"))
		if err != nil {
			t.Fatal(err)
		}
		if v.Value < last {
			t.Errorf("t=%v: progress went back from %v to %v", e.T, last, v.Value)
		}
		if want := gjson.GetBytes(d.Data, "epoch_progress.value").Float(); v.Value != want {
			t.Errorf("t=%v: progress %v, data %v", e.T, v.Value, want)
		}
		last = v.Value
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if htmls != 3 || datas != 21 || last != 40 {
		t.Errorf("replayed %d HTML and %d data writes, final progress %v", htmls, datas, last)
	}
}

// TestFuzzSeedCard keeps the compact fuzz seed meaningful: every type,
// and an update that reaches what Metaflow's would.
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
	if ids := apply(t, c, allTypesData); !reflect.DeepEqual(ids, []string{"md", "pb", "vc", "tb"}) {
		t.Errorf("ids %q", ids)
	}
}
