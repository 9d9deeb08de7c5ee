package artifacts

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The objects the opcode machine builds. Nothing here refers to Python code:
// a GLOBAL is a name (pyClass), a REDUCE / NEWOBJ / BUILD is recorded as
// data (pyObject) and only later turned into a Value by Go functions for the
// constructors the reader knows (convert.go).
type (
	pyNone  struct{}
	pyBytes struct {
		b     []byte
		array bool // bytearray
	}
	pyList  struct{ items []any }
	pyTuple []any
	pyDict  struct {
		keys, vals []any
		ordered    bool // collections.OrderedDict
	}
	pySet struct {
		items  []any
		frozen bool
	}
	pyClass struct{ module, name string }
	// pyObject is a call the pickle asks for (REDUCE, NEWOBJ, INST, OBJ),
	// never made, with what BUILD, APPENDS and SETITEMS added to it.
	pyObject struct {
		callee    any // *pyClass, or whatever else the stream put there
		args      []any
		kwargs    any
		newobj    bool // cls.__new__(cls, *args): an instance of callee
		state     any
		hasState  bool
		listItems []any
		dictKeys  []any
		dictVals  []any
	}
	// pyHugeInt is an int too long to be worth reading in full.
	pyHugeInt  struct{ bits int }
	pickleMark struct{}
)

func (c *pyClass) full() string {
	m := c.module
	if m == "__builtin__" {
		m = "builtins"
	}
	return m + "." + c.name
}

// machine runs the pickle opcodes over an in-memory stream.
type machine struct {
	data   []byte
	pos    int
	stack  []any
	marks  []int
	memo   []any
	memoX  map[int]any // memo keys that do not follow the sequence
	values int
	lim    Limits
	floats []float64 // floats are pushed as pointers into chunks: no allocation per float
}

// pushFloat pushes f as a *float64 into a chunk, which costs far less than
// boxing each float of a long list in an interface.
func (m *machine) pushFloat(f float64) error {
	if len(m.floats) == cap(m.floats) {
		m.floats = make([]float64, 0, 4096)
	}
	m.floats = append(m.floats, f)
	return m.push(&m.floats[len(m.floats)-1])
}

const maxHugeIntBytes = 4096 // longer ints are shown by their size only

func errorf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)
}

func (m *machine) need(n uint64) ([]byte, error) {
	if n > uint64(len(m.data)-m.pos) {
		return nil, errorf(ErrTruncated, "needs %d bytes at offset %d, %d left", n, m.pos, len(m.data)-m.pos)
	}
	b := m.data[m.pos : m.pos+int(n)]
	m.pos += int(n)
	return b, nil
}

func (m *machine) line() ([]byte, error) {
	i := strings.IndexByte(string(m.data[m.pos:]), '\n')
	if i < 0 {
		return nil, errorf(ErrTruncated, "line at offset %d has no end", m.pos)
	}
	b := m.data[m.pos : m.pos+i]
	m.pos += i + 1
	return b, nil
}

func (m *machine) push(v any) error {
	m.values++
	if m.values > m.lim.MaxValues {
		return errorf(ErrTooLarge, "more than %d values", m.lim.MaxValues)
	}
	m.stack = append(m.stack, v)
	return nil
}

func (m *machine) pop() (any, error) {
	n := len(m.stack)
	if n == 0 || (len(m.marks) > 0 && m.marks[len(m.marks)-1] >= n) {
		return nil, errorf(ErrInvalid, "stack underflow at offset %d", m.pos)
	}
	v := m.stack[n-1]
	m.stack = m.stack[:n-1]
	return v, nil
}

func (m *machine) top() (any, error) {
	n := len(m.stack)
	if n == 0 || (len(m.marks) > 0 && m.marks[len(m.marks)-1] >= n) {
		return nil, errorf(ErrInvalid, "stack underflow at offset %d", m.pos)
	}
	return m.stack[n-1], nil
}

