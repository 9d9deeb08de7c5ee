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

// ParseData parses a runtime data JSON file. An empty file or JSON that
// ends early is ErrIncomplete (a reader caught the file mid-write: read it
// again); complete content that is not JSON, or JSON that is not a data
// file, is ErrInvalid (reading again will not help).
//
// The fields are read with gjson: Data stays the raw bytes of the file, in
// its order, for the frontend to apply.
func ParseData(b []byte) (Data, error) {
	if err := checkJSON(b, "data json"); err != nil {
		return Data{}, err
	}
	root := gjson.ParseBytes(b)
	if !root.IsObject() {
		return Data{}, fmt.Errorf("cards: data json: not an object: %w", ErrInvalid)
	}
	tok := root.Get("reload_token")
	if tok.Type != gjson.String {
		return Data{}, fmt.Errorf("cards: data json: no reload_token string: %w", ErrInvalid)
	}
	d := Data{ReloadToken: tok.Str, Data: json.RawMessage("null")}
	if v := root.Get("data"); v.Exists() {
		d.Data = json.RawMessage(v.Raw)
	}
	switch c := root.Get("created_on"); c.Type {
	case gjson.Number:
		f := c.Num
		d.CreatedOn = &f
	case gjson.Null: // absent, or null: written before Metaflow 2.11.4
	default:
		return Data{}, fmt.Errorf("cards: data json: created_on is not a number: %w", ErrInvalid)
	}
	return d, nil
}
