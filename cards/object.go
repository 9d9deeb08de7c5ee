package cards

import (
	"encoding/json"
	"fmt"
)

// valueKind says how a value is held.
type valueKind uint8

const (
	kindRaw       valueKind = iota // bytes as read (scalars and subtrees nobody looks into)
	kindObject                     // split into ordered members
	kindArray                      // split into elements
	kindComponent                  // a component object
)

// value is one JSON value of a card tree. Most values stay as the bytes they
// were read from; only the places that can hold components are split up.
// A decode then costs little more than a validation, and encoding
// reproduces every field, known or not, in its order.
type value struct {
	kind valueKind
	raw  []byte
	obj  *Object
	arr  []*value
	comp *Component
}

func rawValue(b []byte) *value { return &value{kind: kindRaw, raw: b} }

func (v *value) appendJSON(dst []byte) []byte {
	switch v.kind {
	case kindObject:
		return v.obj.appendJSON(dst)
	case kindArray:
		dst = append(dst, '[')
		for i, e := range v.arr {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = e.appendJSON(dst)
		}
		return append(dst, ']')
	case kindComponent:
		return v.comp.obj.appendJSON(dst)
	}
	return append(dst, v.raw...)
}

// bytes returns the value as JSON, encoding split values afresh.
func (v *value) bytes() []byte {
	if v.kind == kindRaw {
		return v.raw
	}
	return v.appendJSON(nil)
}

type member struct {
	key string
	val *value
}

// indexAbove is the member count from which an Object keeps a key index, so
// a hostile object with many keys costs linear, not quadratic, time.
const indexAbove = 32

// Object is a JSON object that keeps its members in order. Card metadata
// and every component are Objects. A key given twice keeps its first
// position and its last value, as JSON.parse does.
type Object struct {
	members []member
	index   map[string]int
}

func (o *Object) find(key string) int {
	if o.index != nil {
		if i, ok := o.index[key]; ok {
			return i
		}
		return -1
	}
	for i := range o.members {
		if o.members[i].key == key {
			return i
		}
	}
	return -1
}

// put sets key to v: in place when the key exists, else appended at the
// end, which is how JavaScript's Object.assign orders keys.
func (o *Object) put(key string, v *value) {
	if i := o.find(key); i >= 0 {
		o.members[i].val = v
		return
	}
	o.members = append(o.members, member{key: key, val: v})
	switch {
	case o.index != nil:
		o.index[key] = len(o.members) - 1
	case len(o.members) > indexAbove:
		o.index = make(map[string]int, len(o.members))
		for i, m := range o.members {
			o.index[m.key] = i
		}
	}
}

func (o *Object) getValue(key string) *value {
	if o == nil {
		return nil
	}
	if i := o.find(key); i >= 0 {
		return o.members[i].val
	}
	return nil
}

// Len returns the number of members.
func (o *Object) Len() int { return len(o.members) }

// Keys returns the member names in order.
func (o *Object) Keys() []string {
	keys := make([]string, len(o.members))
	for i, m := range o.members {
		keys[i] = m.key
	}
	return keys
}

// Get returns the JSON of a member. It may share memory with the tree:
// do not modify it.
func (o *Object) Get(key string) (json.RawMessage, bool) {
	v := o.getValue(key)
	if v == nil {
		return nil, false
	}
	return v.bytes(), true
}

// String returns a member that is a JSON string; ok is false when the member
// is missing or not a string.
func (o *Object) String(key string) (s string, ok bool) {
	v := o.getValue(key)
	if v == nil || v.kind != kindRaw {
		return "", false
	}
	return rawString(v.raw)
}

// Set sets a member to the JSON value v, in place when the key exists and
// at the end otherwise.
func (o *Object) Set(key string, v json.RawMessage) error {
	if err := checkJSON(v, "set "+key); err != nil {
		return err
	}
	o.put(key, rawValue(append([]byte(nil), v...)))
	return nil
}

// SetString sets a member to a JSON string.
func (o *Object) SetString(key, s string) {
	o.put(key, rawValue(appendString(nil, s)))
}

// Delete removes a member.
func (o *Object) Delete(key string) {
	i := o.find(key)
	if i < 0 {
		return
	}
	o.members = append(o.members[:i], o.members[i+1:]...)
	o.index = nil
	if len(o.members) > indexAbove {
		o.index = make(map[string]int, len(o.members))
		for j, m := range o.members {
			o.index[m.key] = j
		}
	}
}

func (o *Object) appendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	for i, m := range o.members {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, m.key)
		dst = append(dst, ':')
		dst = m.val.appendJSON(dst)
	}
	return append(dst, '}')
}

// MarshalJSON encodes the object with its members in order.
func (o Object) MarshalJSON() ([]byte, error) { return o.appendJSON(nil), nil }

// UnmarshalJSON reads a JSON object, keeping member order.
func (o *Object) UnmarshalJSON(b []byte) error {
	if err := checkJSON(b, "object"); err != nil {
		return err
	}
	if jsonKind(b) != '{' {
		return fmt.Errorf("cards: object: not a JSON object: %w", ErrInvalid)
	}
	ms, err := splitObject(b)
	if err != nil {
		return fmt.Errorf("cards: object: %v: %w", err, ErrInvalid)
	}
	*o = Object{}
	own := append([]byte(nil), b...)
	for _, m := range ms {
		o.put(m.key, rawValue(rebase(own, b, m.raw)))
	}
	return nil
}

// rebase maps sub, a sub-slice of orig, onto the same range of cp, a copy of
// orig, so an Object does not keep the caller's buffer.
func rebase(cp, orig, sub []byte) []byte {
	if len(sub) == 0 {
		return sub
	}
	off := cap(orig) - cap(sub)
	return cp[off : off+len(sub) : off+len(sub)]
}

// objectFrom builds an Object from split members, each value held raw.
func objectFrom(ms []rawMember) *Object {
	o := &Object{}
	for _, m := range ms {
		o.put(m.key, rawValue(m.raw))
	}
	return o
}