// popMark returns the items above the topmost mark and removes them and
// the mark. The slice is a copy: the stack's array is reused.
func (m *machine) popMark() ([]any, error) {
	if len(m.marks) == 0 {
		return nil, errorf(ErrInvalid, "no mark at offset %d", m.pos)
	}
	k := m.marks[len(m.marks)-1]
	m.marks = m.marks[:len(m.marks)-1]
	items := append([]any(nil), m.stack[k:]...)
	clear(m.stack[k:])
	m.stack = m.stack[:k]
	return items, nil
}

func (m *machine) memoPut(idx int, v any) error {
	switch {
	case idx < 0:
		return errorf(ErrInvalid, "negative memo index")
	case idx < len(m.memo):
		m.memo[idx] = v
	case idx == len(m.memo):
		if len(m.memo)+len(m.memoX) >= m.lim.MaxValues {
			return errorf(ErrTooLarge, "more than %d memo entries", m.lim.MaxValues)
		}
		m.memo = append(m.memo, v)
	default:
		if m.memoX == nil {
			m.memoX = map[int]any{}
		}
		if len(m.memo)+len(m.memoX) >= m.lim.MaxValues {
			return errorf(ErrTooLarge, "more than %d memo entries", m.lim.MaxValues)
		}
		m.memoX[idx] = v
	}
	return nil
}

func (m *machine) memoGet(idx int) error {
	if idx >= 0 && idx < len(m.memo) {
		return m.push(m.memo[idx])
	}
	if v, ok := m.memoX[idx]; ok {
		return m.push(v)
	}
	return errorf(ErrInvalid, "memo key %d not found", idx)
}

// run executes opcodes until STOP and returns the top of the stack. Each
// family of opcodes is one method; exec picks it with one switch, which the
// compiler turns into a jump table, so the split costs no measurable speed
// (go test -bench Decode ./artifacts/).
func (m *machine) run() (any, error) {
	for {
		if m.pos >= len(m.data) {
			return nil, errorf(ErrTruncated, "no STOP opcode after %d bytes", len(m.data))
		}
		op := m.data[m.pos]
		m.pos++
		if op == '.' { // STOP
			v, err := m.pop()
			if err != nil {
				return nil, err
			}
			return v, nil
		}
		if err := m.exec(op); err != nil {
			return nil, err
		}
	}
}

// exec runs one opcode other than STOP.
func (m *machine) exec(op byte) error {
	switch op {
	case 0x80, 0x95, '(', '0', '1', '2':
		return m.stackOp(op)
	case 'N', 0x88, 0x89, 'J', 'K', 'M', 0x8a, 0x8b, 'I', 'L', 'F', 'G':
		return m.numberOp(op)
	case 0x8c, 'X', 0x8d, 'C', 'B', 0x8e, 0x96, 'U', 'T', 'S', 'V':
		return m.textOp(op)
	case ']', ')', '}', 0x8f, 'l', 't', 0x91, 0x85, 0x86, 0x87, 'd':
		return m.containerOp(op)
	case 'a', 'e', 's', 'u', 0x90:
		return m.fillOp(op)
	case 'c', 0x93:
		return m.classOp(op)
	case 'R', 0x81, 0x92, 'i', 'o', 'b':
		return m.objectOp(op)
	case 0x94, 'p', 'g', 'q', 'h', 'r', 'j':
		return m.memoOpcode(op)
	case 'P', 'Q', 0x82, 0x83, 0x84, 0x97, 0x98:
		return m.unsupportedOp(op)
	}
	return errorf(ErrInvalid, "unknown opcode 0x%02x at offset %d", op, m.pos-1)
}

// stackOp runs the framing and stack opcodes: PROTO, FRAME, MARK, POP, POP_MARK, DUP.
func (m *machine) stackOp(op byte) error {
	var err error
	switch op {
	case 0x80: // PROTO
		var b []byte
		if b, err = m.need(1); err == nil && b[0] > 5 {
			err = errorf(ErrInvalid, "pickle protocol %d is not supported", b[0])
		}
	case 0x95: // FRAME: the whole stream is in memory, frames change nothing
		_, err = m.need(8)
	case '(':
		m.marks = append(m.marks, len(m.stack))
	case '0': // POP
		if len(m.marks) > 0 && m.marks[len(m.marks)-1] == len(m.stack) {
			_, err = m.popMark()
		} else {
			_, err = m.pop()
		}
	case '1': // POP_MARK
		_, err = m.popMark()
	case '2': // DUP
		var v any
		if v, err = m.top(); err == nil {
			err = m.push(v)
		}
	}
	return err
}

