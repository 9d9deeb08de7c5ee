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

func TestWriteCSV(t *testing.T) {
	ix := openFixture(t, "default")
	ids := runIDs(t, ix, "DefaultCardFlow")
	res, err := Compare(context.Background(), ix, "DefaultCardFlow", ids, Options{})
	if err != nil {
		t.Fatal(err)
	}
	v := "=HYPERLINK(\"x\")"
	res.Rows = append(res.Rows, Row{Group: GroupValueBox, Name: "hostile", Values: []*string{&v, nil}})
	var b bytes.Buffer
	if err := WriteCSV(&b, res); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"group,name,source," + ids[0] + "," + ids[1] + "\n", "parameter,alpha,,0.9,0.5\n", "valuebox,hostile,,\"'=HYPERLINK(\"\"x\"\")\",\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("csv lacks %q:\n%s", want, out)
		}
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
	res.Rows = append(res.Rows, Row{Group: GroupValueBox, Name: evil, Values: []*string{&evil, nil}})
	trees, err := Trees(context.Background(), ix, res)
	if err != nil {
		t.Fatal(err)
	}
	if len(trees) != 10 {
		t.Errorf("trees = %d, want the 10 cards of both runs", len(trees))
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
		Result Result                     `json:"result"`
		Trees  map[string]json.RawMessage `json:"trees"`
	}
	if err := json.Unmarshal([]byte(m[1]), &d); err != nil {
		t.Fatal(err)
	}
	if d.Result.Flow != "DefaultCardFlow" || len(d.Trees) != len(trees) || d.Result.Rows[len(d.Result.Rows)-1].Name != evil {
		t.Errorf("data = %+v", d.Result)
	}
}
