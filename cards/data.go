package cards

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/tidwall/gjson"
)

// Data is a runtime data JSON file (runtime/<name>.data.json).
type Data struct {
	ReloadToken string `json:"reload_token"`
	// Data maps component ids to component objects for template cards; for
	// custom cards it is whatever the card's refresh() returned.
	Data json.RawMessage `json:"data"`
	// CreatedOn is epoch seconds; absent before Metaflow 2.11.4.
	CreatedOn *float64 `json:"created_on,omitempty"`
}

// ErrIncomplete marks content that looks cut off or empty: a file caught
// mid-write by a reader (writers older than Metaflow 2.19.20 write in
// place). Callers keep the previous state and read again shortly.
var ErrIncomplete = errors.New("cards: incomplete file")

// ParseData parses a runtime data JSON file.
func ParseData(b []byte) (Data, error) {
	if len(b) == 0 {
		return Data{}, fmt.Errorf("cards: data json: empty: %w", ErrIncomplete)
	}
	if !gjson.ValidBytes(b) {
		return Data{}, fmt.Errorf("cards: data json: invalid JSON: %w", ErrIncomplete)
	}
	var d Data
	if err := json.Unmarshal(b, &d); err != nil {
		return Data{}, fmt.Errorf("cards: data json: %v: %w", err, ErrInvalid)
	}
	tok := gjson.GetBytes(b, "reload_token")
	if !tok.Exists() || tok.Type != gjson.String {
		return Data{}, fmt.Errorf("cards: data json: no reload_token string: %w", ErrInvalid)
	}
	if len(d.Data) == 0 {
		d.Data = json.RawMessage("null")
	}
	return d, nil
}
