// Package cards reads Metaflow card files: their names, the card HTML (reload
// token, embedded card JSON), runtime data JSON, the component tree, and the
// update semantics of Metaflow's metaflow_card_update. It never runs card
// code and never writes files.
package cards

import (
	"errors"
	"fmt"
	"strings"
)

// FileKind tells a card HTML file from a runtime data JSON file.
type FileKind int

const (
	HTMLFile FileKind = iota + 1
	DataFile
)

// Name is a parsed card file name: <type>[-<id>]-<uuid>.html or
// <type>[-<id>]-<uuid>.data.json.
type Name struct {
	Type string
	ID   string
	UUID string
	Kind FileKind
}

// Stem is the file name without extension, shared by a card and its data.
func (n Name) Stem() string {
	if n.ID != "" {
		return n.Type + "-" + n.ID + "-" + n.UUID
	}
	return n.Type + "-" + n.UUID
}

// ErrBadName is returned for file names that are not card file names.
var ErrBadName = errors.New("cards: not a card file name")

// ParseName parses a card file name (not a path). Names of files caught
// mid-write (tmp*) are rejected like any other name that does not parse.
func ParseName(file string) (Name, error) {
	var n Name
	var stem string
	switch {
	case strings.HasSuffix(file, ".data.json"):
		n.Kind, stem = DataFile, strings.TrimSuffix(file, ".data.json")
	case strings.HasSuffix(file, ".html"):
		n.Kind, stem = HTMLFile, strings.TrimSuffix(file, ".html")
	default:
		return Name{}, fmt.Errorf("%w: %q: unknown extension", ErrBadName, file)
	}
	if strings.HasPrefix(file, "tmp") && !strings.Contains(stem, "-") {
		return Name{}, fmt.Errorf("%w: %q: temporary file", ErrBadName, file)
	}
	parts := strings.Split(stem, "-")
	switch len(parts) {
	case 2:
		n.Type, n.UUID = parts[0], parts[1]
	case 3:
		n.Type, n.ID, n.UUID = parts[0], parts[1], parts[2]
	default:
		return Name{}, fmt.Errorf("%w: %q: want type[-id]-uuid", ErrBadName, file)
	}
	if !isWord(n.Type) {
		return Name{}, fmt.Errorf("%w: %q: bad type", ErrBadName, file)
	}
	if len(parts) == 3 && !isWord(n.ID) {
		return Name{}, fmt.Errorf("%w: %q: bad id", ErrBadName, file)
	}
	if !isUUID(n.UUID) {
		return Name{}, fmt.Errorf("%w: %q: bad uuid", ErrBadName, file)
	}
	return n, nil
}

// isWord matches Metaflow's ^[a-zA-Z0-9_]+$ for card types and ids.
func isWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// isUUID matches a uuid4 hex string without hyphens (32 lowercase hex).
func isUUID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// IsUUID reports whether s looks like a card uuid (32 lowercase hex), which
// is how card-info metadata files are named (sysmeta_<uuid>_<ts>.json).
func IsUUID(s string) bool { return isUUID(s) }
