package cards

import (
	"bytes"
	"fmt"
)

// Card is a decoded card JSON (docs/format.md §10): {"metadata": {...},
// "components": [...]}, as embedded in template cards and written whole by
// default_json. Encoding it gives back every field it was decoded from.
// Reading a Card from several goroutines is safe; changing it (AnnotateMarkdown,
// Set) needs the caller's lock or a fresh DecodeCard.
type Card struct {
	// Metadata is the "metadata" object: pathspec for every card, plus
	// version, template, metaflow_version, created_at, finished_at, stdout
	// and stderr for the default card.
	Metadata Object
	// Components is the top-level list: one page for blank and error cards,
	// a title and a page for the default card.
	Components []*Component

	// order is the top-level key order as read; rest holds top-level
	// members other than metadata and components.
	order []string
	rest  Object
}

// cardShape checks that b (valid JSON) is a card object: an object whose
// "components" is a list and whose "metadata", if any, is an object.
func cardShape(b []byte) ([]rawMember, error) {
	if jsonKind(b) != '{' {
		return nil, fmt.Errorf("cards: card json: not an object: %w", ErrInvalid)
	}
	ms, err := splitObject(b)
	if err != nil {
		return nil, fmt.Errorf("cards: card json: %v: %w", err, ErrInvalid)
	}
	seen := false
	for _, m := range ms {
		switch m.key {
		case "components":
			if jsonKind(m.raw) != '[' {
				return nil, fmt.Errorf("cards: card json: components is not a list: %w", ErrInvalid)
			}
			seen = true
		case "metadata":
			if jsonKind(m.raw) != '{' {
				return nil, fmt.Errorf("cards: card json: metadata is not an object: %w", ErrInvalid)
			}
		}
	}
	if !seen {
		return nil, fmt.Errorf("cards: card json: no components: %w", ErrInvalid)
	}
	return ms, nil
}

// DecodeCard decodes card JSON into its component tree. The tree keeps
// references into cardJSON; do not modify it afterwards. Errors wrap
// ErrIncomplete when the JSON ends early and ErrInvalid otherwise;
// components nested deeper than 64 levels are an ErrInvalid.
func DecodeCard(cardJSON []byte) (*Card, error) {
	b := bytes.TrimSpace(cardJSON)
	if err := checkJSON(b, "card json"); err != nil {
		return nil, err
	}
	ms, err := cardShape(b)
	if err != nil {
		return nil, err
	}
	c := &Card{}
	seen := make(map[string]bool, len(ms))
	for _, m := range ms {
		if !seen[m.key] {
			seen[m.key] = true
			c.order = append(c.order, m.key)
		}
		switch m.key {
		case "metadata":
			mm, err := splitObject(m.raw)
			if err != nil {
				return nil, fmt.Errorf("cards: metadata: %v: %w", err, ErrInvalid)
			}
			c.Metadata = *objectFrom(mm)
		case "components":
			elems, err := splitArray(m.raw)
			if err != nil {
				return nil, fmt.Errorf("cards: components: %v: %w", err, ErrInvalid)
			}
			c.Components = make([]*Component, 0, len(elems))
			for i, e := range elems {
				if jsonKind(e) != '{' {
					return nil, fmt.Errorf("cards: component %d is not an object: %w", i, ErrInvalid)
				}
				comp, err := decodeComponent(e, 0)
				if err != nil {
					return nil, err
				}
				c.Components = append(c.Components, comp)
			}
		default:
			c.rest.put(m.key, rawValue(m.raw))
		}
	}
	return c, nil
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// MarshalJSON encodes the card with its top-level keys in the order read.
// (A value receiver, so that a Card value encodes the same as a pointer.)
func (c Card) MarshalJSON() ([]byte, error) {
	order := c.order
	if !contains(order, "components") {
		order = append(order[:len(order):len(order)], "components")
	}
	if !contains(order, "metadata") && c.Metadata.Len() > 0 {
		order = append([]string{"metadata"}, order...)
	}
	dst := []byte{'{'}
	n := 0
	for _, k := range order {
		before := len(dst)
		if n > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, k)
		dst = append(dst, ':')
		switch k {
		case "metadata":
			dst = c.Metadata.appendJSON(dst)
		case "components":
			dst = append(dst, '[')
			for i, comp := range c.Components {
				if i > 0 {
					dst = append(dst, ',')
				}
				dst = comp.obj.appendJSON(dst)
			}
			dst = append(dst, ']')
		default:
			v := c.rest.getValue(k)
			if v == nil {
				dst = dst[:before]
				continue
			}
			dst = v.appendJSON(dst)
		}
		n++
	}
	return append(dst, '}'), nil
}

// UnmarshalJSON decodes card JSON (see DecodeCard).
func (c *Card) UnmarshalJSON(b []byte) error {
	d, err := DecodeCard(append([]byte(nil), b...))
	if err != nil {
		return err
	}
	*c = *d
	return nil
}

// Walk calls fn for every component of the card, depth first in order:
// top-level components, page and section contents, table cells and
// eventsTimeline payloads. Returning false skips that component's children.
func (c *Card) Walk(fn func(*Component) bool) {
	for _, comp := range c.Components {
		comp.Walk(fn)
	}
}

// Find returns the first component (in Walk order) with the given id.
func (c *Card) Find(id string) *Component {
	var found *Component
	c.Walk(func(k *Component) bool {
		if found == nil && k.hasID && k.ID == id {
			found = k
		}
		return found == nil
	})
	return found
}
