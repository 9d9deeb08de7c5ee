#!/usr/bin/python3
"""Writes golden/<artifact>.json: the Value tree (the contract in
artifacts/value.go) that the Go reader must give for each artifact of the
artifacts fixture's first run, computed from the real Python object.

Run with Debian's /usr/bin/python3 and its python3-numpy / python3-pandas
(the versions that wrote the fixture: numpy 1.24, pandas 1.5):

    /usr/bin/python3 artifacts/testdata/make_golden.py

It never unpickles `hostile` (its pickle runs os.system) nor `custom` and
`point` (their classes live in the flow's own module, which needs
Metaflow); the Go tests check those three by hand.

Leaves (numbers, strings, dates, ...) take Python's own str/repr/isoformat.
Containers follow the reader's rules, mirrored here: at most 64 levels,
10,000 items, 200,000 characters of a str, a repr cut at 200 characters
and built from the first 64 items' reprs.
"""
import base64
import collections
import datetime
import decimal
import fractions
import glob
import gzip
import json
import math
import os
import pathlib
import pickle
import sys
import uuid

SKIP = {"hostile": "its pickle runs os.system", "custom": "needs the flow's module",
        "point": "needs the flow's module"}
MAX_DEPTH, MAX_ITEMS, MAX_STR, REPR_MAX, REPR_ITEMS, MAX_ROWS = 64, 10000, 200000, 200, 64, 20
MAX_SAFE = 2 ** 53

try:
    import numpy as np
except ImportError:  # the numpy / pandas artifacts are then left out
    np = None
try:
    import pandas as pd
except ImportError:
    pd = None


def cut(s, n=REPR_MAX):
    return s if len(s) <= n else s[:n - 1] + "\u2026"


def typename(x):
    t = type(x)
    return "%s.%s" % (t.__module__, t.__qualname__)


def join_repr(open_, reprs, more, close):
    out = open_
    for i, r in enumerate(reprs):
        if i:
            out += ", "
        out += r
        if len(out) > 4 * REPR_MAX:
            return cut(out)
    if more:
        if reprs:
            out += ", "
        out += "\u2026"
    return cut(out + close)


def float_value(f):
    if math.isnan(f):
        return "nan"
    if math.isinf(f):
        return "inf" if f > 0 else "-inf"
    return f


def int_value(i):
    return i if -MAX_SAFE <= i <= MAX_SAFE else str(i)


