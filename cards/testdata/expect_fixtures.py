#!/usr/bin/env python3
"""Writes fixtures_expected.json: what every card file of the Metaflow fixtures
(../../testdata/metaflow, or $FLOWDECK_FIXTURES)
holds, read with the regular expressions of docs/format.md §9 and Python's own
base64/json, independently of the Go code under test.

Run from cards/: python3 testdata/expect_fixtures.py > testdata/fixtures_expected.json
"""
import base64, json, os, re, sys

ROOT = os.environ.get("FLOWDECK_FIXTURES") or os.path.join(
    os.path.dirname(__file__), "..", "..", "testdata", "metaflow")
TOKEN = re.compile(rb'var METAFLOW_RELOAD_TOKEN = "([^"]*)"')
DATAID = re.compile(rb'var mfCardDataId = "([^"]*)"')
MFDATA = re.compile(rb'window\.__MF_DATA__\["([^"]*)"\] = "([^"]*)"')

def top(card):
    out = []
    for c in card["components"]:
        t = c.get("type")
        if t == "page":
            t += ":" + c.get("title", "")
        out.append(t)
    return out

def html(b):
    e = {}
    m = MFDATA.search(b)
    s = b.lstrip()
    if s.startswith(b"{"):
        e["kind"] = "json"
        card = json.loads(b)
    elif m:
        e["kind"] = "template"
        card = json.loads(base64.b64decode(m.group(2)))
        e["data_id"] = DATAID.search(b).group(1).decode()
    elif s.startswith(b"<"):
        e["kind"] = "html"
        card = None
    else:
        e["kind"] = "text"
        e["text"] = b.decode()
        card = None
    t = TOKEN.search(b)
    e["token"] = t.group(1).decode() if t else None
    e["update_disabled"] = e["kind"] == "template" and b"window.metaflow_card_update = undefined;" in b
    e["static"] = t is None or t.group(1) == b"[METAFLOW_RELOAD_TOKEN]"
    if card is not None:
        e["top"] = top(card)
        e["pathspec"] = card["metadata"]["pathspec"]
    return e

def data(b):
    d = json.loads(b)
    e = {"token": d["reload_token"], "created_on": "created_on" in d}
    e["ids"] = list(d["data"].keys()) if isinstance(d["data"], dict) else None
    return e

out = {}
for r, dirs, files in sorted(os.walk(ROOT)):
    dirs.sort()
    if "mf.cards" not in r:
        continue
    for f in sorted(files):
        p = os.path.join(r, f)
        rel = os.path.relpath(p, ROOT)
        b = open(p, "rb").read()
        if f.endswith(".data.json"):
            out[rel] = data(b)
        elif f.endswith(".html"):
            out[rel] = html(b)
json.dump(out, sys.stdout, indent=1, sort_keys=True)
print()
