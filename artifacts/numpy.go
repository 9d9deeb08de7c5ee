package artifacts

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// numpy values from their reduce forms (numpy 1.x numpy.core, 2.x
// numpy._core): an array is _reconstruct(ndarray, (0,), b'b') + BUILD
// (version, shape, dtype, is_fortran, raw bytes | list of objects); a
// scalar is scalar(dtype, raw bytes); a dtype is dtype(code, False, True)
// + BUILD (version, byteorder, ...). The raw bytes are read in Go.

func init() {
	register(rebuildNdarray, "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct")
	register(rebuildFrombuffer, "numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer")
	register(rebuildScalar, "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar")
	register(rebuildDtype, "numpy.dtype")
}

type dtype struct {
	kind  byte // f i u b c U S V O M m
	size  int  // bytes per item
	name  string
	order binary.ByteOrder
}

func parseDtype(x any) (*dtype, bool) {
	o, ok := x.(*pyObject)
	if !ok || len(o.args) < 1 {
		return nil, false
	}
	if c, ok := o.callee.(*pyClass); !ok || c.full() != "numpy.dtype" {
		return nil, false
	}
	code, ok := o.args[0].(string)
	if !ok || code == "" {
		return nil, false
	}
	byteorder := "<"
	if st, ok := o.state.(pyTuple); ok && len(st) > 1 {
		if s, ok := st[1].(string); ok {
			byteorder = s
		}
	}
	d := &dtype{kind: code[0], order: binary.LittleEndian}
	if byteorder == ">" {
		d.order = binary.BigEndian
	}
	n, err := strconv.Atoi(code[1:])
	if err != nil && len(code) > 1 {
		return nil, false
	}
	prefix := ""
	if byteorder == ">" {
		prefix = ">"
	}
	switch d.kind {
	case 'f':
		d.size, d.name = n, prefix+fmt.Sprintf("float%d", 8*n)
	case 'i':
		d.size, d.name = n, prefix+fmt.Sprintf("int%d", 8*n)
	case 'u':
		d.size, d.name = n, prefix+fmt.Sprintf("uint%d", 8*n)
	case 'c':
		d.size, d.name = n, prefix+fmt.Sprintf("complex%d", 8*n)
	case 'b':
		d.size, d.name = 1, "bool"
	case 'O':
		d.size, d.name = n, "object"
	case 'U':
		bo := "<"
		if byteorder == ">" {
			bo = ">"
		}
		d.size, d.name = 4*n, fmt.Sprintf("%sU%d", bo, n)
	case 'S':
		d.size, d.name = n, fmt.Sprintf("|S%d", n)
	case 'V':
		d.size, d.name = n, fmt.Sprintf("|V%d", n)
	case 'M':
		d.size, d.name = 8, "datetime64"
	case 'm':
		d.size, d.name = 8, "timedelta64"
	default:
		return nil, false
	}
	if prefix != "" && (d.kind == 'f' || d.kind == 'i' || d.kind == 'u' || d.kind == 'c') {
		d.name = ">" + string(d.kind) + strconv.Itoa(n)
	}
	if d.size <= 0 && d.kind != 'O' {
		return nil, false
	}
	return d, true
}

func rebuildDtype(c *converter, o *pyObject, cls *pyClass, depth int) *Value {
	d, ok := parseDtype(o)
	if !ok {
		return nil
	}
	return &Value{Kind: KindObject, Type: "numpy.dtype", Value: d.name, Repr: "dtype('" + d.name + "')"}
}

// array is a numpy array's recorded state.
type array struct {
	dt      *dtype
	shape   []int64
	size    int64
	fortran bool
	raw     []byte // numeric, string and bytes dtypes
	objects []any  // object dtype
}

