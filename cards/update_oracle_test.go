package cards

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tidwall/gjson"
)

// TestUpdateOracle runs ApplyUpdate through the cases of
// testdata/update_cases.json, the oracle that the TypeScript update
// (frontend/src/cards/native/update.ts) runs too, so the server's copy of
// the rule (used for the compare page and its export) cannot drift from
// the one the live view uses. "same" (object identity) is a TypeScript
// matter and is not checked here.
func TestUpdateOracle(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "update_cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	f := gjson.ParseBytes(b)
	n := 0
	f.Get("cases").ForEach(func(_, tc gjson.Result) bool {
		n++
		name := tc.Get("name").String()
		t.Run(name, func(t *testing.T) {
			card, err := DecodeCard([]byte(f.Get("cards").Get(gjson.Escape(tc.Get("card").String())).Raw))
			if err != nil {
				t.Fatal(err)
			}
			for i, step := range tc.Get("steps").Array() {
				at := fmt.Sprintf("step %d", i+1)
				before := mustMarshal(t, card)
				changed, err := ApplyUpdate(card, json.RawMessage(step.Get("data").Raw))
				if step.Get("error").Bool() {
					if !errors.Is(err, ErrInvalid) {
						t.Errorf("%s: err = %v, want ErrInvalid", at, err)
					}
					if got := mustMarshal(t, card); string(got) != string(before) {
						t.Errorf("%s: a refused update changed the card", at)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s: %v", at, err)
				}
				checkStep(t, at, step, changed, mustMarshal(t, card))
			}
		})
		return true
	})
	if n == 0 {
		t.Fatal("no cases")
	}
}

func checkStep(t *testing.T, at string, step gjson.Result, changed []string, card []byte) {
	t.Helper()
	if want := step.Get("changed"); want.Exists() {
		var ids []string
		for _, v := range want.Array() {
			ids = append(ids, v.String())
		}
		if !slices.Equal(changed, ids) && !(len(changed) == 0 && len(ids) == 0) {
			t.Errorf("%s: changed = %v, want %v", at, changed, ids)
		}
	}
	comps := withType(gjson.GetBytes(card, "components"))
	byID := func(id string) []gjson.Result {
		var out []gjson.Result
		for _, c := range comps {
			if c.Get("id").String() == id {
				out = append(out, c)
			}
		}
		return out
	}
	step.Get("fields").ForEach(func(id, want gjson.Result) bool {
		found := byID(id.String())
		if len(found) == 0 {
			t.Errorf("%s: no component %s", at, id)
		}
		for _, c := range found {
			want.ForEach(func(k, v gjson.Result) bool {
				if got := c.Get(gjson.Escape(k.String())); !jsonEqual([]byte(got.Raw), []byte(v.Raw)) {
					t.Errorf("%s: %s.%s = %s, want %s", at, id, k, got.Raw, v.Raw)
				}
				return true
			})
		}
		return true
	})
	step.Get("absent").ForEach(func(id, keys gjson.Result) bool {
		for _, c := range byID(id.String()) {
			for _, k := range keys.Array() {
				if c.Get(gjson.Escape(k.String())).Exists() {
					t.Errorf("%s: %s has %s", at, id, k)
				}
			}
		}
		return true
	})
	step.Get("keys").ForEach(func(id, keys gjson.Result) bool {
		for _, c := range byID(id.String()) {
			var got, want []string
			c.ForEach(func(k, _ gjson.Result) bool { got = append(got, k.String()); return true })
			for _, k := range keys.Array() {
				want = append(want, k.String())
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: %s keys = %v, want %v", at, id, got, want)
			}
		}
		return true
	})
	step.Get("count").ForEach(func(id, n gjson.Result) bool {
		if got := len(byID(id.String())); got != int(n.Int()) {
			t.Errorf("%s: %d components %s, want %d", at, got, id, n.Int())
		}
		return true
	})
	if want := step.Get("card"); want.Exists() && !jsonEqual(card, []byte(want.Raw)) {
		t.Errorf("%s: card = %s\nwant %s", at, card, want.Raw)
	}
}

// withType is every object with a string "type" below v, in document
// order: the components, table cells and event payloads included (as
// update.test.ts's all()).
func withType(v gjson.Result) []gjson.Result {
	var out []gjson.Result
	var walk func(gjson.Result)
	walk = func(r gjson.Result) {
		switch {
		case r.IsArray():
			r.ForEach(func(_, x gjson.Result) bool { walk(x); return true })
		case r.IsObject():
			if r.Get("type").Type == gjson.String {
				out = append(out, r)
			}
			r.ForEach(func(_, x gjson.Result) bool { walk(x); return true })
		}
	}
	walk(v)
	return out
}
