package artifacts

import (
	"encoding/base64"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// converter turns what the machine built into the Value tree, within the
// depth, item and node limits.
type converter struct {
	lim     Limits
	nodes   int
	onPath  map[any]bool // containers being converted: a cycle shows as "..."
	refused bool         // the root is a refused call
}

// reconstructor rebuilds the value of a known constructor from its
// recorded arguments and state, in Go. Nothing is called.
type reconstructor func(c *converter, o *pyObject, cls *pyClass, depth int) *Value

// reconstructors maps "module.name" of a callable to its Go rebuild.
var reconstructors = map[string]reconstructor{}

func register(fn reconstructor, names ...string) {
	for _, n := range names {
		reconstructors[n] = fn
	}
}

const maxSafeInt = 1 << 53

func (c *converter) full() bool { return c.nodes >= c.lim.MaxNodes }

func (c *converter) value(x any, depth int) *Value {
	c.nodes++
	switch v := x.(type) {
	case pyNone:
		return &Value{Kind: KindNone, Type: "builtins.NoneType", Repr: "None"}
	case bool:
		r := "False"
		if v {
			r = "True"
		}
		return &Value{Kind: KindBool, Type: "builtins.bool", Value: v, Repr: r}
	case int64:
		return intValue(v, "builtins.int")
	case *big.Int:
		return bigValue(v, "builtins.int")
	case pyHugeInt:
		return &Value{Kind: KindInt, Type: "builtins.int", Repr: fmt.Sprintf("<int of about %d bits>", v.bits), Truncated: true}
	case *float64:
		return floatValue(*v, "builtins.float", 64)
	case string:
		return c.str(v, "builtins.str")
	case *pyBytes:
		return c.bytes(v)
	case *pyList:
		return c.sequence(KindList, "builtins.list", v, v.items, depth, "[", "]")
	case pyTuple:
		close := ")"
		if len(v) == 1 {
			close = ",)"
		}
		return c.sequence(KindTuple, "builtins.tuple", nil, v, depth, "(", close)
	case *pySet:
		if v.frozen {
			if len(v.items) == 0 {
				return &Value{Kind: KindFrozenset, Type: "builtins.frozenset", Repr: "frozenset()", Len: intLen(0)}
			}
			return c.sequence(KindFrozenset, "builtins.frozenset", v, v.items, depth, "frozenset({", "})")
		}
		if len(v.items) == 0 {
			return &Value{Kind: KindSet, Type: "builtins.set", Repr: "set()", Len: intLen(0)}
		}
		return c.sequence(KindSet, "builtins.set", v, v.items, depth, "{", "}")
	case *pyDict:
		return c.dict(v, depth)
	case *pyClass:
		return &Value{Kind: KindObject, Type: "builtins.type", Value: v.full(), Repr: "<class '" + v.full() + "'>"}
	case *pyObject:
		return c.object(v, depth)
	}
	return &Value{Kind: KindError, Error: fmt.Sprintf("unexpected %T", x), Repr: "<unreadable>"}
}

func intValue(v int64, typ string) *Value {
	out := &Value{Kind: KindInt, Type: typ, Repr: strconv.FormatInt(v, 10)}
	if v >= -maxSafeInt && v <= maxSafeInt {
		out.Value = v
	} else {
		out.Value = out.Repr
	}
	return out
}

func bigValue(v *big.Int, typ string) *Value {
	s := v.String()
	return &Value{Kind: KindInt, Type: typ, Value: s, Repr: cut(s, reprMax)}
}

func floatValue(f float64, typ string, bits int) *Value {
	out := &Value{Kind: KindFloat, Type: typ, Repr: pyFloatRepr(f, bits)}
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		out.Value = out.Repr
	default:
		out.Value = f
	}
	return out
}

func (c *converter) str(s, typ string) *Value {
	n := utf8.RuneCountInString(s)
	out := &Value{Kind: KindStr, Type: typ, Len: intLen(n), Repr: cut(pyStrRepr(s), reprMax)}
	if n > c.lim.MaxStr {
		i := 0
		for k := 0; k < c.lim.MaxStr; k++ {
			_, w := utf8.DecodeRuneInString(s[i:])
			i += w
		}
		s = s[:i]
		out.Truncated = true
	}
	out.Value = s
	return out
}