func parseArray(x any) (*array, error) {
	o, ok := x.(*pyObject)
	if !ok {
		return nil, fmt.Errorf("not an array")
	}
	cls, _ := o.callee.(*pyClass)
	if cls == nil {
		return nil, fmt.Errorf("not an array")
	}
	var shapeX, dtX, fortranX, data any
	switch cls.full() {
	case "numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer":
		if len(o.args) != 4 {
			return nil, fmt.Errorf("_frombuffer with %d arguments", len(o.args))
		}
		data, dtX, shapeX = o.args[0], o.args[1], o.args[2]
		fortranX = o.args[3] == "F"
	default:
		st, ok := o.state.(pyTuple)
		if !ok {
			return nil, fmt.Errorf("array without state")
		}
		if len(st) == 5 {
			st = st[1:]
		}
		if len(st) != 4 {
			return nil, fmt.Errorf("array state of %d parts", len(st))
		}
		shapeX, dtX, fortranX, data = st[0], st[1], st[2], st[3]
	}
	a := &array{size: 1}
	var ok2 bool
	if a.dt, ok2 = parseDtype(dtX); !ok2 {
		return nil, fmt.Errorf("unknown dtype")
	}
	shape, ok := shapeX.(pyTuple)
	if !ok {
		return nil, fmt.Errorf("shape is not a tuple")
	}
	for _, s := range shape {
		n, ok := s.(int64)
		if !ok || n < 0 || (n > 0 && a.size > math.MaxInt64/n/8) {
			return nil, fmt.Errorf("bad shape")
		}
		a.shape = append(a.shape, n)
		a.size *= n
	}
	a.fortran, _ = fortranX.(bool)
	switch d := data.(type) {
	case *pyBytes:
		a.raw = d.b
	case string:
		a.raw = latin1Bytes(d)
	case *pyList:
		a.objects = d.items
	default:
		return nil, fmt.Errorf("array data is a %s", goKind(data))
	}
	if a.dt.kind == 'O' {
		if int64(len(a.objects)) < a.size {
			return nil, fmt.Errorf("object array has %d of %d items", len(a.objects), a.size)
		}
	} else if a.objects != nil || int64(len(a.raw)) < a.size*int64(a.dt.size) {
		return nil, fmt.Errorf("array data has %d bytes for %d items of %d", len(a.raw), a.size, a.dt.size)
	}
	return a, nil
}

// offset is the storage position of the item at C-order (flat) index i.
func (a *array) offset(i int64) int64 {
	if !a.fortran || len(a.shape) < 2 {
		return i
	}
	// Split i into C-order indices, then recombine in Fortran order.
	off, stride := int64(0), int64(1)
	idx := make([]int64, len(a.shape))
	for k := len(a.shape) - 1; k >= 0; k-- {
		idx[k] = i % a.shape[k]
		i /= a.shape[k]
	}
	for k := 0; k < len(a.shape); k++ {
		off += idx[k] * stride
		stride *= a.shape[k]
	}
	return off
}

// item is the Value of the item at storage position off.
func (c *converter) item(a *array, off int64, depth int) *Value {
	if a.dt.kind == 'O' {
		return c.value(a.objects[off], depth)
	}
	c.nodes++
	b := a.raw[off*int64(a.dt.size) : (off+1)*int64(a.dt.size)]
	return scalarValue(a.dt, b)
}

// scalarValue is the Value of one item of a numeric, bool, complex or
// string dtype, read from its bytes.
func scalarValue(dt *dtype, b []byte) *Value {
	switch dt.kind {
	case 'f':
		return numpyFloat(dt, b)
	case 'i', 'u':
		return numpyInt(dt, b)
	case 'b':
		v := &Value{Kind: KindNumpy, Type: "numpy.bool_", Value: b[0] != 0, Repr: "False"}
		if b[0] != 0 {
			v.Repr = "True"
		}
		return v
	case 'c':
		var re, im float64
		bits := 64
		if dt.size == 8 {
			re, im, bits = float64(math.Float32frombits(dt.order.Uint32(b))), float64(math.Float32frombits(dt.order.Uint32(b[4:]))), 32
		} else if dt.size == 16 {
			re, im = math.Float64frombits(dt.order.Uint64(b)), math.Float64frombits(dt.order.Uint64(b[8:]))
		}
		return &Value{Kind: KindNumpy, Type: "numpy.complex" + strconv.Itoa(8*dt.size), Repr: complexRepr(re, im, bits)}
	case 'U':
		return numpyStr(dt, b)
	case 'S':
		s := []byte(strings.TrimRight(string(b), "\x00"))
		v := (&converter{lim: Limits{}.withDefaults()}).bytes(&pyBytes{b: s})
		v.Type = "numpy.bytes_"
		return v
	}
	return &Value{Kind: KindNumpy, Type: "numpy." + dt.name, Repr: "<" + dt.name + " value>", Error: "values of dtype " + dt.name + " are not shown"}
}

// numpyFloat reads a float16, float32 or float64; a float16 or float32 has
// the repr of its own precision.
func numpyFloat(dt *dtype, b []byte) *Value {
	var f float64
	bits := 64
	switch dt.size {
	case 2:
		f, bits = half(dt.order.Uint16(b)), 32
	case 4:
		f, bits = float64(math.Float32frombits(dt.order.Uint32(b))), 32
	case 8:
		f = math.Float64frombits(dt.order.Uint64(b))
	default:
		return &Value{Kind: KindNumpy, Type: "numpy." + dt.name, Repr: "<" + dt.name + ">"}
	}
	v := floatValue(f, "numpy.float"+strconv.Itoa(8*dt.size), bits)
	v.Kind = KindNumpy
	return v
}

