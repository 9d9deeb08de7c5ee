package cards

import (
	"bytes"
	"encoding/base64"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// errKind names the sentinel an error wraps.
func errKind(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, ErrIncomplete):
		return "incomplete"
	case errors.Is(err, ErrInvalid):
		return "invalid"
	}
	return "other"
}

func checkErr(t *testing.T, what string, err error, want string) {
	t.Helper()
	if got := errKind(err); got != want {
		t.Errorf("%s: %s (%v), want %s", what, got, err, want)
	}
	if err != nil && !strings.HasPrefix(err.Error(), "cards: ") {
		t.Errorf("%s: error %q lacks the cards: prefix", what, err)
	}
}

// withData replaces the base64 of a template card.
func withData(t *testing.T, card []byte, enc string) []byte {
	t.Helper()
	p, err := Parse(card)
	if err != nil {
		t.Fatal(err)
	}
	old := base64.StdEncoding.EncodeToString(p.CardJSON)
	if !bytes.Contains(card, []byte(old)) {
		t.Fatal("card's base64 not found")
	}
	return bytes.Replace(card, []byte(old), []byte(enc), 1)
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestParseBadInput(t *testing.T) {
	card := fixture(t, fxFailing)
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"0 bytes", nil, "incomplete"},
		{"whitespace", []byte(" \n\t"), "incomplete"},
		{"BOM only", []byte("\xef\xbb\xbf"), "incomplete"},
		{"html cut", card[:len(card)/2], "incomplete"},
		{"html without </html>", bytes.Replace(card, []byte("</html>"), nil, 1), "incomplete"},
		{"bad base64", withData(t, card, "eyJ*!!!x"), "invalid"},
		{"base64 with = inside", withData(t, card, "eyJh=IjogMX0="), "invalid"},
		{"base64 cut to 4n+1", withData(t, card, b64(`{"components": []}`)[:5]), "incomplete"},
		{"base64 of non-JSON", withData(t, card, b64("hello world")), "invalid"},
		{"base64 of cut JSON", withData(t, card, b64(`{"metadata": {}, "components": [{"type"`)), "incomplete"},
		{"JSON without components", withData(t, card, b64(`{"metadata": {}}`)), "invalid"},
		{"JSON array", withData(t, card, b64(`[1, 2]`)), "invalid"},
		{"components not a list", withData(t, card, b64(`{"components": {}}`)), "invalid"},
		{"metadata not an object", withData(t, card, b64(`{"metadata": 1, "components": []}`)), "invalid"},
		{"JSON with junk after it", withData(t, card, b64(`{"components": []} x`)), "invalid"},
		{"unpadded base64 (atob takes it)", withData(t, card, strings.TrimRight(b64(`{"components": []}`), "=")), "ok"},
		{"JS escape in base64 (not interpreted)", withData(t, card, b64(`{"components": []}`)[:8]+"\\n"+b64(`{"components": []}`)[8:]), "invalid"},
		{"json card cut", []byte(`{"metadata": {}, "components": [`), "incomplete"},
		{"json card garbage", []byte(`{"metadata": nope}`), "invalid"},
		{"json card not a card", []byte(`{"a": 1}`), "invalid"},
		{"__MF_DATA__ without assignment", []byte("<!DOCTYPE html><html><script>window.__MF_DATA__[k]</script></html>"), "invalid"},
		{"__MF_DATA__ string cut", []byte(`<div><script>window.__MF_DATA__["k"] = "eyJ`), "incomplete"},
		{"garbage text", []byte("\x00\x01\x02garbage"), "ok"},
		{"html fragment", []byte("<p>artifact html, no closing tag"), "ok"},
		{"uppercase HTML end", []byte("<!DOCTYPE html><HTML><body>x</body></HTML>\n\n"), "ok"},
	} {
		p, err := Parse(tc.in)
		checkErr(t, tc.name, err, tc.want)
		if err == nil && p == nil {
			t.Errorf("%s: nil result", tc.name)
		}
	}
	// A data line break written as a real newline is ASCII whitespace,
	// which atob skips.
	p, err := Parse(withData(t, card, b64(`{"components": []}`)[:8]+"\n"+b64(`{"components": []}`)[8:]))
	if err != nil || string(p.CardJSON) != `{"components": []}` {
		t.Errorf("base64 with a newline: %v", err)
	}
}

