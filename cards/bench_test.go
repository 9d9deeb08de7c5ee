package cards

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// Sizes of what the fixtures cut out of every 2.19 template card
// (docs/format.md §9, §17).
const (
	mainJSBytes    = 1_056_101
	bundleCSSBytes = 28_045
	faviconBytes   = 20_000
)

var (
	reBundle  = regexp.MustCompile(`<script>/\* metaflow card bundle elided \(\d+ bytes\) \*/</script>`)
	reStyle   = regexp.MustCompile(`<style>/\* card stylesheet elided \(\d+ bytes\) \*/</style>`)
	reFavicon = regexp.MustCompile(`href="data:,"`)
)

// fill repeats chunk to exactly n bytes.
func fill(chunk string, n int) string {
	s := strings.Repeat(chunk, n/len(chunk)+1)
	return s[:n]
}

// paddedTemplate is the components fixture card with the bundle put back
// at its real size: a 1,056,101-byte script, a 28,045-byte stylesheet and a
// 20 KB favicon, about 1.12 MB like the largest corpus cards. The script
// mentions __MF_DATA__ and metaflow_card_update as main.js does.
func paddedTemplate(t testing.TB) []byte {
	t.Helper()
	b := fixture(t, fxComponents)
	js := fill(`!function(e){var t=window.__MF_DATA__[e];window.metaflow_card_update=function(n){return Object.values(n).forEach(function(r){o(t,r)}),!0};function o(a,b){return a.findIndex(function(c){return c.id===b.id})}}("x");`, mainJSBytes)
	css := fill(`.card_app{font-family:sans-serif;margin:0 auto;padding:1rem}table td{border:1px solid #ccc}`, bundleCSSBytes)
	raw := make([]byte, faviconBytes*3/4)
	_, _ = rand.NewChaCha8([32]byte{1}).Read(raw)
	ico := base64.StdEncoding.EncodeToString(raw)
	out := reBundle.ReplaceAllLiteral(b, []byte("<script>"+js+"</script>"))
	out = reStyle.ReplaceAllLiteral(out, []byte("<style>"+css+"</style>"))
	out = reFavicon.ReplaceAllLiteral(out, []byte(`href="data:image/x-icon;base64,`+ico+`"`))
	if len(out) < 1_100_000 || bytes.Equal(out, b) {
		t.Fatalf("padded card is %d bytes", len(out))
	}
	return out
}

func BenchmarkParseTemplate1MB(b *testing.B) {
	card := paddedTemplate(b)
	b.SetBytes(int64(len(card)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Parse(card); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(card)), "card-bytes")
}

// BenchmarkDecodeTemplate1MB is what opening a card costs the app: parse,
// decode the tree, render its markdown.
func BenchmarkDecodeTemplate1MB(b *testing.B) {
	card := paddedTemplate(b)
	b.SetBytes(int64(len(card)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		p, err := Parse(card)
		if err != nil {
			b.Fatal(err)
		}
		c, err := DecodeCard(p.CardJSON)
		if err != nil {
			b.Fatal(err)
		}
		AnnotateMarkdown(c)
		if _, err := c.MarshalJSON(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkScanToken(b *testing.B) {
	head := paddedTemplate(b)[:128<<10]
	b.SetBytes(int64(len(head)))
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := ScanToken(head); !ok {
			b.Fatal("no token")
		}
	}
}

func BenchmarkRenderMarkdown(b *testing.B) {
	src := "# Training\nepoch **22** of 40, loss = 0.1643\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
	b.ReportAllocs()
	for b.Loop() {
		RenderMarkdown(src)
	}
}