func (c *converter) bytes(b *pyBytes) *Value {
	typ, repr := "builtins.bytes", pyBytesRepr(b.b)
	if b.array {
		typ, repr = "builtins.bytearray", "bytearray("+repr+")"
	}
	out := &Value{Kind: KindBytes, Type: typ, Len: intLen(len(b.b)), Encoding: "base64", Repr: cut(repr, reprMax)}
	data := b.b
	if len(data) > c.lim.MaxStr {
		data, out.Truncated = data[:c.lim.MaxStr], true
	}
	out.Value = base64.StdEncoding.EncodeToString(data)
	return out
}

// enter marks a container as being converted; false when it already is (a
// cycle) or when the depth or node limit is reached.
func (c *converter) enter(out *Value, key any, depth int) bool {
	if key != nil && c.onPath[key] {
		out.Truncated = true
		return false
	}
	if depth >= c.lim.MaxDepth || c.full() {
		out.Truncated = true
		return false
	}
	if key != nil {
		c.onPath[key] = true
	}
	return true
}

func (c *converter) leave(key any) {
	if key != nil {
		delete(c.onPath, key)
	}
}

func (c *converter) sequence(kind, typ string, key any, items []any, depth int, open, close string) *Value {
	out := &Value{Kind: kind, Type: typ, Len: intLen(len(items))}
	if !c.enter(out, key, depth) {
		out.Repr = open + "…" + close
		if c.onPath[key] && key != nil {
			out.Repr = open + "..." + close
		}
		return out
	}
	defer c.leave(key)
	reprs := make([]string, 0, min(len(items), 64))
	for i, it := range items {
		if i >= c.lim.MaxItems || c.full() {
			out.Truncated = true
			break
		}
		v := c.value(it, depth+1)
		out.Items = append(out.Items, v)
		if len(reprs) < cap(reprs) {
			reprs = append(reprs, v.Repr)
		}
	}
	out.Repr = joinRepr(open, reprs, len(reprs) < len(items), close)
	return out
}

func (c *converter) dict(d *pyDict, depth int) *Value {
	typ, open, close := "builtins.dict", "{", "}"
	if d.ordered {
		typ, open, close = "collections.OrderedDict", "OrderedDict([", "])"
	}
	out := &Value{Kind: KindDict, Type: typ, Len: intLen(len(d.keys))}
	if len(d.keys) == 0 {
		out.Repr = open + close
		if d.ordered {
			out.Repr = "OrderedDict()"
		}
		return out
	}
	if !c.enter(out, d, depth) {
		out.Repr = open + "…" + close
		return out
	}
	defer c.leave(d)
	var reprs []string
	for i := range d.keys {
		if i >= c.lim.MaxItems || c.full() {
			out.Truncated = true
			break
		}
		k := c.value(d.keys[i], depth+1)
		v := c.value(d.vals[i], depth+1)
		out.Entries = append(out.Entries, Entry{Key: k, Value: v})
		if len(reprs) < 64 {
			if d.ordered {
				reprs = append(reprs, "("+k.Repr+", "+v.Repr+")")
			} else {
				reprs = append(reprs, k.Repr+": "+v.Repr)
			}
		}
	}
	out.Repr = joinRepr(open, reprs, len(reprs) < len(d.keys), close)
	return out
}

// object converts a recorded call: a known constructor is rebuilt in Go;
// an instance of any other class is shown by its class name and readable
// state; a call of anything else is refused.
func (c *converter) object(o *pyObject, depth int) *Value {
	cls, ok := o.callee.(*pyClass)
	if !ok {
		if depth == 0 {
			c.refused = true
		}
		return &Value{Kind: KindError, Type: "builtins.object", Error: "refused to call the result of another call (" + goKind(o.callee) + "); nothing was called", Repr: "<refused call>"}
	}
	if fn := reconstructors[cls.full()]; fn != nil {
		if v := fn(c, o, cls, depth); v != nil {
			return v
		}
	}
	if !o.newobj && !looksLikeClass(cls) {
		if depth == 0 {
			c.refused = true
		}
		args := make([]string, 0, len(o.args))
		for _, a := range o.args {
			if len(args) == 3 {
				args = append(args, "…")
				break
			}
			args = append(args, c.value(a, c.lim.MaxDepth).Repr)
		}
		return &Value{
			Kind:  KindError,
			Type:  cls.full(),
			Error: "refused to call " + cls.full() + ": it is not a known safe constructor, and nothing in a pickle is ever called",
			Repr:  cut("<refused call "+cls.full()+"("+strings.Join(args, ", ")+")>", reprMax),
		}
	}
	return c.plainObject(o, cls, depth)
}

