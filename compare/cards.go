package compare

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"flowdeck/cards"
	"flowdeck/datastore"
)

// matchKey identifies "the same card" across runs: its step, type and id,
// the foreach index of its task, and its position among the task's cards
// with the same type and id (a task may add two default cards).
type matchKey struct {
	step, typ, id string
	foreach, nth  int
}

// matchCards lists the cards of the latest attempt of every task, matched
// across runs, in the order of the first run that has each.
func matchCards(details []datastore.RunDetail) []CardMatch {
	out := []CardMatch{}
	at := map[matchKey]int{}
	for ri, d := range details {
		for _, s := range d.Steps {
			for pos, t := range s.Tasks {
				fi := t.ForeachIndex
				if fi < 0 && len(s.Tasks) > 1 {
					// No foreach index recorded (Metaflow before 2.14.1):
					// the task's place in the step stands in.
					fi = pos
				}
				nth := map[[2]string]int{}
				for _, c := range t.Cards {
					if c.Attempt != t.Attempt {
						continue
					}
					tid := [2]string{c.Type, c.ID}
					k := matchKey{step: s.Name, typ: c.Type, id: c.ID, foreach: fi, nth: nth[tid]}
					nth[tid]++
					i, ok := at[k]
					if !ok {
						i = len(out)
						at[k] = i
						out = append(out, CardMatch{Step: s.Name, Type: c.Type, ID: c.ID, ForeachIndex: fi,
							Label: label(k, len(s.Tasks) > 1), Keys: make([]string, len(details))})
					}
					if out[i].Keys[ri] == "" {
						out[i].Keys[ri] = c.Key
					}
				}
			}
		}
	}
	return out
}

func label(k matchKey, many bool) string {
	var b strings.Builder
	b.WriteString(k.step)
	if many {
		b.WriteString("[" + strconv.Itoa(k.foreach) + "]")
	}
	b.WriteString(" · " + k.typ)
	if k.id != "" {
		b.WriteString("#" + k.id)
	}
	if k.nth > 0 {
		b.WriteString(" (" + strconv.Itoa(k.nth+1) + ")")
	}
	return b.String()
}

// valueBoxRows has one row per ValueBox of each matched card, named by
// its title (else its id, else its place in the card), with the values
// the card shows now: its tree with the newest runtime data applied.
func valueBoxRows(ctx context.Context, ix *datastore.Index, matches []CardMatch) ([]Row, error) {
	var rows []Row
	for _, m := range matches {
		var names []string
		values := make([]map[string]string, len(m.Keys))
		for ri, key := range m.Keys {
			if key == "" {
				continue
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			tree := liveTree(ctx, ix, key)
			if tree == nil {
				continue
			}
			values[ri] = map[string]string{}
			n := 0
			tree.Walk(func(c *cards.Component) bool {
				if c.Type != cards.TypeValueBox {
					return true
				}
				n++
				value, ok := c.Get("value")
				if !ok {
					return true
				}
				title, _ := c.String("title")
				name := cmp.Or(title, c.ID, fmt.Sprintf("value box %d", n))
				if _, dup := values[ri][name]; dup {
					name = fmt.Sprintf("%s (%d)", name, n)
				}
				values[ri][name] = scalar(value)
				if !slices.Contains(names, name) {
					names = append(names, name)
				}
				return true
			})
		}
		for _, n := range names {
			row := Row{Group: GroupValueBox, Name: n, Detail: m.Label, Values: make([]*string, len(m.Keys))}
			for ri := range m.Keys {
				if v, ok := values[ri][n]; ok {
					row.Values[ri] = &v
				}
			}
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// liveTree is the card's component tree with its newest runtime data
// applied when the data fits the HTML (same reload token, or "final";
// docs/format.md §12), or nil when the card has no tree.
func liveTree(ctx context.Context, ix *datastore.Index, key string) *cards.Card {
	cc, err := ix.CardContent(ctx, key)
	if err != nil || cc.Tree == nil {
		return nil
	}
	// The cached tree is shared: apply the data to a copy.
	b, err := json.Marshal(cc.Tree)
	if err != nil {
		return nil
	}
	tree, err := cards.DecodeCard(b)
	if err != nil {
		return nil
	}
	if cc.Card.Data == nil {
		return tree
	}
	if _, d, err := ix.CardData(ctx, key); err == nil && (d.ReloadToken == cc.Token || d.ReloadToken == "final") {
		// Data that is not a map of components (a custom card) leaves the
		// tree as written.
		_, _ = cards.ApplyUpdate(tree, d.Data)
	}
	return tree
}

// scalar is a ValueBox value as the card shows it: a string without its
// quotes, a number as written.
func scalar(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	return strings.TrimSpace(string(v))
}
