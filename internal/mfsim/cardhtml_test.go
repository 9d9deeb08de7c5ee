package mfsim

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var reTitle = regexp.MustCompile(`<title>([^<]*)</title>`)

// TestTemplateMatchesFixtureCards renders every template card of the
// fixtures again from its token, data id and card JSON: with the fixtures'
// elided bundle the output must be the same bytes, for 2.19 and for the
// old template of 2.11/2.12.
func TestTemplateMatchesFixtureCards(t *testing.T) {
	sets := []struct {
		dir string
		v   Version
	}{
		{"default", V2_19}, {"components", V2_19}, {"live", V2_19}, {"live_midrun", V2_19},
		{"foreach", V2_19}, {"failing", V2_19}, {"retry", V2_19},
		{"older-2.11.0/live", V2_11}, {"older-2.11.0/retry", V2_11}, {"older-2.11.0/components", V2_11},
		{"older-2.12.39/live", V2_12}, {"older-2.12.39/foreach", V2_12},
	}
	n := 0
	for _, s := range sets {
		root := fixture(t, s.dir)
		d := New(t.TempDir(), Options{Version: s.v, Bundle: BundleElided})
		for _, rel := range walkFiles(t, root) {
			if !strings.HasSuffix(rel, ".html") {
				continue
			}
			b, err := os.ReadFile(filepath.Join(root, rel))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(b, []byte("__MF_DATA__")) || !bytes.Contains(b, []byte("METAFLOW_RELOAD_TOKEN")) {
				continue
			}
			token, id, _, js := cardParts(t, b)
			title := reTitle.FindSubmatch(b)[1]
			final := bytes.Contains(b, []byte("window.metaflow_card_update = undefined;"))
			got := templateHTML(d, string(title), token, id, js, final)
			if !bytes.Equal(got, b) {
				t.Errorf("%s/%s: template differs\n got %q\nwant %q", s.dir, rel, head(got), head(b))
			}
			n++
		}
	}
	if n < 40 {
		t.Fatalf("only %d template cards compared", n)
	}
	t.Logf("%d fixture cards reproduced", n)
}

func head(b []byte) []byte {
	b = reData.ReplaceAll(b, []byte(`DATA`))
	return b
}