// TestParseCutEverywhere cuts fixture cards at random points and at 1 MiB,
// as a reader of a file written in place sees them (docs/format.md §13).
func TestParseCutEverywhere(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	padded := paddedTemplate(t)
	p, err := Parse(padded[:1<<20])
	checkErr(t, "padded card cut at 1 MiB", err, "incomplete")
	if p != nil {
		t.Error("result for a cut card")
	}
	for _, rel := range []string{fxComponents, fxDefault, fxDefaultJSON, fxHostileHTML, fxMidCustom, fxOldFailing} {
		b := fixture(t, rel)
		cuts := []int{0, 1, len(b) - 1}
		for i := 0; i < 200; i++ {
			cuts = append(cuts, rng.IntN(len(b)))
		}
		for _, n := range cuts {
			prefix := b[:n]
			_, err := Parse(prefix)
			want := "incomplete"
			if bytes.HasSuffix(bytes.TrimRight(prefix, " \t\r\n"), []byte("</html>")) {
				want = "ok" // only trailing whitespace was cut
			}
			checkErr(t, rel+" cut", err, want)
		}
	}
	// Cut inside the base64 of the padded card.
	i := bytes.Index(padded, []byte(`window.__MF_DATA__["`))
	for n := i; n < i+2000; n += 97 {
		_, err := Parse(padded[:n])
		checkErr(t, "cut in __MF_DATA__", err, "incomplete")
	}
}

func TestParseGarbageNeverPanics(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	card := fixture(t, fxComponents)
	for i := 0; i < 2000; i++ {
		b := append([]byte(nil), card...)
		// Flip, drop or insert a few bytes anywhere, including the base64.
		for k := 0; k < 1+rng.IntN(8); k++ {
			at := rng.IntN(len(b))
			switch rng.IntN(3) {
			case 0:
				b[at] = byte(rng.IntN(256))
			case 1:
				b = append(b[:at], b[at+1:]...)
			default:
				b = append(b[:at], append([]byte{byte(rng.IntN(256))}, b[at:]...)...)
			}
		}
		p, err := Parse(b)
		if err == nil && p.CardJSON != nil {
			if _, err := DecodeCard(p.CardJSON); err != nil {
				checkErr(t, "decode after parse", err, "invalid")
			}
		} else if err != nil && errKind(err) == "other" {
			t.Errorf("untyped error %v", err)
		}
	}
}

// TestDeepNesting: components nested far deeper than any card are an
// error, not a stack overflow; deep plain JSON inside a field is kept.
func TestDeepNesting(t *testing.T) {
	nest := func(open, close string, n int) string {
		return `{"components":[` + strings.Repeat(open, n) + `{"type":"leaf"}` + strings.Repeat(close, n) + `]}`
	}
	start := time.Now()
	// Deeper than encoding/json's validator allows (10,000 levels).
	for _, s := range []string{
		nest(`{"type":"section","contents":[`, `]}`, 100_000),
		`{"components":[], "metadata": {"x": ` + strings.Repeat("[", 1_000_000) + strings.Repeat("]", 1_000_000) + `}}`,
	} {
		_, err := DecodeCard([]byte(s))
		checkErr(t, "very deep JSON", err, "invalid")
		_, err = Parse(withData(t, fixture(t, fxFailing), b64(s)))
		checkErr(t, "very deep JSON in a template", err, "invalid")
	}
	// Valid JSON, but components nested past the cap of 64.
	for _, s := range []string{
		nest(`{"type":"section","contents":[`, `]}`, 2000),
		nest(`{"type":"table","data":[[`, `]]}`, 1000),
		nest(`{"type":"eventsTimeline","events":[{"payloads":{"p":`, `}}]}`, 1000),
	} {
		_, err := DecodeCard([]byte(s))
		checkErr(t, "deep components", err, "invalid")
		p, err := Parse(withData(t, fixture(t, fxFailing), b64(s)))
		checkErr(t, "parse deep components", err, "ok")
		if p != nil {
			_, err = DecodeCard(p.CardJSON)
			checkErr(t, "decode parsed deep components", err, "invalid")
		}
	}
	// 64 levels are fine.
	if _, err := DecodeCard([]byte(nest(`{"type":"section","contents":[`, `]}`, maxDepth))); err != nil {
		t.Errorf("64 levels: %v", err)
	}
	if _, err := DecodeCard([]byte(nest(`{"type":"section","contents":[`, `]}`, maxDepth+1))); err == nil {
		t.Errorf("65 levels accepted")
	}
	// Deep JSON in fields nobody walks is kept as it is.
	arr := strings.Repeat("[", 4000) + strings.Repeat("]", 4000)
	c, err := DecodeCard([]byte(`{"metadata":{"x":` + arr + `},"components":[{"type":"vegaChart","id":"v","spec":` + arr + `}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if b := mustMarshal(t, c); !bytes.Contains(b, []byte(`"spec":`+arr)) {
		t.Error("deep spec lost")
	}
	AnnotateMarkdown(c)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("deep inputs took %v", d)
	}
}

func TestLongTokenLine(t *testing.T) {
	long := strings.Repeat("a", 10<<20)
	for _, tc := range []struct {
		name, html string
		tok        string
		has        bool
	}{
		{"10 MB token", `<!DOCTYPE html><html><script>var METAFLOW_RELOAD_TOKEN = "` + long + `";</script></html>`, "", false},
		{"unterminated token", `<!DOCTYPE html><html><script>var METAFLOW_RELOAD_TOKEN = "` + long + `</script></html>`, "", false},
		{"token at the limit", `<html><script>var METAFLOW_RELOAD_TOKEN = "` + long[:maxTokenLen] + `"</script></html>`, long[:maxTokenLen], true},
		{"line break in token", "<html><script>var METAFLOW_RELOAD_TOKEN = \"a\nb\"</script></html>", "", false},
		{"read, then assignment", `<html><script>if (window.METAFLOW_RELOAD_TOKEN == "x") {}; var METAFLOW_RELOAD_TOKEN='t1'</script></html>`, "t1", true},
		{"longer identifier", `<html><script>var METAFLOW_RELOAD_TOKEN_OLD = "no"; METAFLOW_RELOAD_TOKEN="yes"</script></html>`, "yes", true},
		{"expression", `<html><script>var METAFLOW_RELOAD_TOKEN = x + "y"</script></html>`, "", false},
	} {
		p, err := Parse([]byte(tc.html))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if p.Token != tc.tok || p.HasToken != tc.has || p.Static == tc.has {
			t.Errorf("%s: %.40q %v static=%v", tc.name, p.Token, p.HasToken, p.Static)
		}
	}
	// A very long data id or key does not stall the template scan.
	b := []byte(`<!DOCTYPE html><html><script>var mfCardDataId = "` + long + `"; window.__MF_DATA__["` + long + `"] = "` + b64(`{"components":[]}`) + `"</script></html>`)
	p, err := Parse(b)
	if err != nil || p.Kind != KindTemplate || p.DataID != long {
		t.Errorf("long key: %v", err)
	}
}

func TestScanTokenPrefix(t *testing.T) {
	b := fixture(t, fxMidBlank)
	i := bytes.Index(b, []byte("METAFLOW_RELOAD_TOKEN"))
	// Every prefix that ends before the closing quote asks for more.
	end := i + len(`METAFLOW_RELOAD_TOKEN = "runtime-1795642690.863389`)
	for n := 0; n <= end; n++ {
		if tok, ok := ScanToken(b[:n]); ok {
			t.Fatalf("prefix %d gave %q", n, tok)
		}
	}
	if tok, ok := ScanToken(b[:end+1]); !ok || tok != "runtime-1795642690.863389" {
		t.Errorf("token %q %v", tok, ok)
	}
}

func TestParseData(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{``, "incomplete"},
		{`{"reload_token": "final", "data": {"a"`, "incomplete"},
		{`{"reload_token": "final", "data": {}, "created_on": 1.5}`, "ok"},
		{`{"reload_token": "final", "data": {}}`, "ok"},
		// Complete JSON that is not a data file is invalid, as in Parse.
		{`{"data": {}}`, "invalid"},
		{`{"reload_token": 5, "data": {}}`, "invalid"},
	} {
		_, err := ParseData([]byte(tc.in))
		if got := errKind(err); got != tc.want {
			t.Errorf("%s: %s (%v)", tc.in, got, err)
		}
	}
	d, err := ParseData([]byte(`{"reload_token": "x"}`))
	if err != nil || string(d.Data) != "null" {
		t.Errorf("missing data: %s %v", d.Data, err)
	}
}