def value(x, depth=0):
    t = typename(x)
    if x is None:
        return {"kind": "none", "type": t, "repr": "None"}
    if np is not None and isinstance(x, np.generic):
        return numpy_scalar(x) | {"dtype": str(x.dtype)}
    if isinstance(x, bool):
        return {"kind": "bool", "type": t, "value": x, "repr": repr(x)}
    if isinstance(x, int):
        return {"kind": "int", "type": t, "value": int_value(x), "repr": cut(repr(x))}
    if isinstance(x, float):
        return {"kind": "float", "type": t, "value": float_value(x), "repr": repr(x)}
    if isinstance(x, str):
        v = {"kind": "str", "type": t, "value": x[:MAX_STR], "repr": cut(repr(x)), "len": len(x)}
        if len(x) > MAX_STR:
            v["truncated"] = True
        return v
    if isinstance(x, (bytes, bytearray)):
        v = {"kind": "bytes", "type": t, "value": base64.b64encode(bytes(x[:MAX_STR])).decode(),
             "encoding": "base64", "repr": cut(repr(x)), "len": len(x)}
        if len(x) > MAX_STR:
            v["truncated"] = True
        return v
    if isinstance(x, datetime.datetime):
        return {"kind": "datetime", "type": t, "value": x.isoformat(), "repr": repr(x)}
    if isinstance(x, datetime.date):
        return {"kind": "date", "type": t, "value": x.isoformat(), "repr": repr(x)}
    if isinstance(x, datetime.time):
        return {"kind": "time", "type": t, "value": x.isoformat(), "repr": repr(x)}
    if isinstance(x, datetime.timedelta):
        return {"kind": "timedelta", "type": t, "value": str(x), "repr": repr(x)}
    if isinstance(x, decimal.Decimal):
        return {"kind": "decimal", "type": t, "value": str(x), "repr": cut(repr(x))}
    if isinstance(x, fractions.Fraction):
        return {"kind": "fraction", "type": t, "value": str(x), "repr": cut(repr(x))}
    if isinstance(x, uuid.UUID):
        return {"kind": "uuid", "type": t, "value": str(x), "repr": repr(x)}
    if isinstance(x, pathlib.PurePath):
        return {"kind": "path", "type": t, "value": str(x), "repr": cut(repr(x))}
    if isinstance(x, list):
        return sequence("list", t, x, depth, "[", "]")
    if isinstance(x, tuple):
        return sequence("tuple", t, x, depth, "(", ",)" if len(x) == 1 else ")")
    if isinstance(x, frozenset):
        if not x:
            return {"kind": "frozenset", "type": t, "repr": "frozenset()", "len": 0}
        return sequence("frozenset", t, list(x), depth, "frozenset({", "})")
    if isinstance(x, set):
        if not x:
            return {"kind": "set", "type": t, "repr": "set()", "len": 0}
        return sequence("set", t, list(x), depth, "{", "}")
    if isinstance(x, dict):
        return mapping(x, t, depth)
    if np is not None and isinstance(x, np.ndarray):
        return ndarray(x)
    if pd is not None and isinstance(x, pd.DataFrame):
        return dataframe(x)
    if pd is not None and isinstance(x, pd.Series):
        return series(x)
    raise SystemExit("no golden rule for %s" % t)


def sequence(kind, t, items, depth, open_, close):
    v = {"kind": kind, "type": t, "len": len(items)}
    if depth >= MAX_DEPTH:
        v["truncated"] = True
        v["repr"] = open_ + "\u2026" + close
        return v
    out = [value(it, depth + 1) for it in items[:MAX_ITEMS]]
    if len(items) > MAX_ITEMS:
        v["truncated"] = True
    reprs = [o["repr"] for o in out[:REPR_ITEMS]]
    v["repr"] = join_repr(open_, reprs, len(reprs) < len(items), close)
    if out:
        v["items"] = out
    return v


def mapping(x, t, depth):
    ordered = type(x) is collections.OrderedDict
    open_, close = ("OrderedDict([", "])") if ordered else ("{", "}")
    v = {"kind": "dict", "type": t, "len": len(x)}
    if not x:
        v["repr"] = "OrderedDict()" if ordered else "{}"
        return v
    if depth >= MAX_DEPTH:
        v["truncated"] = True
        v["repr"] = open_ + "\u2026" + close
        return v
    entries, reprs = [], []
    for i, (k, val) in enumerate(x.items()):
        if i >= MAX_ITEMS:
            v["truncated"] = True
            break
        kv, vv = value(k, depth + 1), value(val, depth + 1)
        entries.append({"key": kv, "value": vv})
        if len(reprs) < REPR_ITEMS:
            reprs.append("(%s, %s)" % (kv["repr"], vv["repr"]) if ordered else "%s: %s" % (kv["repr"], vv["repr"]))
    v["entries"] = entries
    v["repr"] = join_repr(open_, reprs, len(reprs) < len(x), close)
    return v


# numpy and pandas (see numpy.go and pandas.go for the reader's side)

def numpy_scalar(x):
    t = typename(x)
    if isinstance(x, np.str_):
        return value(str(x)) | {"type": t, "repr": cut(repr(x))}
    if isinstance(x, np.bytes_):
        return value(bytes(x)) | {"type": t, "repr": cut(repr(x))}
    v = {"kind": "numpy", "type": t, "repr": cut(repr(x))}
    item = x.item()
    if isinstance(item, bool):
        v["value"] = item
    elif isinstance(item, int):
        v["value"] = int_value(item)
    elif isinstance(item, float):
        v["value"] = float_value(item)
    return v


