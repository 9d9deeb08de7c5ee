package cards

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/tidwall/gjson"
)

// TestUpdateCasesCards: testdata/update_cases.json is the oracle of the
// card update rule, whose one implementation is
// frontend/src/cards/native/update.ts (update.test.ts runs the cases). The
// cases start from cards as the Go side serves them, so every card in the
// file must decode here and come back from the order-preserving encoder as
// the same JSON (key order is part of what the cases check), and every case
// must name one of them.
func TestUpdateCasesCards(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "update_cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(b) {
		t.Fatal("update_cases.json is not JSON")
	}
	f := gjson.ParseBytes(b)
	n := 0
	f.Get("cards").ForEach(func(name, card gjson.Result) bool {
		n++
		c, err := DecodeCard([]byte(card.Raw))
		if err != nil {
			t.Errorf("card %s: %v", name, err)
			return true
		}
		if got, want := compact(t, mustMarshal(t, c)), compact(t, []byte(card.Raw)); got != want {
			t.Errorf("card %s round trip:\n got %s\nwant %s", name, got, want)
		}
		return true
	})
	f.Get("cases").ForEach(func(_, tc gjson.Result) bool {
		if name := tc.Get("card").String(); !f.Get("cards").Get(gjson.Escape(name)).Exists() {
			t.Errorf("case %q: no card %q", tc.Get("name").String(), name)
		}
		if len(tc.Get("steps").Array()) == 0 {
			t.Errorf("case %q has no steps", tc.Get("name").String())
		}
		return true
	})
	if n == 0 {
		t.Error("no cards")
	}
}
