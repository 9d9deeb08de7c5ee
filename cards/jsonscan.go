package cards

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// ErrInvalid marks content that is complete but not a card: bad base64,
// JSON that is not a card object, nesting deeper than the decoder allows.
// Reading the file again will not help.
var ErrInvalid = errors.New("cards: invalid card content")

// maxDepth caps how deeply components may nest (page > section > table >
// cell > ...). Real cards nest fewer than ten levels; the cap keeps a
// hostile card from driving the recursive decoder, walker and encoder deep.
const maxDepth = 64

// checkJSON validates b as one JSON document. A document that ends early (a
// file caught mid-write, or cut base64) wraps ErrIncomplete; anything else
// that is not JSON wraps ErrInvalid. Neither check recurses, so deep nesting
// costs no stack.
func checkJSON(b []byte, what string) error {
	if json.Valid(b) {
		return nil
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return fmt.Errorf("cards: %s: empty: %w", what, ErrIncomplete)
	}
	// The decoder tells a value cut at EOF (io.ErrUnexpectedEOF) from a
	// syntax error; a complete value followed by junk decodes fine and is
	// caught by json.Valid above.
	var v json.RawMessage
	err := json.NewDecoder(bytes.NewReader(b)).Decode(&v)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("cards: %s: JSON ends early: %w", what, ErrIncomplete)
	}
	if err == nil {
		err = errors.New("data after the JSON value")
	}
	return fmt.Errorf("cards: %s: %v: %w", what, err, ErrInvalid)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

var errScan = errors.New("malformed JSON")

// skipString returns the index just past the string starting at b[i] == '"'.
func skipString(b []byte, i int) (int, error) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return 0, errScan
}

// skipValue returns the index just past the JSON value starting at b[i].
// It counts brackets instead of recursing, so any depth is fine. Input is
// validated before it gets here; the checks only keep a bug from panicking.
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errScan
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, err := skipString(b, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errScan
	default:
		j := i
		for j < len(b) && !isSpace(b[j]) && b[j] != ',' && b[j] != '}' && b[j] != ']' {
			j++
		}
		if j == i {
			return 0, errScan
		}
		return j, nil
	}
}

// rawMember is one "key": value pair of an object as it appears in the input.
type rawMember struct {
	key string
	raw []byte
}

// splitObject splits a valid JSON object into its members, in input order.
// Values stay as sub-slices of b.
func splitObject(b []byte) ([]rawMember, error) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, errScan
	}
	var out []rawMember
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return out, nil
	}
	for i < len(b) {
		if b[i] != '"' {
			return nil, errScan
		}
		end, err := skipString(b, i)
		if err != nil {
			return nil, err
		}
		key, err := unquote(b[i:end])
		if err != nil {
			return nil, err
		}
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return nil, errScan
		}
		i = skipSpace(b, i+1)
		vend, err := skipValue(b, i)
		if err != nil {
			return nil, err
		}
		out = append(out, rawMember{key: key, raw: b[i:vend]})
		i = skipSpace(b, vend)
		if i >= len(b) {
			return nil, errScan
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return out, nil
		default:
			return nil, errScan
		}
	}
	return nil, errScan
}

// splitArray splits a valid JSON array into its elements.
func splitArray(b []byte) ([][]byte, error) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return nil, errScan
	}
	out := [][]byte{}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return out, nil
	}
	for i < len(b) {
		end, err := skipValue(b, i)
		if err != nil {
			return nil, err
		}
		out = append(out, b[i:end])
		i = skipSpace(b, end)
		if i >= len(b) {
			return nil, errScan
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case ']':
			return out, nil
		default:
			return nil, errScan
		}
	}
	return nil, errScan
}

// unquote decodes a JSON string literal. Most keys and ids have no escapes,
// and those skip encoding/json.
func unquote(b []byte) (string, error) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return "", errScan
	}
	in := b[1 : len(b)-1]
	plain := utf8.Valid(in)
	for _, c := range in {
		if c == '\\' || c < 0x20 {
			plain = false
			break
		}
	}
	if plain {
		return string(in), nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return "", err
	}
	return s, nil
}

// jsonKind reports the kind of the value starting at the first non-space
// byte: '{', '[', '"', 'n' (null), 't'/'f', or a digit/minus for numbers.
func jsonKind(b []byte) byte {
	i := skipSpace(b, 0)
	if i >= len(b) {
		return 0
	}
	return b[i]
}

func rawString(b []byte) (string, bool) {
	b = bytes.TrimSpace(b)
	if jsonKind(b) != '"' {
		return "", false
	}
	s, err := unquote(b)
	return s, err == nil
}

// appendString appends s as a JSON string literal. Unlike encoding/json it
// leaves <, > and & alone: the output is JSON for the app, not HTML.
func appendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			// Valid JSON, but not valid inside a JavaScript string before
			// ES2019; escaping costs nothing.
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}