def array_item(x):
    """An item of an array, a column or an index: numpy scalars without
    their dtype (the array has it), other objects as themselves."""
    if isinstance(x, np.generic):
        return numpy_scalar(x)
    return value(x, 1)


def ndarray(a):
    v = {"kind": "ndarray", "type": typename(a), "dtype": str(a.dtype), "shape": list(a.shape), "len": int(a.size)}
    n = min(a.size, MAX_ITEMS)
    items = [array_item(x) for x in a.flat[:n]]
    if items:
        v["items"] = items
    if a.size > n:
        v["truncated"] = True
    v["repr"] = "array(shape=%s, dtype=%s)" % (tuple(a.shape), a.dtype)
    return v


def column(name, s, rows):
    return {"name": str(name) if name is not None else "", "dtype": str(s.dtype),
            "values": [array_item(s.iloc[i]) for i in range(rows)]}


def dataframe(df):
    rows = min(len(df), MAX_ROWS)
    v = {"kind": "dataframe", "type": typename(df), "shape": list(df.shape), "len": len(df),
         "columns": [column(c, df.iloc[:, j], rows) for j, c in enumerate(df.columns)],
         "index": [array_item(df.index[i]) for i in range(rows)],
         "repr": "DataFrame(shape=%s)" % (df.shape,)}
    if len(df) > rows:
        v["truncated"] = True
    return v


def series(s):
    rows = min(len(s), MAX_ROWS)
    v = {"kind": "series", "type": typename(s), "dtype": str(s.dtype), "shape": list(s.shape), "len": len(s),
         "columns": [column(s.name, s, rows)],
         "index": [array_item(s.index[i]) for i in range(rows)],
         "repr": "Series(name=%r, shape=%s)" % (s.name, s.shape)}
    if len(s) > rows:
        v["truncated"] = True
    return v


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.join(here, "..", "..", "testdata", "metaflow", "artifacts", ".metaflow", "ArtifactsFlow")
    data_json = sorted(glob.glob(os.path.join(root, "1796418786417171", "start", "*", "0.data.json")))[0]
    with open(data_json) as f:
        objects = json.load(f)["objects"]
    out_dir = os.path.join(here, "golden")
    os.makedirs(out_dir, exist_ok=True)
    for name, sha in sorted(objects.items()):
        if name in SKIP:
            print("skip %s: %s" % (name, SKIP[name]))
            continue
        if name.startswith(("np_", "df", "series")) and (np is None or pd is None):
            print("skip %s: numpy/pandas not installed" % name)
            continue
        with gzip.open(os.path.join(root, "data", sha[:2], sha)) as f:
            obj = pickle.load(f)
        text = json.dumps(value(obj), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        if len(text) < 20000:  # small ones indented, to be read in review
            text = json.dumps(value(obj), ensure_ascii=False, sort_keys=True, indent=1)
        with open(os.path.join(out_dir, name + ".json"), "w") as f:
            f.write(text + "\n")


def benchmark_frame():
    """bench/df100k.pkl.gz: a 100,000-row DataFrame (int, float and str
    columns), pickled as Metaflow does (protocol 4, gzip), for
    BenchmarkDecodeDataFrame100k."""
    if pd is None:
        return
    n = 100000
    df = pd.DataFrame({"epoch": list(range(n)), "loss": [1.0 / (i + 1) for i in range(n)],
                       "split": ["train", "val"] * (n // 2)})
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench", "df100k.pkl.gz")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with gzip.GzipFile(out, "wb", mtime=0) as f:
        f.write(pickle.dumps(df, protocol=4))


if __name__ == "__main__":
    if os.path.exists("/tmp/flowdeck-pickle-was-executed"):
        sys.exit("/tmp/flowdeck-pickle-was-executed exists: remove it first")
    main()
    benchmark_frame()