func TestParseName(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Name
		ok   bool
	}{
		{"blank-live-c79b8e3a1d2744138aa4ac35afe06da8.html", Name{"blank", "live", "c79b8e3a1d2744138aa4ac35afe06da8", HTMLFile}, true},
		{"default-dc79bbb6a76e45af9487f7eec4ca4c46.data.json", Name{"default", "", "dc79bbb6a76e45af9487f7eec4ca4c46", DataFile}, true},
		{"taskspec_card-f307758a66ce48c281b4889fe5def868.html", Name{"taskspec_card", "", "f307758a66ce48c281b4889fe5def868", HTMLFile}, true},
		{"tmpab12cd34", Name{}, false},
		{"tmpab12cd34.html", Name{}, false},
		{"blank-C79B8E3A1D2744138AA4AC35AFE06DA8.html", Name{}, false},
		{"blank-a-b-c79b8e3a1d2744138aa4ac35afe06da8.html", Name{}, false},
		{"blank-c79b8e3a.html", Name{}, false},
		{"bl ank-c79b8e3a1d2744138aa4ac35afe06da8.html", Name{}, false},
		{"-c79b8e3a1d2744138aa4ac35afe06da8.html", Name{}, false},
		{"blank-c79b8e3a1d2744138aa4ac35afe06da8.json", Name{}, false},
	} {
		n, err := ParseName(tc.in)
		if (err == nil) != tc.ok || n != tc.want {
			t.Errorf("%s: %+v %v", tc.in, n, err)
		}
		if err != nil && !errors.Is(err, ErrBadName) {
			t.Errorf("%s: %v does not wrap ErrBadName", tc.in, err)
		}
	}
	n, _ := ParseName("blank-live-c79b8e3a1d2744138aa4ac35afe06da8.html")
	if n.Stem() != "blank-live-c79b8e3a1d2744138aa4ac35afe06da8" || !IsUUID(n.UUID) || IsUUID("x") {
		t.Errorf("stem %s", n.Stem())
	}
}
