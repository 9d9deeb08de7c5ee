package artifacts

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// reprMax is the length of a repr in runes; a longer one is cut and ends
// in "…".
const reprMax = 200

func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// pyFloatRepr formats f as Python's repr(float) does: the shortest digits
// that read back to f, fixed notation for exponents -4..15, otherwise
// scientific with at least two exponent digits.
func pyFloatRepr(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(f, 'e', -1, bits) // d.ddde±XX
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant, expS, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expS)
	digits := strings.Replace(mant, ".", "", 1)
	var out string
	if exp >= -4 && exp < 16 {
		if exp >= 0 {
			if len(digits) <= exp+1 {
				out = digits + strings.Repeat("0", exp+1-len(digits)) + ".0"
			} else {
				out = digits[:exp+1] + "." + digits[exp+1:]
			}
		} else {
			out = "0." + strings.Repeat("0", -exp-1) + digits
		}
	} else {
		m := digits[:1]
		if len(digits) > 1 {
			m += "." + digits[1:]
		}
		sign := "+"
		if exp < 0 {
			sign, exp = "-", -exp
		}
		out = fmt.Sprintf("%se%s%02d", m, sign, exp)
	}
	if neg {
		out = "-" + out
	}
	return out
}

// pyStrRepr is Python's repr(str) of the first runes of s (enough for a
// cut repr).
func pyStrRepr(s string) string {
	if len(s) > 4*reprMax {
		s = s[:4*reprMax]
		for !utf8.ValidString(s) && len(s) > 0 {
			s = s[:len(s)-1]
		}
	}
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	var b strings.Builder
	b.WriteByte(quote)
	for i, w := 0, 0; i < len(s); i += w {
		r, width := utf8.DecodeRuneInString(s[i:])
		w = width
		if r == utf8.RuneError && width == 1 {
			// A lone surrogate or a broken byte (surrogatepass pickles).
			fmt.Fprintf(&b, "\\x%02x", s[i])
			continue
		}
		switch {
		case r == rune(quote) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\x%02x", r)
		case r < 0x7f:
			b.WriteRune(r)
		case isPrintable(r):
			b.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(&b, "\\x%02x", r)
		case r <= 0xffff:
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			fmt.Fprintf(&b, "\\U%08x", r)
		}
	}
	b.WriteByte(quote)
	return b.String()
}

// isPrintable approximates Python's str.isprintable for one rune: not in
// the Unicode categories Other (Cc, Cf, Cs, Co, Cn) or Separator other than
// the ASCII space.
func isPrintable(r rune) bool {
	if r == ' ' {
		return true
	}
	if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Cs, unicode.Co, unicode.Zs, unicode.Zl, unicode.Zp) {
		return false
	}
	return unicode.IsPrint(r) || unicode.IsGraphic(r)
}

// pyBytesRepr is Python's repr(bytes) of the first bytes of b.
func pyBytesRepr(b []byte) string {
	if len(b) > reprMax {
		b = b[:reprMax]
	}
	quote := byte('\'')
	if strings.IndexByte(string(b), '\'') >= 0 && strings.IndexByte(string(b), '"') < 0 {
		quote = '"'
	}
	var s strings.Builder
	s.WriteString("b")
	s.WriteByte(quote)
	for _, c := range b {
		switch {
		case c == quote || c == '\\':
			s.WriteByte('\\')
			s.WriteByte(c)
		case c == '\n':
			s.WriteString(`\n`)
		case c == '\r':
			s.WriteString(`\r`)
		case c == '\t':
			s.WriteString(`\t`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&s, "\\x%02x", c)
		default:
			s.WriteByte(c)
		}
	}
	s.WriteByte(quote)
	return s.String()
}

// joinRepr builds a container's repr from its items' reprs, stopping once
// it is long enough to be cut; more says items were left out.
func joinRepr(open string, items []string, more bool, close string) string {
	var b strings.Builder
	b.WriteString(open)
	for i, s := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(s)
		if b.Len() > 4*reprMax {
			return cut(b.String(), reprMax)
		}
	}
	if more {
		if len(items) > 0 {
			b.WriteString(", ")
		}
		b.WriteString("…")
	}
	b.WriteString(close)
	return cut(b.String(), reprMax)
}

func bigRepr(v *big.Int) string { return v.String() }

// Preview is the one-line preview of a small simple value for artifact
// lists ("0.0684", "'item_003'", "[1, 2, 3]", "True"); "" when the value is
// not small and simple.
func Preview(v *Value) string {
	const max = 60
	if v == nil || v.Kind == KindError || v.Truncated || v.Repr == "" {
		return ""
	}
	switch v.Kind {
	case KindObject, KindNdarray, KindDataFrame, KindSeries:
		return ""
	case KindList, KindTuple, KindSet, KindFrozenset, KindDict:
		if !simpleChildren(v) {
			return ""
		}
	}
	if utf8.RuneCountInString(v.Repr) > max || strings.HasSuffix(v.Repr, "…") {
		return ""
	}
	return v.Repr
}

func simpleChildren(v *Value) bool {
	if v.Len != nil && *v.Len > 10 {
		return false
	}
	scalar := func(c *Value) bool {
		switch c.Kind {
		case KindList, KindTuple, KindSet, KindFrozenset, KindDict, KindObject, KindNdarray, KindDataFrame, KindSeries, KindError:
			return false
		}
		return !c.Truncated
	}
	for _, c := range v.Items {
		if !scalar(c) {
			return false
		}
	}
	for _, e := range v.Entries {
		if !scalar(e.Key) || !scalar(e.Value) {
			return false
		}
	}
	return true
}

func signbit(f float64) bool { return math.Signbit(f) }
