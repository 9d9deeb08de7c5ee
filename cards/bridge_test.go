package cards

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBridgeOffset(t *testing.T) {
	cases := []struct{ name, page, before string }{
		{"template card", "<!DOCTYPE html>\n<html lang=\"en\">\n\n<head>\n  <meta charset=\"utf-8\" />", "<!DOCTYPE html>\n<html lang=\"en\">\n\n<head>"},
		{"custom card", "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>x</title></head>", "<!DOCTYPE html>\n<html><head>"},
		{"BOM and comments", "\xef\xbb\xbf<!-- a <head> in a comment -->\n<!doctype html><!--x--><HTML><HEAD data-x=\"a>b\" data-y='c>d'><script>card()</script>", "\xef\xbb\xbf<!-- a <head> in a comment -->\n<!doctype html><!--x--><HTML><HEAD data-x=\"a>b\" data-y='c>d'>"},
		{"unquoted value with a quote in it", "<html a=b'c><head><script>x='y'</script>", "<html a=b'c><head>"},
		{"no head", "<!DOCTYPE html><html><body><script>card()</script>", "<!DOCTYPE html><html>"},
		{"header is not head", "<html><header>h</header>", "<html>"},
		{"fragment", "<b>bold</b> text", ""},
		{"text card", "DefaultCardFlow/1795641934967462/end/5", ""},
		{"raw JSON card", `{"metadata": {}, "components": []}`, ""},
		{"empty", "", ""},
		{"processing instruction", "<?xml version=\"1.0\"?>\n<html><head>", "<?xml version=\"1.0\"?>\n<html><head>"},
		{"unterminated comment", "<!-- <head>", ""},
		{"unterminated head tag", "<html><head data-x=\"", "<html>"},
		{"script before head", "<script>first()</script><head>", ""},
	}
	for _, c := range cases {
		got := bridgeOffset([]byte(c.page))
		if got != len(c.before) || c.page[:got] != c.before {
			t.Errorf("%s: bridge at %d (after %q), want after %q", c.name, got, c.page[:got], c.before)
		}
	}
}

func TestInjectBridge(t *testing.T) {
	page := []byte("<!DOCTYPE html><html><head><title>t</title></head><body><script>var METAFLOW_RELOAD_TOKEN = \"x\";</script></body></html>")
	orig := append([]byte(nil), page...)
	out := InjectBridge(page)
	if !bytes.Equal(page, orig) {
		t.Fatal("InjectBridge modified its input")
	}
	script := BridgeScript()
	at := bytes.Index(out, script)
	if at != len("<!DOCTYPE html><html><head>") {
		t.Fatalf("bridge at %d", at)
	}
	if !bytes.Equal(append(append([]byte{}, out[:at]...), out[at+len(script):]...), page) {
		t.Fatal("the page around the bridge is not the page")
	}
	if bytes.Count(out, script) != 1 {
		t.Fatal("the bridge is in the page once")
	}
}

// The bridge must stay one inline script: nothing in it may end the
// element or open a comment that changes how the parser reads it.
func TestBridgeScriptIsSafeInline(t *testing.T) {
	js := strings.ToLower(string(bridgeJS))
	for _, bad := range []string{"</script", "<!--", "-->", "<script"} {
		if strings.Contains(js, bad) {
			t.Errorf("bridge.js contains %q", bad)
		}
	}
	for _, need := range []string{`"flowdeck-card"`, `"flowdeck-host"`, "metaflow_card_update", "METAFLOW_RELOAD_TOKEN", "e.source !== host"} {
		if !strings.Contains(string(bridgeJS), need) {
			t.Errorf("bridge.js lacks %s", need)
		}
	}
}

// Every card file of the fixtures gets the bridge after its <head> tag (or
// in front, for text and JSON cards), and nothing else changes.
func TestInjectBridgeFixtures(t *testing.T) {
	n := 0
	filepath.WalkDir(fixtures(t), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") || !strings.Contains(p, string(filepath.Separator)+"cards"+string(filepath.Separator)) {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		n++
		at := bridgeOffset(b)
		out := InjectBridge(b)
		if !bytes.Equal(out[:at], b[:at]) || !bytes.Equal(out[at+len(BridgeScript()):], b[at:]) {
			t.Errorf("%s: page changed around the bridge", p)
		}
		head := strings.ToLower(string(b[:at]))
		if bytes.Contains(bytes.ToLower(b), []byte("<head")) && !strings.HasSuffix(strings.TrimRight(head, " \n"), ">") {
			t.Errorf("%s: bridge not right after a tag: %q", p, string(b[:at]))
		}
		if strings.Contains(string(b), "<head") && !strings.Contains(head, "<head") {
			t.Errorf("%s: bridge before <head>: %q", p, string(b[:at]))
		}
		return nil
	})
	if n < 20 {
		t.Fatalf("only %d card files found under %s", n, fixtures(t))
	}
}

func FuzzInjectBridge(f *testing.F) {
	for _, s := range []string{"", "<html><head>", "<!-- x --><!doctype html><html lang=en><head a='>'>", "text", "<HEAD>", "<html a=\"", "\xef\xbb\xbf<?x?><html>"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, page []byte) {
		at := bridgeOffset(page)
		if at < 0 || at > len(page) {
			t.Fatalf("offset %d out of range", at)
		}
		out := InjectBridge(page)
		s := BridgeScript()
		if len(out) != len(page)+len(s) || !bytes.Equal(out[at:at+len(s)], s) {
			t.Fatal("bridge not inserted at its offset")
		}
	})
}
