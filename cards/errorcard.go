package cards

import "bytes"

// errorCardSection is the title of the one section of Metaflow's error
// card (card_modules/basic.py ErrorCard, the same from 2.11 to 2.19): what
// Metaflow saves, under the requested card's name, when a card fails to
// render (docs/format.md, "Failures, retries, error cards").
const errorCardSection = "Card Render Failed With Error"

// IsErrorCard reports whether the card is Metaflow's error card: a page
// holding a section titled "Card Render Failed With Error". A user card
// with such a section deep inside does not count: only a top-level page's
// own section does.
func (c *Card) IsErrorCard() bool {
	for _, page := range c.Components {
		if page.Type != "page" {
			continue
		}
		for _, s := range page.Contents() {
			if t, _ := s.String("title"); s.Type == "section" && t == errorCardSection {
				return true
			}
		}
	}
	return false
}

// maxErrorCardData bounds the base64 an error card is looked for in: an
// error card holds one message, so its data is small, and bigger cards are
// not decoded for this.
const maxErrorCardData = 256 << 10

// ScanErrorCard reports whether a template card's HTML, or its first bytes
// (the embedded card JSON comes before Metaflow's JavaScript bundle), is an
// error card. It is false when it cannot tell: no complete __MF_DATA__
// assignment in b, or card JSON that does not decode.
func ScanErrorCard(b []byte) bool {
	if !bytes.Contains(b, mfDataMarker) {
		return false
	}
	id, hasID := scanAssign(b, dataIDName)
	_, enc, err := findData(b, id, hasID)
	if err != nil || len(enc) > maxErrorCardData {
		return false
	}
	js, err := decodeBase64(enc)
	if err != nil {
		return false
	}
	c, err := DecodeCard(js)
	return err == nil && c.IsErrorCard()
}