// numberOp pushes None, a bool, an int or a float.
func (m *machine) numberOp(op byte) error {
	var err error
	switch op {
	case 'N':
		err = m.push(pyNone{})
	case 0x88:
		err = m.push(true)
	case 0x89:
		err = m.push(false)
	case 'J':
		var b []byte
		if b, err = m.need(4); err == nil {
			err = m.push(int64(int32(binary.LittleEndian.Uint32(b))))
		}
	case 'K':
		var b []byte
		if b, err = m.need(1); err == nil {
			err = m.push(int64(b[0]))
		}
	case 'M':
		var b []byte
		if b, err = m.need(2); err == nil {
			err = m.push(int64(binary.LittleEndian.Uint16(b)))
		}
	case 0x8a, 0x8b: // LONG1, LONG4
		var n uint64
		if n, err = m.size(op == 0x8b); err == nil {
			var b []byte
			if b, err = m.need(n); err == nil {
				err = m.push(decodeLong(b))
			}
		}
	case 'I', 'L': // INT, LONG (text)
		var b []byte
		if b, err = m.line(); err == nil {
			err = m.pushTextInt(string(b))
		}
	case 'F':
		var b []byte
		if b, err = m.line(); err == nil {
			f, perr := strconv.ParseFloat(strings.TrimSpace(string(b)), 64)
			if perr != nil && !strings.Contains(perr.Error(), "range") {
				err = errorf(ErrInvalid, "FLOAT %q", b)
			} else {
				err = m.pushFloat(f)
			}
		}
	case 'G':
		var b []byte
		if b, err = m.need(8); err == nil {
			err = m.pushFloat(math.Float64frombits(binary.BigEndian.Uint64(b)))
		}
	}
	return err
}

// textOp pushes a str or bytes: binary (sized) and text (line) forms, Python 2 strings included.
func (m *machine) textOp(op byte) error {
	var err error
	switch op {
	case 0x8c, 'X', 0x8d: // SHORT_BINUNICODE, BINUNICODE, BINUNICODE8
		var n uint64
		if n, err = m.sizeOf(op); err == nil {
			var b []byte
			if b, err = m.need(n); err == nil {
				err = m.push(string(b))
			}
		}
	case 'C', 'B', 0x8e, 0x96: // SHORT_BINBYTES, BINBYTES, BINBYTES8, BYTEARRAY8
		var n uint64
		if n, err = m.sizeOf(op); err == nil {
			var b []byte
			if b, err = m.need(n); err == nil {
				err = m.push(&pyBytes{b: b, array: op == 0x96})
			}
		}
	case 'U', 'T': // SHORT_BINSTRING, BINSTRING: Python 2 str, read as text
		var n uint64
		if n, err = m.sizeOf(op); err == nil {
			var b []byte
			if b, err = m.need(n); err == nil {
				err = m.push(latin1OrUTF8(b))
			}
		}
	case 'S': // STRING: a quoted Python 2 literal
		var b []byte
		if b, err = m.line(); err == nil {
			var s string
			if s, err = unquotePy2(string(b)); err == nil {
				err = m.push(s)
			}
		}
	case 'V': // UNICODE: raw-unicode-escape
		var b []byte
		if b, err = m.line(); err == nil {
			err = m.push(rawUnicodeEscape(b))
		}
	}
	return err
}

