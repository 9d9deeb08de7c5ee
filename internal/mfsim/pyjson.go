package mfsim

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"unicode/utf8"
)

// Obj is a JSON object that keeps its key order, as a Python dict does.
// Metaflow's files are written by json.dumps of dicts, so key order is part
// of what makes a file look like the fixtures.
type Obj []KV

// KV is one key of an Obj.
type KV struct {
	K string
	V any
}

// Raw is JSON text that PyJSON copies as it is.
type Raw []byte

// Get returns the value of key k.
func (o Obj) Get(k string) (any, bool) {
	for _, kv := range o {
		if kv.K == k {
			return kv.V, true
		}
	}
	return nil, false
}

// With returns a copy of o with key k set to v: replaced where it is, or
// appended. The copy keeps callers from aliasing a component they handed
// to a Card.
func (o Obj) With(k string, v any) Obj {
	out := make(Obj, len(o), len(o)+1)
	copy(out, o)
	for i := range out {
		if out[i].K == k {
			out[i].V = v
			return out
		}
	}
	return append(out, KV{k, v})
}

// Without returns a copy of o without key k.
func (o Obj) Without(k string) Obj {
	out := make(Obj, 0, len(o))
	for _, kv := range o {
		if kv.K != k {
			out = append(out, kv)
		}
	}
	return out
}

// PyJSON encodes v the way Python's json.dumps does with its defaults:
// separators ", " and ": ", every non-ASCII character escaped as \uXXXX,
// floats in repr form (1.0, 1e-05), NaN and Infinity allowed. Go maps are
// written with sorted keys; use Obj to choose the order.
func PyJSON(v any) ([]byte, error) {
	return appendPy(make([]byte, 0, 256), v)
}

func mustPyJSON(v any) []byte {
	b, err := PyJSON(v)
	if err != nil {
		panic(err) // only reachable with values mfsim itself built
	}
	return b
}

func appendPy(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		if x {
			return append(b, "true"...), nil
		}
		return append(b, "false"...), nil
	case string:
		return appendPyString(b, x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case int32:
		return strconv.AppendInt(b, int64(x), 10), nil
	case uint64:
		return strconv.AppendUint(b, x, 10), nil
	case float64:
		return append(b, pyFloat(x)...), nil
	case float32:
		return append(b, pyFloat(float64(x))...), nil
	case Raw:
		return append(b, x...), nil
	case json.RawMessage:
		return append(b, x...), nil
	case Obj:
		b = append(b, '{')
		for i, kv := range x {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendPyString(b, kv.K)
			b = append(b, ": "...)
			var err error
			if b, err = appendPy(b, kv.V); err != nil {
				return b, err
			}
		}
		return append(b, '}'), nil
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ", "...)
			}
			var err error
			if b, err = appendPy(b, e); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case []string:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendPyString(b, e)
		}
		return append(b, ']'), nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := make(Obj, 0, len(x))
		for _, k := range keys {
			o = append(o, KV{k, x[k]})
		}
		return appendPy(b, o)
	}
	return appendPyReflect(b, v)
}

// appendPyReflect covers the remaining slices, maps and integer kinds so
// callers can pass []Obj, [][]any, map[string]int and the like.
func appendPyReflect(b []byte, v any) ([]byte, error) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return append(b, "null"...), nil
		}
		return appendPy(b, rv.Elem().Interface())
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.IsNil() {
			return append(b, "[]"...), nil
		}
		b = append(b, '[')
		for i := 0; i < rv.Len(); i++ {
			if i > 0 {
				b = append(b, ", "...)
			}
			var err error
			if b, err = appendPy(b, rv.Index(i).Interface()); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return b, fmt.Errorf("mfsim: json: map key type %s", rv.Type().Key())
		}
		m := make(map[string]any, rv.Len())
		for _, k := range rv.MapKeys() {
			m[k.String()] = rv.MapIndex(k).Interface()
		}
		return appendPy(b, m)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, rv.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.AppendUint(b, rv.Uint(), 10), nil
	case reflect.String:
		return appendPyString(b, rv.String()), nil
	case reflect.Bool:
		return appendPy(b, rv.Bool())
	case reflect.Float32, reflect.Float64:
		return append(b, pyFloat(rv.Float())...), nil
	}
	return b, fmt.Errorf("mfsim: json: unsupported type %T", v)
}

const hexDigits = "0123456789abcdef"

// appendPyString mirrors json.dumps(ensure_ascii=True): everything outside
// printable ASCII (including DEL) becomes \uXXXX, astral characters become
// surrogate pairs, and invalid UTF-8 becomes U+FFFD as Python would have
// refused it anyway.
func appendPyString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch c {
			case '"':
				b = append(b, '\\', '"')
			case '\\':
				b = append(b, '\\', '\\')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				if c < 0x20 || c == 0x7f {
					b = appendU(b, rune(c))
				} else {
					b = append(b, c)
				}
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r > 0xffff {
			r -= 0x10000
			b = appendU(b, 0xd800+(r>>10))
			b = appendU(b, 0xdc00+(r&0x3ff))
			continue
		}
		b = appendU(b, r)
	}
	return append(b, '"')
}

func appendU(b []byte, r rune) []byte {
	return append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}

// pyFloat formats f as Python's repr(float): the shortest round-trip
// digits, with ".0" on integral values and exponent notation outside
// [1e-4, 1e16).
func pyFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	if a := math.Abs(f); a >= 1e16 || a < 1e-4 {
		return strconv.FormatFloat(f, 'e', -1, 64)
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return s
		}
	}
	return s + ".0"
}
