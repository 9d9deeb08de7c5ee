package cards

import (
	"bytes"
	"encoding/base64"
)

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
// error card holds one message (at most a stack trace), so its data is
// small, and the index does not decode bigger cards' data for this on
// every token read.
const maxErrorCardData = 64 << 10

// Cards with more base64 data than fullScanData are decoded in full only
// when the first prefixData characters (the metadata and the first page's
// title) hold "Error Card".
const (
	fullScanData = 8 << 10
	prefixData   = 2048
)

// decodePrefix decodes the first n characters (a multiple of 4) of
// standard base64, or what of them decodes.
func decodePrefix(enc []byte, n int) []byte {
	if len(enc) < n {
		n = len(enc)
	}
	n -= n % 4
	out := make([]byte, base64.StdEncoding.DecodedLen(n))
	m, _ := base64.StdEncoding.Decode(out, enc[:n])
	return out[:m]
}

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
	if len(enc) > fullScanData && !bytes.Contains(decodePrefix(enc, prefixData), []byte("Error Card")) {
		// A bigger card is an error card only if its page, right after the
		// short metadata, is titled so: no need to decode the rest.
		return false
	}
	js, err := decodeBase64(enc)
	if err != nil {
		return false
	}
	c, err := DecodeCard(js)
	return err == nil && c.IsErrorCard()
}