// containerOp builds an empty or a filled list, tuple, dict, set or frozenset.
func (m *machine) containerOp(op byte) error {
	var err error
	switch op {
	case ']':
		err = m.push(&pyList{})
	case ')':
		err = m.push(pyTuple{})
	case '}':
		err = m.push(&pyDict{})
	case 0x8f:
		err = m.push(&pySet{})
	case 'l', 't', 0x91: // LIST, TUPLE, FROZENSET
		var items []any
		if items, err = m.popMark(); err == nil {
			switch op {
			case 'l':
				err = m.push(&pyList{items: items})
			case 't':
				err = m.push(pyTuple(items))
			default:
				err = m.push(&pySet{items: items, frozen: true})
			}
		}
	case 0x85, 0x86, 0x87: // TUPLE1..3
		n := int(op - 0x84)
		if len(m.stack) < n || (len(m.marks) > 0 && m.marks[len(m.marks)-1] > len(m.stack)-n) {
			err = errorf(ErrInvalid, "stack underflow at offset %d", m.pos)
			break
		}
		t := append(pyTuple(nil), m.stack[len(m.stack)-n:]...)
		m.stack = m.stack[:len(m.stack)-n]
		err = m.push(t)
	case 'd': // DICT
		var items []any
		if items, err = m.popMark(); err == nil {
			d := &pyDict{}
			err = addPairs(&d.keys, &d.vals, items)
			if err == nil {
				err = m.push(d)
			}
		}
	}
	return err
}

// fillOp adds items to the list, dict, set or object on top of the stack.
func (m *machine) fillOp(op byte) error {
	var err error
	switch op {
	case 'a', 'e': // APPEND, APPENDS
		var items []any
		if op == 'a' {
			var v any
			if v, err = m.pop(); err != nil {
				break
			}
			items = []any{v}
		} else {
			// APPENDS: the items stay on the stack until copied into
			// the list, which saves a copy of every batch.
			if len(m.marks) == 0 {
				err = errorf(ErrInvalid, "no mark at offset %d", m.pos)
				break
			}
			k := m.marks[len(m.marks)-1]
			m.marks = m.marks[:len(m.marks)-1]
			items = m.stack[k:]
			m.stack = m.stack[:k]
		}
		var target any
		if target, err = m.top(); err != nil {
			break
		}
		switch t := target.(type) {
		case *pyList:
			t.items = grow(t.items, len(items))
			t.items = append(t.items, items...)
		case *pyObject:
			t.listItems = append(t.listItems, items...)
		default:
			err = errorf(ErrInvalid, "APPEND to a %s", goKind(target))
		}
		clear(items)
	case 's', 'u': // SETITEM, SETITEMS
		var items []any
		if op == 's' {
			var k, v any
			if v, err = m.pop(); err != nil {
				break
			}
			if k, err = m.pop(); err != nil {
				break
			}
			items = []any{k, v}
		} else if items, err = m.popMark(); err != nil {
			break
		}
		var target any
		if target, err = m.top(); err != nil {
			break
		}
		switch t := target.(type) {
		case *pyDict:
			err = addPairs(&t.keys, &t.vals, items)
		case *pyObject:
			err = addPairs(&t.dictKeys, &t.dictVals, items)
		default:
			err = errorf(ErrInvalid, "SETITEM on a %s", goKind(target))
		}
	case 0x90: // ADDITEMS
		var items []any
		if items, err = m.popMark(); err != nil {
			break
		}
		var target any
		if target, err = m.top(); err != nil {
			break
		}
		if s, ok := target.(*pySet); ok {
			s.items = append(s.items, items...)
		} else {
			err = errorf(ErrInvalid, "ADDITEMS on a %s", goKind(target))
		}
	}
	return err
}

// classOp pushes a class named by GLOBAL (text lines) or STACK_GLOBAL
// (two strings on the stack).
func (m *machine) classOp(op byte) error {
	var err error
	switch op {
	case 'c': // GLOBAL
		var mod, name []byte
		if mod, err = m.line(); err != nil {
			break
		}
		if name, err = m.line(); err != nil {
			break
		}
		err = m.push(&pyClass{module: string(mod), name: string(name)})
	case 0x93: // STACK_GLOBAL
		var mod, name any
		if name, err = m.pop(); err != nil {
			break
		}
		if mod, err = m.pop(); err != nil {
			break
		}
		ms, ok1 := mod.(string)
		ns, ok2 := name.(string)
		if !ok1 || !ok2 {
			err = errorf(ErrInvalid, "STACK_GLOBAL of a %s and a %s", goKind(mod), goKind(name))
			break
		}
		err = m.push(&pyClass{module: ms, name: ns})
	}
	return err
}

