package compare

import "strings"

// FileName is the name an export of res is saved as, without extension.
func FileName(res *Result) string {
	ids := make([]string, len(res.Runs))
	for i, r := range res.Runs {
		ids[i] = r.ID
	}
	return safeName(res.Flow + "-compare-" + strings.Join(ids, "_"))
}

// safeName keeps a file name to letters, digits and . _ -.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
			return r
		}
		return '_'
	}, s)
}