// unsafeModules are modules whose callables run code, touch the system or
// reach other objects' attributes: never treated as a plain class.
var unsafeModules = map[string]bool{
	"os": true, "posix": true, "nt": true, "subprocess": true, "sys": true, "shutil": true,
	"socket": true, "importlib": true, "pickle": true, "_pickle": true, "marshal": true,
	"ctypes": true, "runpy": true, "code": true, "codeop": true, "pty": true, "commands": true,
	"platform": true, "webbrowser": true, "multiprocessing": true, "threading": true,
	"_thread": true, "signal": true, "io": true, "_io": true, "types": true, "functools": true,
	"operator": true, "_operator": true, "copyreg": true, "copy_reg": true, "tempfile": true,
	"glob": true, "asyncio": true, "inspect": true, "builtins": true, "__builtin__": true,
	"posixpath": true, "ntpath": true, "pathlib": true, "urllib": true, "http": true,
	"ftplib": true, "smtplib": true, "telnetlib": true, "pdb": true, "bdb": true,
	"timeit": true, "trace": true, "site": true, "zipimport": true, "pkgutil": true,
}

// looksLikeClass: a REDUCE of a capitalised name outside the unsafe
// modules is taken for an instance of a plain class (exceptions, classes
// with their own __reduce__); anything else is a function call, refused.
func looksLikeClass(cls *pyClass) bool {
	root, _, _ := strings.Cut(cls.module, ".")
	if unsafeModules[root] || cls.module == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(cls.name)
	return unicode.IsUpper(r)
}

func (c *converter) plainObject(o *pyObject, cls *pyClass, depth int) *Value {
	out := &Value{Kind: KindObject, Type: cls.full(), Repr: "<" + cls.full() + " object>"}
	if !c.enter(out, o, depth) {
		return out
	}
	defer c.leave(o)
	if len(o.args) > 0 || len(o.listItems) > 0 {
		items := append(append([]any(nil), o.args...), o.listItems...)
		seq := c.sequence(KindTuple, "", nil, items, depth, "(", ")")
		out.Items, out.Len = seq.Items, seq.Len
		out.Truncated = out.Truncated || seq.Truncated
		if len(o.args) > 0 && o.newobj && !o.hasState {
			// A tuple subclass such as a namedtuple: the class is not
			// read, so its fields are known by position only.
			out.Repr = cut(cls.name+seq.Repr, reprMax)
		}
	}
	if len(o.dictKeys) > 0 {
		d := c.dict(&pyDict{keys: o.dictKeys, vals: o.dictVals}, depth)
		out.Entries = d.Entries
		out.Truncated = out.Truncated || d.Truncated
	}
	if o.hasState {
		c.stateFields(out, o.state, depth)
	}
	return out
}

// stateFields shows an object's BUILD state: a dict of attribute names (or
// a (dict, slots) pair) as fields, anything else as one field "state".
func (c *converter) stateFields(out *Value, state any, depth int) {
	var dicts []*pyDict
	switch s := state.(type) {
	case *pyDict:
		dicts = append(dicts, s)
	case pyTuple:
		if len(s) == 2 {
			for _, part := range s {
				if d, ok := part.(*pyDict); ok {
					dicts = append(dicts, d)
				}
			}
		}
	}
	if dicts == nil {
		if _, isNone := state.(pyNone); !isNone {
			out.Fields = append(out.Fields, Field{Name: "state", Value: c.value(state, depth+1)})
		}
		return
	}
	for _, d := range dicts {
		for i, k := range d.keys {
			if len(out.Fields) >= c.lim.MaxItems || c.full() {
				out.Truncated = true
				return
			}
			name, ok := k.(string)
			if !ok {
				name = c.value(k, c.lim.MaxDepth).Repr
			}
			out.Fields = append(out.Fields, Field{Name: name, Value: c.value(d.vals[i], depth+1)})
		}
	}
}