// numpyInt reads a signed or unsigned integer of 1 to 8 bytes; a uint64
// past MaxInt64 is kept as its decimal text.
func numpyInt(dt *dtype, b []byte) *Value {
	var n int64
	var u uint64
	switch dt.size {
	case 1:
		u = uint64(b[0])
		n = int64(int8(b[0]))
	case 2:
		u = uint64(dt.order.Uint16(b))
		n = int64(int16(u))
	case 4:
		u = uint64(dt.order.Uint32(b))
		n = int64(int32(u))
	case 8:
		u = dt.order.Uint64(b)
		n = int64(u)
	default:
		return &Value{Kind: KindNumpy, Type: "numpy." + dt.name, Repr: "<" + dt.name + ">"}
	}
	typ := fmt.Sprintf("numpy.int%d", 8*dt.size)
	if dt.kind == 'u' {
		typ = fmt.Sprintf("numpy.uint%d", 8*dt.size)
		if u > math.MaxInt64 {
			s := strconv.FormatUint(u, 10)
			return &Value{Kind: KindNumpy, Type: typ, Value: s, Repr: s}
		}
		n = int64(u)
	}
	v := intValue(n, typ)
	v.Kind = KindNumpy
	return v
}

// numpyStr reads a fixed-width UTF-32 string, without its NUL padding.
func numpyStr(dt *dtype, b []byte) *Value {
	var sb strings.Builder
	for i := 0; i+4 <= len(b); i += 4 {
		r := rune(dt.order.Uint32(b[i:]))
		if r == 0 {
			continue // numpy strips trailing NULs
		}
		if !utf8.ValidRune(r) {
			r = utf8.RuneError
		}
		sb.WriteRune(r)
	}
	s := strings.TrimRight(sb.String(), "\x00")
	return &Value{Kind: KindStr, Type: "numpy.str_", Value: s, Len: intLen(utf8.RuneCountInString(s)), Repr: cut(pyStrRepr(s), reprMax)}
}

// half converts an IEEE 754 binary16.
func half(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp := int(h>>10) & 0x1f
	frac := float64(h & 0x3ff)
	switch exp {
	case 0:
		return sign * math.Ldexp(frac, -24)
	case 31:
		if frac != 0 {
			return math.NaN()
		}
		return math.Inf(int(sign))
	}
	return sign * math.Ldexp(1+frac/1024, exp-15)
}

func shapeRepr(shape []int64) string {
	parts := make([]string, len(shape))
	for i, s := range shape {
		parts[i] = strconv.FormatInt(s, 10)
	}
	if len(parts) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func rebuildNdarray(c *converter, o *pyObject, cls *pyClass, depth int) *Value {
	a, err := parseArray(o)
	if err != nil {
		return &Value{Kind: KindNdarray, Type: "numpy.ndarray", Repr: "<numpy.ndarray>", Error: "the array's data could not be read: " + err.Error()}
	}
	out := &Value{Kind: KindNdarray, Type: "numpy.ndarray", Dtype: a.dt.name, Shape: a.shape, Len: &a.size,
		Repr: "array(shape=" + shapeRepr(a.shape) + ", dtype=" + a.dt.name + ")"}
	if !c.enter(out, o, depth) {
		return out
	}
	defer c.leave(o)
	n := min(a.size, int64(c.lim.MaxItems))
	out.Items = make([]*Value, 0, n)
	for i := int64(0); i < n; i++ {
		if c.full() {
			break
		}
		out.Items = append(out.Items, c.item(a, a.offset(i), depth+1))
	}
	out.Truncated = int64(len(out.Items)) < a.size
	return out
}

func rebuildFrombuffer(c *converter, o *pyObject, cls *pyClass, depth int) *Value {
	return rebuildNdarray(c, o, cls, depth)
}

func rebuildScalar(c *converter, o *pyObject, cls *pyClass, depth int) *Value {
	if len(o.args) != 2 {
		return nil
	}
	dt, ok := parseDtype(o.args[0])
	if !ok {
		return nil
	}
	if dt.kind == 'O' {
		return c.value(o.args[1], depth)
	}
	b, ok := stateBytes(o.args[1])
	if !ok || len(b) < dt.size {
		return nil
	}
	v := scalarValue(dt, b[:dt.size])
	v.Dtype = dt.name
	return v
}
