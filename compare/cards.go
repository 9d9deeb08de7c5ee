package compare

import (
	"strconv"
	"strings"

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
