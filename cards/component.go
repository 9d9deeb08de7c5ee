package cards

import (
	"encoding/json"
	"fmt"
)

// Component is one node of a card's component tree (docs/format.md §10): any JSON
// object in a components list, in a page or section's contents, in a table
// cell or in an eventsTimeline payload. It holds every field it was decoded
// from, in order, whether or not this package knows the type or the field,
// so encoding it gives back what Metaflow wrote. Typed views of the known
// types are in types.go (see As).
//
// A Component shares its state with copies of itself; pass *Component.
type Component struct {
	// Type and ID mirror the "type" and "id" fields; they are "" when the
	// field is missing or not a string. Change them with Set.
	Type string
	ID   string

	hasID bool
	depth int
	obj   Object
}

// nestKey names the field through which a component of type t holds other
// components: the only places Metaflow's UI looks for them.
func nestKey(t string) string {
	switch t {
	case TypePage, TypeSection:
		return "contents"
	case TypeTable:
		return "data"
	case TypeEventsTimeline:
		return "events"
	}
	return ""
}

func decodeComponent(b []byte, depth int) (*Component, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("cards: components nested deeper than %d: %w", maxDepth, ErrInvalid)
	}
	ms, err := splitObject(b)
	if err != nil {
		return nil, fmt.Errorf("cards: component: %v: %w", err, ErrInvalid)
	}
	c := &Component{depth: depth, obj: *objectFrom(ms)}
	c.sync()
	if err := c.expand(); err != nil {
		return nil, err
	}
	return c, nil
}

// sync refreshes Type and ID from the fields.
func (c *Component) sync() {
	c.Type, _ = c.obj.String("type")
	c.ID, c.hasID = c.obj.String("id")
}

// expand splits the nesting field of c's type so its components can be
// walked and updated, and folds back any split field that is not (or no
// longer, after an update changed "type") a nesting field.
func (c *Component) expand() error {
	key := nestKey(c.Type)
	for i := range c.obj.members {
		m := &c.obj.members[i]
		switch {
		case key != "" && m.key == key && m.val.kind == kindRaw:
			v, err := expandNest(key, m.val.raw, c.depth)
			if err != nil {
				return err
			}
			m.val = v
		case m.key != key && m.val.kind != kindRaw:
			m.val = rawValue(m.val.bytes())
		}
	}
	return nil
}

// expandNest splits a nesting field. Shapes other than the expected ones
// stay raw: they are kept, just not walked.
func expandNest(key string, raw []byte, depth int) (*value, error) {
	if jsonKind(raw) != '[' {
		return rawValue(raw), nil
	}
	elems, err := splitArray(raw)
	if err != nil {
		return nil, fmt.Errorf("cards: %s: %v: %w", key, err, ErrInvalid)
	}
	arr := make([]*value, len(elems))
	for i, e := range elems {
		var v *value
		switch key {
		case "contents":
			v, err = componentOrRaw(e, depth+1)
		case "data": // table rows
			v, err = expandRow(e, depth)
		case "events":
			v, err = expandEvent(e, depth)
		default:
			v = rawValue(e)
		}
		if err != nil {
			return nil, err
		}
		arr[i] = v
	}
	return &value{kind: kindArray, arr: arr}, nil
}

func componentOrRaw(b []byte, depth int) (*value, error) {
	if jsonKind(b) != '{' {
		return rawValue(b), nil
	}
	c, err := decodeComponent(b, depth)
	if err != nil {
		return nil, err
	}
	return &value{kind: kindComponent, comp: c}, nil
}

// expandRow splits a table row; cells that are objects are components.
func expandRow(b []byte, depth int) (*value, error) {
	if jsonKind(b) != '[' {
		return rawValue(b), nil
	}
	cells, err := splitArray(b)
	if err != nil {
		return nil, fmt.Errorf("cards: table row: %v: %w", err, ErrInvalid)
	}
	arr := make([]*value, len(cells))
	for i, cell := range cells {
		if arr[i], err = componentOrRaw(cell, depth+1); err != nil {
			return nil, err
		}
	}
	return &value{kind: kindArray, arr: arr}, nil
}

// expandEvent splits an eventsTimeline event so the components in its
// "payloads" object are reachable.
func expandEvent(b []byte, depth int) (*value, error) {
	if jsonKind(b) != '{' {
		return rawValue(b), nil
	}
	ms, err := splitObject(b)
	if err != nil {
		return nil, fmt.Errorf("cards: event: %v: %w", err, ErrInvalid)
	}
	ev := objectFrom(ms)
	for i := range ev.members {
		m := &ev.members[i]
		if m.key != "payloads" || jsonKind(m.val.raw) != '{' {
			continue
		}
		pms, err := splitObject(m.val.raw)
		if err != nil {
			return nil, fmt.Errorf("cards: event payloads: %v: %w", err, ErrInvalid)
		}
		po := objectFrom(pms)
		for j := range po.members {
			if po.members[j].val, err = componentOrRaw(po.members[j].val.raw, depth+1); err != nil {
				return nil, err
			}
		}
		m.val = &value{kind: kindObject, obj: po}
	}
	return &value{kind: kindObject, obj: ev}, nil
}

