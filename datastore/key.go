package datastore

import (
	"encoding/base64"
	"strings"
)

// CardKey makes the opaque, URL-safe key of a card file. It encodes where
// the card lives so a card of a run not read yet can be found, but it is
// only ever used to look the card up in the index, never as a path.
func CardKey(flow, run, step, task, stem string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(flow + "/" + run + "/" + step + "/" + task + "/" + stem))
}

type cardRef struct{ flow, run, step, task, stem string }

func parseCardKey(key string) (cardRef, bool) {
	if len(key) == 0 || len(key) > 1024 {
		return cardRef{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(key)
	if err != nil {
		return cardRef{}, false
	}
	parts := strings.Split(string(b), "/")
	if len(parts) != 5 {
		return cardRef{}, false
	}
	for _, p := range parts {
		if p == "" || p == "." || p == ".." {
			return cardRef{}, false
		}
	}
	return cardRef{parts[0], parts[1], parts[2], parts[3], parts[4]}, true
}
