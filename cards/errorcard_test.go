package cards

import (
	"strings"
	"testing"

	corpus "flowdeck/internal/fixture"
)

// TestScanErrorCard: Metaflow's error card is told from the card it
// stands in for by its content, in the whole file and in a head of it as
// the index reads; real cards of every fixture are not error cards. The
// error card is a real template page with the card JSON Metaflow 2.19.38
// wrote for an unknown card type (seen in an S3 datastore run kept out of
// the fixtures: the corpus_always type was not installed there).
func TestScanErrorCard(t *testing.T) {
	const blank = "failing/.metaflow/mf.cards/FailingFlow/runs/1795642652721113/steps/work/tasks/2/cards/blank-live-892b9394b7ff45cab05d7c0080abd629.html"
	tpl := fixture(t, blank)
	if ScanErrorCard(tpl) {
		t.Fatal("a live blank card reads as an error card")
	}
	ec := corpus.ErrorCardHTML(t, tpl, "FailingFlow/1795642652721113/work/2", "MetaflowCard named no_such_card_type not found.")
	if !ScanErrorCard(ec) {
		t.Error("error card not recognised")
	}
	// The fixtures' cards have Metaflow's bundle cut out; the head the
	// index reads ends anywhere after the data.
	if !ScanErrorCard(ec[:len(ec)-40]) {
		t.Error("error card not recognised in a head of the file")
	}
	// A long stack trace: the data is past the size decoded in full.
	long := corpus.ErrorCardHTML(t, tpl, "FailingFlow/1795642652721113/work/2", strings.Repeat("Traceback line\n", 2000))
	if !ScanErrorCard(long) {
		t.Error("an error card with a long trace not recognised")
	}
	p, err := Parse(ec)
	if err != nil {
		t.Fatal(err)
	}
	c, err := DecodeCard(p.CardJSON)
	if err != nil || !c.IsErrorCard() {
		t.Errorf("IsErrorCard = false (%v)", err)
	}
	// A user's section of that title inside a card is not an error card.
	nested := mustDecode(t, `{"components": [{"type": "page", "title": "P", "contents": [{"type": "section", "title": "S", "contents": [
		{"type": "section", "title": "Card Render Failed With Error", "contents": []}]}]}]}`)
	if nested.IsErrorCard() {
		t.Error("a nested section counts as an error card")
	}
	// The one real error card of the fixtures (the S3 fixture's custom
	// card, whose renderer raised: its page is "Error Card") is one; no
	// other card is.
	const realError = "s3/objects/mf.cards/LiveCardFlow/runs/1796421129123342/steps/train/tasks/2/cards/corpus_always-custom-db0294739a2c459583992dfdbbb60ed2.html"
	seen := false
	for _, rel := range cardFiles(t) {
		got := ScanErrorCard(fixture(t, rel))
		switch {
		case rel == realError:
			seen = true
			if !got {
				t.Errorf("%s: Metaflow's own error card is not recognised", rel)
			}
		case got:
			t.Errorf("%s: a real card reads as an error card", rel)
		}
	}
	if !seen {
		t.Errorf("the fixtures no longer hold %s", realError)
	}
}

// BenchmarkScanErrorCard: the cost the index adds to reading a card's
// token, on a real default card (not an error card: its data is decoded
// and looked through).
func BenchmarkScanErrorCard(b *testing.B) {
	html := fixture(b, fxDefault)
	b.SetBytes(int64(len(html)))
	for b.Loop() {
		if ScanErrorCard(html) {
			b.Fatal("an error card")
		}
	}
}
