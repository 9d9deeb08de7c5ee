package compare

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestFileName(t *testing.T) {
	res := &Result{Flow: "My Flow", Runs: []Run{{ID: "1"}, {ID: "a/b"}}}
	if got := FileName(res); got != "My_Flow-compare-1_a_b" {
		t.Errorf("FileName = %q", got)
	}
}

// The offline file: its data is JSON the renderer reads, card text cannot
// end the script element, and the CSP allows no load.
func TestWriteHTML(t *testing.T) {
	ix := openFixture(t, "default")
	ids := runIDs(t, ix, "DefaultCardFlow")
	res, err := Compare(context.Background(), ix, "DefaultCardFlow", ids, Options{})
	if err != nil {
		t.Fatal(err)
	}
	evil := "</script><script>alert(1)</script>"
	res.Rows = append(res.Rows, Row{Group: GroupArtifact, Name: evil, Values: []*string{&evil, nil}})
	trees, err := Trees(context.Background(), ix, res)
	if err != nil {
		t.Fatal(err)
	}
	if len(trees) != 10 {
		t.Errorf("trees = %d, want the 10 cards of both runs", len(trees))
	}
	// Runtime data is embedded as it was read: it must be escaped too.
	for _, s := range trees {
		if s != nil {
			s.Data = json.RawMessage(`{"reload_token":"final","data":{"x":{"id":"x","text":"` + strings.ReplaceAll(evil, `"`, `\"`) + `"}}}`)
			break
		}
	}
	var b bytes.Buffer
	r := Renderer{JS: []byte(`console.log("</script>")`), CSS: []byte(`a{}</style>`)}
	if err := WriteHTML(&b, res, trees, r, time.Unix(0, 0)); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if !strings.Contains(page, `content="default-src 'none'; script-src 'unsafe-inline'`) {
		t.Error("no CSP")
	}
	if n := strings.Count(strings.ToLower(page), "</script"); n != 2 {
		t.Errorf("%d </script, want only the two closing tags", n)
	}
	m := regexp.MustCompile(`(?s)<script type="application/json" id="flowdeck-compare">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no data element")
	}
	var d struct {
		Result Result               `json:"result"`
		Trees  map[string]*Snapshot `json:"trees"`
	}
	if err := json.Unmarshal([]byte(m[1]), &d); err != nil {
		t.Fatal(err)
	}
	if d.Result.Flow != "DefaultCardFlow" || len(d.Trees) != len(trees) || d.Result.Rows[len(d.Result.Rows)-1].Name != evil {
		t.Errorf("data = %+v", d.Result)
	}
	if d.Result.ExportName != FileName(res) {
		t.Errorf("export_name = %q, want %q", d.Result.ExportName, FileName(res))
	}
	n, withTree := 0, 0
	for k, s := range d.Trees {
		if s == nil {
			continue // the taskspec cards: no component tree
		}
		withTree++
		if s.Tree == nil {
			t.Errorf("card %s: snapshot without its tree", k)
		}
		var data struct {
			Data map[string]struct{ Text string }
		}
		if s.Data != nil && json.Unmarshal(s.Data, &data) == nil && data.Data["x"].Text == evil {
			n++
		}
	}
	if n != 1 || withTree != 8 {
		t.Errorf("%d snapshots hold the runtime data as written, want 1; %d have a tree, want the 8 default cards", n, withTree)
	}
}
