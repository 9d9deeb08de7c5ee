package mfsim

import (
	"encoding/binary"
	"math"
	"sort"
)

// Tuple is an artifact value that pickles as a Python tuple.
type Tuple []any

// PyObject is an artifact value of a class mfsim cannot pickle for real
// (an exception, a DataFrame, a model). It is stored as its repr string,
// and its Type is what data.json reports.
type PyObject struct {
	Type string // e.g. "metaflow.exception.MetaflowExceptionWrapper"
	Repr string
}

// pickle encodes v the way CPython's pickle.dumps does for the simple
// types, so a blob starts like a real one (80 04 95 … or 80 02) and its
// size in data.json is plausible. Anything else is pickled as a string.
func pickle(v any, protocol int) []byte {
	p := &pickler{proto: protocol}
	p.value(v)
	p.b = append(p.b, '.')
	if protocol < 4 {
		return append([]byte{0x80, byte(protocol)}, p.b...)
	}
	// Protocol 4 puts the body in one FRAME once it is at least 4 bytes.
	if len(p.b) < 4 {
		return append([]byte{0x80, 0x04}, p.b...)
	}
	out := make([]byte, 0, len(p.b)+11)
	out = append(out, 0x80, 0x04, 0x95)
	out = binary.LittleEndian.AppendUint64(out, uint64(len(p.b)))
	return append(out, p.b...)
}

type pickler struct {
	b     []byte
	proto int
	memo  int
}

func (p *pickler) memoize() {
	if p.proto >= 4 {
		p.b = append(p.b, 0x94)
	} else if p.memo < 256 {
		p.b = append(p.b, 'q', byte(p.memo))
	} else {
		p.b = append(p.b, 'r')
		p.b = binary.LittleEndian.AppendUint32(p.b, uint32(p.memo))
	}
	p.memo++
}

func (p *pickler) value(v any) {
	switch x := v.(type) {
	case nil:
		p.b = append(p.b, 'N')
	case bool:
		if x {
			p.b = append(p.b, 0x88)
		} else {
			p.b = append(p.b, 0x89)
		}
	case int:
		p.int(int64(x))
	case int64:
		p.int(x)
	case float64:
		p.b = append(p.b, 'G')
		p.b = binary.BigEndian.AppendUint64(p.b, math.Float64bits(x))
	case string:
		p.str(x)
	case []byte:
		if len(x) < 256 {
			p.b = append(p.b, 'C', byte(len(x)))
		} else {
			p.b = append(p.b, 'B')
			p.b = binary.LittleEndian.AppendUint32(p.b, uint32(len(x)))
		}
		p.b = append(p.b, x...)
		p.memoize()
	case []string:
		p.list(stringsToAny(x))
	case []any:
		p.list(x)
	case Tuple:
		p.tuple(x)
	case Obj:
		p.b = append(p.b, '}')
		p.memoize()
		p.pairs(x)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := make(Obj, len(keys))
		for i, k := range keys {
			o[i] = KV{k, x[k]}
		}
		p.value(o)
	case PyObject:
		p.str(x.Repr)
	default:
		p.str("<unpicklable>")
	}
}

func (p *pickler) int(v int64) {
	switch {
	case v >= 0 && v < 256:
		p.b = append(p.b, 'K', byte(v))
	case v >= 0 && v < 65536:
		p.b = append(p.b, 'M', byte(v), byte(v>>8))
	case v >= math.MinInt32 && v <= math.MaxInt32:
		p.b = append(p.b, 'J')
		p.b = binary.LittleEndian.AppendUint32(p.b, uint32(int32(v)))
	default:
		// LONG1: little-endian two's complement, shortest form.
		var le []byte
		for i := 0; i < 8; i++ {
			le = append(le, byte(v>>(8*i)))
		}
		for len(le) > 1 {
			last, prev := le[len(le)-1], le[len(le)-2]
			if (last == 0 && prev&0x80 == 0) || (last == 0xff && prev&0x80 != 0) {
				le = le[:len(le)-1]
				continue
			}
			break
		}
		p.b = append(p.b, 0x8a, byte(len(le)))
		p.b = append(p.b, le...)
	}
}

func (p *pickler) str(s string) {
	switch {
	case p.proto >= 4 && len(s) < 256:
		p.b = append(p.b, 0x8c, byte(len(s)))
	default:
		p.b = append(p.b, 'X')
		p.b = binary.LittleEndian.AppendUint32(p.b, uint32(len(s)))
	}
	p.b = append(p.b, s...)
	p.memoize()
}

func (p *pickler) list(items []any) {
	p.b = append(p.b, ']')
	p.memoize()
	switch len(items) {
	case 0:
	case 1:
		p.value(items[0])
		p.b = append(p.b, 'a')
	default:
		p.b = append(p.b, '(')
		for _, it := range items {
			p.value(it)
		}
		p.b = append(p.b, 'e')
	}
}

func (p *pickler) tuple(items []any) {
	switch len(items) {
	case 0:
		p.b = append(p.b, ')')
		return
	case 1, 2, 3:
		for _, it := range items {
			p.value(it)
		}
		p.b = append(p.b, 0x84+byte(len(items)))
	default:
		p.b = append(p.b, '(')
		for _, it := range items {
			p.value(it)
		}
		p.b = append(p.b, 't')
	}
	p.memoize()
}

func (p *pickler) pairs(o Obj) {
	switch len(o) {
	case 0:
	case 1:
		p.str(o[0].K)
		p.value(o[0].V)
		p.b = append(p.b, 's')
	default:
		p.b = append(p.b, '(')
		for _, kv := range o {
			p.str(kv.K)
			p.value(kv.V)
		}
		p.b = append(p.b, 'u')
	}
}

// pyTypeName is type(v) as data.json's info.type shows it.
func pyTypeName(v any) string {
	name := "str"
	switch x := v.(type) {
	case nil:
		name = "NoneType"
	case bool:
		name = "bool"
	case int, int64:
		name = "int"
	case float64:
		name = "float"
	case []byte:
		name = "bytes"
	case []any, []string:
		name = "list"
	case Tuple:
		name = "tuple"
	case Obj, map[string]any:
		name = "dict"
	case PyObject:
		name = x.Type
	}
	return "<class '" + name + "'>"
}
