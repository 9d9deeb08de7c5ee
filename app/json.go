package app

import "encoding/json"

func jsonString(s string) []byte {
	b, _ := json.Marshal(s)
	return b
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte(`{}`)
	}
	return b
}