// objectOp makes objects: REDUCE, NEWOBJ(_EX), INST, OBJ, BUILD.
func (m *machine) objectOp(op byte) error {
	var err error
	switch op {
	case 'R': // REDUCE
		var f, args any
		if args, err = m.pop(); err != nil {
			break
		}
		if f, err = m.pop(); err != nil {
			break
		}
		t, ok := args.(pyTuple)
		if !ok {
			err = errorf(ErrInvalid, "REDUCE with %s arguments", goKind(args))
			break
		}
		err = m.push(reduce(f, t))
	case 0x81, 0x92: // NEWOBJ, NEWOBJ_EX
		var cls, args, kwargs any
		if op == 0x92 {
			if kwargs, err = m.pop(); err != nil {
				break
			}
		}
		if args, err = m.pop(); err != nil {
			break
		}
		if cls, err = m.pop(); err != nil {
			break
		}
		t, ok := args.(pyTuple)
		if !ok {
			err = errorf(ErrInvalid, "NEWOBJ with %s arguments", goKind(args))
			break
		}
		err = m.push(newObject(cls, t, kwargs))
	case 'i': // INST: module and name lines, arguments since the mark
		var mod, name []byte
		if mod, err = m.line(); err != nil {
			break
		}
		if name, err = m.line(); err != nil {
			break
		}
		var items []any
		if items, err = m.popMark(); err != nil {
			break
		}
		err = m.push(reduce(&pyClass{module: string(mod), name: string(name)}, items))
	case 'o': // OBJ: class and arguments since the mark
		var items []any
		if items, err = m.popMark(); err != nil {
			break
		}
		if len(items) == 0 {
			err = errorf(ErrInvalid, "OBJ without a class")
			break
		}
		err = m.push(reduce(items[0], items[1:]))
	case 'b': // BUILD
		var state, target any
		if state, err = m.pop(); err != nil {
			break
		}
		if target, err = m.top(); err != nil {
			break
		}
		if o, ok := target.(*pyObject); ok {
			o.state, o.hasState = state, true
		}
	}
	return err
}

// memoOpcode stores to and fetches from the memo.
func (m *machine) memoOpcode(op byte) error {
	var err error
	switch op {
	case 0x94: // MEMOIZE
		var v any
		if v, err = m.top(); err == nil {
			err = m.memoPut(len(m.memo), v)
		}
	case 'p', 'g': // PUT, GET (decimal line)
		var b []byte
		if b, err = m.line(); err != nil {
			break
		}
		idx, perr := strconv.Atoi(strings.TrimSpace(string(b)))
		if perr != nil {
			err = errorf(ErrInvalid, "memo key %q", b)
			break
		}
		err = m.memoOp(op == 'p', idx)
	case 'q', 'h': // BINPUT, BINGET
		var b []byte
		if b, err = m.need(1); err == nil {
			err = m.memoOp(op == 'q', int(b[0]))
		}
	case 'r', 'j': // LONG_BINPUT, LONG_BINGET
		var b []byte
		if b, err = m.need(4); err == nil {
			err = m.memoOp(op == 'r', int(binary.LittleEndian.Uint32(b)))
		}
	}
	return err
}

// unsupportedOp refuses what a Metaflow artifact never needs.
func (m *machine) unsupportedOp(op byte) error {
	var err error
	switch op {
	case 'P', 'Q':
		err = errorf(ErrInvalid, "persistent references are not supported")
	case 0x82, 0x83, 0x84:
		err = errorf(ErrInvalid, "extension registry codes are not supported")
	case 0x97, 0x98:
		err = errorf(ErrInvalid, "out-of-band buffers are not supported")
	}
	return err
}

