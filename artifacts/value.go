package artifacts

import (
	"errors"
	"flowdeck/wire"
)

// Value is one node of a decoded artifact (wire.ValueNode: the JSON the API
// sends and the frontend renders).
type Value = wire.ValueNode

// Entry is one key/value pair of a dict (wire.ValueEntry).
type Entry = wire.ValueEntry

// Field is a named part of an object's state or of a namedtuple (wire.ValueField).
type Field = wire.ValueField

// Column is one column of a DataFrame (wire.ValueColumn).
type Column = wire.ValueColumn

// Value kinds.
const (
	KindNone      = "none"
	KindBool      = "bool"
	KindInt       = "int"
	KindFloat     = "float"
	KindStr       = "str"
	KindBytes     = "bytes"
	KindList      = "list"
	KindTuple     = "tuple"
	KindSet       = "set"
	KindFrozenset = "frozenset"
	KindDict      = "dict"
	KindDatetime  = "datetime"
	KindDate      = "date"
	KindTime      = "time"
	KindTimedelta = "timedelta"
	KindDecimal   = "decimal"
	KindFraction  = "fraction"
	KindUUID      = "uuid"
	KindPath      = "path"
	KindNdarray   = "ndarray"
	KindNumpy     = "numpy"
	KindDataFrame = "dataframe"
	KindSeries    = "series"
	KindObject    = "object"
	KindError     = "error"
)

// Sentinel errors that Decode's error wraps.
var (
	// ErrUnsafe: the pickle asks to call something that is not a known
	// safe constructor (os.system, eval, ...). It was not called.
	ErrUnsafe = errors.New("pickle calls something that is not a safe constructor")
	// ErrTruncated: the stream ends before its STOP opcode.
	ErrTruncated = errors.New("pickle stream is truncated")
	// ErrTooLarge: a size limit (bytes, values, stack, memo) was reached.
	ErrTooLarge = errors.New("pickle is too large")
	// ErrInvalid: the stream is not a pickle this reader understands.
	ErrInvalid = errors.New("not a valid pickle")
)

// Limits cap a decode; zero fields take the defaults.
type Limits struct {
	MaxDepth  int   // nesting levels shown (64)
	MaxItems  int   // items shown per container or array (10,000)
	MaxBytes  int64 // uncompressed pickle bytes (64 MiB)
	MaxValues int   // values kept while reading the stream (4,000,000)
	MaxNodes  int   // Values in the result tree (200,000)
	MaxStr    int   // characters kept of a str, bytes kept of a bytes (200,000)
	MaxRows   int   // DataFrame / Series rows shown (20)
}

// Default limits.
const (
	DefaultMaxDepth  = 64
	DefaultMaxItems  = 10000
	DefaultMaxBytes  = 64 << 20
	DefaultMaxValues = 4000000
	DefaultMaxNodes  = 200000
	DefaultMaxStr    = 200000
	DefaultMaxRows   = 20
)

func (l Limits) withDefaults() Limits {
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxItems <= 0 {
		l.MaxItems = DefaultMaxItems
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxValues <= 0 {
		l.MaxValues = DefaultMaxValues
	}
	if l.MaxNodes <= 0 {
		l.MaxNodes = DefaultMaxNodes
	}
	if l.MaxStr <= 0 {
		l.MaxStr = DefaultMaxStr
	}
	if l.MaxRows <= 0 {
		l.MaxRows = DefaultMaxRows
	}
	return l
}

func intLen(n int) *int64 { v := int64(n); return &v }
