package mfsim

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// html renders the card file for the given token.
func (c *Card) html(token string, final bool) ([]byte, error) {
	t := c.task
	switch c.spec.Type {
	case "taskspec_card":
		return []byte(t.Pathspec()), nil
	case "default_json":
		return PyJSON(c.cardJSON(final))
	}
	if !c.template() {
		return c.customHTML(token, final), nil
	}
	js, err := PyJSON(c.cardJSON(final))
	if err != nil {
		return nil, err
	}
	// Error cards never disable updates, even when final (docs/format.md §9).
	disable := final && c.spec.Type != "error"
	return templateHTML(t.ds(), t.Pathspec(), token, t.ds().dashedUUID(), js, disable), nil
}

// templateHTML is Metaflow's base.html as the fixtures show it, line for
// line, with the bundle and stylesheet replaced per Options.Bundle.
func templateHTML(d *Datastore, title, token, dataID string, cardJSON []byte, disableUpdates bool) []byte {
	f := d.feat
	b64 := base64.StdEncoding.EncodeToString(cardJSON)
	var b strings.Builder
	b.Grow(len(b64) + 2048 + padSize(d))
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n\n<head>\n")
	b.WriteString("  <meta charset=\"utf-8\" />\n")
	b.WriteString("  <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\" />\n")
	b.WriteString("  <link\n      rel=\"shortcut icon\"\n      href=\"data:,\"\n    />\n")
	b.WriteString("  <title>" + htmlEscape(title) + "</title>\n")
	b.WriteString("  <style>" + stylesheet(d) + "</style>\n")
	if f.oldWhitespace {
		b.WriteString("  \n")
	} else {
		b.WriteString("\n")
	}
	b.WriteString("</head>\n\n<body>\n  <div class=\"card_app\"></div>\n  <script>\n")
	b.WriteString("    var METAFLOW_RELOAD_TOKEN = \"" + token + "\"\n")
	b.WriteString("    var mfCardDataId = \"" + dataID + "\";\n\n")
	b.WriteString("    if (!window.__MF_DATA__) {\n      window.__MF_DATA__ = {};\n    }\n")
	b.WriteString("    window.__MF_DATA__[\"" + dataID + "\"] = \"" + b64 + "\"\n\n  </script>\n")
	b.WriteString("  <script>" + bundle(d) + "</script>\n")
	switch {
	case disableUpdates:
		b.WriteString("  <script>\n    window.metaflow_card_update = undefined;\n  </script>\n")
	case f.oldWhitespace:
		b.WriteString("  <script> \n  // This Card was Designed to be Realtime Updatable\n  </script>\n")
	default:
		b.WriteString("  <script>\n  // This Card was Designed to be Realtime Updatable\n  </script>\n")
	}
	b.WriteString("</body>\n\n</html>\n")
	return []byte(b.String())
}

// standInJS takes the place of main.js: it shows the card JSON as an
// outline and merges data updates by id into page/section contents, the
// way metaflow_card_update does, so the original view of a demo card moves.
const standInJS = `/* mfsim stand-in for Metaflow's card bundle (main.js) */
(function () {
  var app = document.querySelector(".card_app");
  var card = JSON.parse(atob(window.__MF_DATA__[mfCardDataId]));
  function find(list, id) {
    for (var i = 0; i < list.length; i++) {
      var c = list[i];
      if (c && c.id === id) return c;
      if (c && (c.type === "page" || c.type === "section")) {
        var f = find(c.contents || [], id);
        if (f) return f;
      }
    }
    return null;
  }
  function show() {
    var pre = document.createElement("pre");
    pre.textContent = JSON.stringify(card.components, null, 1);
    app.replaceChildren(pre);
  }
  window.metaflow_card_update = function (data) {
    Object.keys(data).forEach(function (k) {
      var u = data[k], c = u && find(card.components, u.id);
      if (c) Object.assign(c, u);
    });
    show();
    return true;
  };
  show();
})();
`

func bundle(d *Datastore) string {
	switch d.opts.Bundle {
	case BundleElided:
		return "/* metaflow card bundle elided (" + strconv.Itoa(d.feat.elidedBytes) + " bytes) */"
	case BundlePadded:
		return padComment(standInJS, d.feat.bundleBytes)
	}
	return standInJS
}

func stylesheet(d *Datastore) string {
	s := "/* card stylesheet elided (" + strconv.Itoa(d.feat.cssBytes) + " bytes) */"
	if d.opts.Bundle == BundlePadded {
		return padComment(s, d.feat.cssBytes)
	}
	return s
}

func padSize(d *Datastore) int {
	if d.opts.Bundle == BundlePadded {
		return d.feat.bundleBytes + d.feat.cssBytes
	}
	return len(standInJS)
}

// padComment appends a comment that brings s to n bytes. Its lines are
// ordinary minified-looking text so that scanners meet realistic bytes.
func padComment(s string, n int) string {
	const open, close = "\n/*", "*/"
	fill := n - len(s) - len(open) - len(close)
	if fill <= 0 {
		return s
	}
	const line = "metaflow card bundle padding: function(e){return e&&e.__esModule?e.default:e};var t=window.__MF_DATA__||{};\n"
	var b strings.Builder
	b.Grow(n)
	b.WriteString(s)
	b.WriteString(open)
	for fill > 0 {
		k := min(fill, len(line))
		b.WriteString(line[:k])
		fill -= k
	}
	b.WriteString(close)
	return b.String()
}

// htmlEscape is what Metaflow's mustache renderer escapes.
func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// customHTML stands in for a custom card type (like the corpus's
// corpus_always): its own token and metaflow_card_update, no __MF_DATA__.
func (c *Card) customHTML(token string, final bool) []byte {
	title := htmlEscape(c.task.Pathspec())
	payload := Obj{{"runtime", !final}, {"user", c.userData}, {"components", []any{}}}
	return []byte("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title + "</title></head>\n<body>\n<script>\n" +
		"var METAFLOW_RELOAD_TOKEN = \"" + token + "\";\n" +
		"window.metaflow_card_update = function (data) {\n  document.getElementById(\"payload\").textContent = JSON.stringify(data);\n  return true;\n};\n" +
		"</script>\n<h1>" + title + "</h1>\n<pre id=\"payload\">" + string(mustPyJSON(payload)) + "</pre>\n</body></html>\n")
}