func (m *machine) memoOp(put bool, idx int) error {
	if !put {
		return m.memoGet(idx)
	}
	v, err := m.top()
	if err != nil {
		return err
	}
	return m.memoPut(idx, v)
}

// size reads a 1-byte (LONG1) or 4-byte (LONG4) length.
func (m *machine) size(four bool) (uint64, error) {
	if !four {
		b, err := m.need(1)
		if err != nil {
			return 0, err
		}
		return uint64(b[0]), nil
	}
	b, err := m.need(4)
	if err != nil {
		return 0, err
	}
	n := int32(binary.LittleEndian.Uint32(b))
	if n < 0 {
		return 0, errorf(ErrInvalid, "negative length")
	}
	return uint64(n), nil
}

func (m *machine) sizeOf(op byte) (uint64, error) {
	switch op {
	case 0x8c, 'C', 'U':
		return m.size(false)
	case 'X', 'B', 'T':
		b, err := m.need(4)
		if err != nil {
			return 0, err
		}
		return uint64(binary.LittleEndian.Uint32(b)), nil
	default: // 8-byte lengths
		b, err := m.need(8)
		if err != nil {
			return 0, err
		}
		return binary.LittleEndian.Uint64(b), nil
	}
}

func (m *machine) pushTextInt(s string) error {
	s = strings.TrimSuffix(strings.TrimSpace(s), "L")
	switch s {
	case "00":
		return m.push(false)
	case "01":
		return m.push(true)
	}
	if len(s) > maxHugeIntBytes*3 {
		return m.push(pyHugeInt{bits: len(s) * 10 / 3})
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return m.push(v)
	}
	b, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return errorf(ErrInvalid, "INT %q", s)
	}
	return m.push(b)
}

// decodeLong reads a little-endian two's complement int (LONG1 / LONG4).
func decodeLong(b []byte) any {
	if len(b) == 0 {
		return int64(0)
	}
	if len(b) > maxHugeIntBytes {
		return pyHugeInt{bits: len(b) * 8}
	}
	if len(b) <= 8 {
		var u uint64
		for i := len(b) - 1; i >= 0; i-- {
			u = u<<8 | uint64(b[i])
		}
		shift := uint(64 - 8*len(b))
		return int64(u<<shift) >> shift
	}
	be := make([]byte, len(b))
	for i := range b {
		be[len(b)-1-i] = b[i]
	}
	v := new(big.Int).SetBytes(be)
	if b[len(b)-1]&0x80 != 0 {
		v.Sub(v, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	if v.IsInt64() {
		return v.Int64()
	}
	return v
}

func addPairs(keys, vals *[]any, items []any) error {
	if len(items)%2 != 0 {
		return errorf(ErrInvalid, "odd number of dict items")
	}
	for i := 0; i < len(items); i += 2 {
		*keys = append(*keys, items[i])
		*vals = append(*vals, items[i+1])
	}
	return nil
}

// reduce records f(*args). A few builtin containers are built at once,
// because later opcodes (SETITEMS on an OrderedDict) add to them; all
// other calls stay records for convert.go.
func reduce(f any, args []any) any {
	if c, ok := f.(*pyClass); ok {
		switch c.full() {
		case "collections.OrderedDict":
			d := &pyDict{ordered: true}
			if len(args) == 1 {
				if l, ok := args[0].(*pyList); ok {
					for _, p := range l.items {
						if t, ok := p.(pyTuple); ok && len(t) == 2 {
							d.keys = append(d.keys, t[0])
							d.vals = append(d.vals, t[1])
						}
					}
				}
			}
			return d
		case "builtins.set", "builtins.frozenset":
			s := &pySet{frozen: c.name == "frozenset"}
			if len(args) == 1 {
				if l, ok := args[0].(*pyList); ok {
					s.items = append(s.items, l.items...)
				}
			}
			return s
		case "builtins.bytearray":
			if len(args) == 0 {
				return &pyBytes{array: true}
			}
			if b, ok := args[0].(*pyBytes); ok && len(args) == 1 {
				return &pyBytes{b: b.b, array: true}
			}
			if s, ok := args[0].(string); ok && len(args) == 2 {
				return &pyBytes{b: latin1Bytes(s), array: true}
			}
		case "_codecs.encode":
			// Protocol 2 writes bytes as _codecs.encode(text, 'latin1').
			if s, ok := args[0].(string); ok && len(args) == 2 {
				return &pyBytes{b: latin1Bytes(s)}
			}
		case "copyreg._reconstructor", "copy_reg._reconstructor":
			// _reconstructor(cls, base, state) is object.__new__(cls) for
			// base object: an instance of cls, as NEWOBJ.
			if len(args) == 3 {
				o := &pyObject{callee: args[0], newobj: true}
				if _, isNone := args[2].(pyNone); !isNone {
					o.args = []any{args[2]}
				}
				return o
			}
		}
	}
	return &pyObject{callee: f, args: args}
}

func newObject(cls any, args []any, kwargs any) any {
	if c, ok := cls.(*pyClass); ok {
		switch c.full() {
		case "collections.OrderedDict":
			return &pyDict{ordered: true}
		case "builtins.set":
			return &pySet{}
		case "builtins.object":
			return &pyObject{callee: cls, newobj: true}
		}
	}
	return &pyObject{callee: cls, args: args, kwargs: kwargs, newobj: true}
}

func latin1Bytes(s string) []byte {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = append(b, byte(r))
	}
	return b
}

func latin1OrUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

func rawUnicodeEscape(b []byte) string {
	var sb strings.Builder
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && i+1 < len(b) && (b[i+1] == 'u' || b[i+1] == 'U') {
			n := 4
			if b[i+1] == 'U' {
				n = 8
			}
			if i+2+n <= len(b) {
				if v, err := strconv.ParseUint(string(b[i+2:i+2+n]), 16, 32); err == nil {
					sb.WriteRune(rune(v))
					i += 1 + n
					continue
				}
			}
		}
		sb.WriteRune(rune(b[i]))
	}
	return sb.String()
}