// eachChild calls f for each component nested directly in c, in order.
func (c *Component) eachChild(f func(*Component)) {
	key := nestKey(c.Type)
	if key == "" {
		return
	}
	v := c.obj.getValue(key)
	if v == nil || v.kind != kindArray {
		return
	}
	for _, e := range v.arr {
		switch {
		case e.kind == kindComponent:
			f(e.comp)
		case e.kind == kindArray: // table row
			for _, cell := range e.arr {
				if cell.kind == kindComponent {
					f(cell.comp)
				}
			}
		case e.kind == kindObject: // event
			if p := e.obj.getValue("payloads"); p != nil && p.kind == kindObject {
				for _, pm := range p.obj.members {
					if pm.val.kind == kindComponent {
						f(pm.val.comp)
					}
				}
			}
		}
	}
}

// Children returns the components nested directly in c: a page or
// section's contents, a table's component cells (row by row), an
// eventsTimeline's payloads.
func (c *Component) Children() []*Component {
	var out []*Component
	c.eachChild(func(k *Component) { out = append(out, k) })
	return out
}

// Contents returns the components of a page or section's contents, nil for
// other types. Entries that are not objects are kept but not listed.
func (c *Component) Contents() []*Component {
	if c.Type != TypePage && c.Type != TypeSection {
		return nil
	}
	return c.Children()
}

// Cell is one table cell: a scalar (Component nil, Value its JSON) or a
// nested component.
type Cell struct {
	Value     json.RawMessage
	Component *Component
}

// Rows returns a table's cells row by row; nil for other types or when
// "data" is not a list. Rows that are not lists are left out.
func (c *Component) Rows() [][]Cell {
	if c.Type != TypeTable {
		return nil
	}
	v := c.obj.getValue("data")
	if v == nil || v.kind != kindArray {
		return nil
	}
	rows := make([][]Cell, 0, len(v.arr))
	for _, r := range v.arr {
		if r.kind != kindArray {
			continue
		}
		row := make([]Cell, len(r.arr))
		for i, cell := range r.arr {
			if cell.kind == kindComponent {
				row[i] = Cell{Value: cell.bytes(), Component: cell.comp}
			} else {
				row[i] = Cell{Value: cell.raw}
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// Walk calls fn for c and then, while fn returns true, for each nested
// component, depth first in order (like go/ast.Inspect: returning false
// skips the children of that component).
func (c *Component) Walk(fn func(*Component) bool) {
	if !fn(c) {
		return
	}
	c.eachChild(func(k *Component) { k.Walk(fn) })
}

// Keys returns the field names in order.
func (c *Component) Keys() []string { return c.obj.Keys() }

// Get returns the JSON of a field.
func (c *Component) Get(key string) (json.RawMessage, bool) { return c.obj.Get(key) }

// String returns a field that is a JSON string.
func (c *Component) String(key string) (string, bool) { return c.obj.String(key) }

// Set sets a field to a JSON value (in place if present, else at the end),
// keeping Type, ID and the nested components in step with it.
func (c *Component) Set(key string, v json.RawMessage) error {
	if err := checkJSON(v, "set "+key); err != nil {
		return err
	}
	c.obj.put(key, rawValue(append([]byte(nil), v...)))
	return c.refresh()
}

// SetString sets a field to a JSON string.
func (c *Component) SetString(key, s string) {
	c.obj.put(key, rawValue(appendString(nil, s)))
	// A string is never a nesting field's shape, so refresh cannot fail.
	_ = c.refresh()
}

// Delete removes a field.
func (c *Component) Delete(key string) {
	c.obj.Delete(key)
	_ = c.refresh()
}

func (c *Component) refresh() error {
	c.sync()
	return c.expand()
}

// MarshalJSON encodes the component with all its fields in order. (A value
// receiver, so that a Component value encodes the same as a pointer.)
func (c Component) MarshalJSON() ([]byte, error) { return c.obj.appendJSON(nil), nil }

// UnmarshalJSON decodes one component object (for example a value of a
// runtime data object).
func (c *Component) UnmarshalJSON(b []byte) error {
	if err := checkJSON(b, "component"); err != nil {
		return err
	}
	if jsonKind(b) != '{' {
		return fmt.Errorf("cards: component: not a JSON object: %w", ErrInvalid)
	}
	d, err := decodeComponent(append([]byte(nil), b...), 0)
	if err != nil {
		return err
	}
	*c = *d
	return nil
}
