package wire

import (
	"encoding/json"
	"time"
)

// Time marshals as RFC 3339 with milliseconds, or null when unknown (zero).
//
// tsgen:type string | null
type Time time.Time

// MarshalJSON writes the time in UTC, or null.
func (t Time) MarshalJSON() ([]byte, error) {
	tt := time.Time(t)
	if tt.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + tt.UTC().Format("2006-01-02T15:04:05.000Z07:00") + `"`), nil
}

// OptString marshals "" as null: an optional string is never "" on the wire.
//
// tsgen:type string | null
type OptString string

// MarshalJSON writes the string, or null when it is empty.
func (s OptString) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(s))
}

// NonNil makes a nil slice an empty one, so a list is [] and never null.
func NonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