func unquotePy2(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) < 2 || (s[0] != '\'' && s[0] != '"') || s[len(s)-1] != s[0] {
		return "", errorf(ErrInvalid, "STRING %q is not quoted", s)
	}
	body := s[1 : len(s)-1]
	var out []byte
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' || i+1 >= len(body) {
			out = append(out, c)
			continue
		}
		i++
		switch e := body[i]; e {
		case 'n':
			out = append(out, '\n')
		case 't':
			out = append(out, '\t')
		case 'r':
			out = append(out, '\r')
		case 'x':
			if i+3 <= len(body) {
				if v, err := strconv.ParseUint(body[i+1:i+3], 16, 8); err == nil {
					out = append(out, byte(v))
					i += 2
					continue
				}
			}
			out = append(out, '\\', 'x')
		default:
			if e >= '0' && e <= '7' {
				j := i
				for j < len(body) && j < i+3 && body[j] >= '0' && body[j] <= '7' {
					j++
				}
				v, _ := strconv.ParseUint(body[i:j], 8, 16)
				out = append(out, byte(v))
				i = j - 1
				continue
			}
			out = append(out, e)
		}
	}
	return latin1OrUTF8(out), nil
}

func goKind(v any) string {
	switch v.(type) {
	case pyNone:
		return "None"
	case bool:
		return "bool"
	case int64, *big.Int, pyHugeInt:
		return "int"
	case *float64:
		return "float"
	case string:
		return "str"
	case *pyBytes:
		return "bytes"
	case *pyList:
		return "list"
	case pyTuple:
		return "tuple"
	case *pyDict:
		return "dict"
	case *pySet:
		return "set"
	case *pyClass:
		return "class"
	case *pyObject:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// grow makes room for n more items, doubling: long lists are built by
// many APPENDS of 1,000 items, and append's growth for large slices
// (1.25x) copies them far more often.
func grow(s []any, n int) []any {
	if len(s)+n <= cap(s) {
		return s
	}
	c := max(2*cap(s), len(s)+n, 8)
	out := make([]any, len(s), c)
	copy(out, s)
	return out
}
