package compare

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// WriteCSV writes the table: a header of group, name, source and one
// column per run id, then one line per row; a value a run lacks is empty.
func WriteCSV(w io.Writer, res *Result) error {
	cw := csv.NewWriter(w)
	head := []string{"group", "name", "source"}
	for _, r := range res.Runs {
		head = append(head, r.ID)
	}
	if err := cw.Write(head); err != nil {
		return fmt.Errorf("compare: csv: %w", err)
	}
	for _, row := range res.Rows {
		line := []string{string(row.Group), row.Name, row.Detail}
		for _, v := range row.Values {
			s := ""
			if v != nil {
				s = defuse(*v)
			}
			line = append(line, s)
		}
		if err := cw.Write(line); err != nil {
			return fmt.Errorf("compare: csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("compare: csv: %w", err)
	}
	return nil
}

// defuse keeps a spreadsheet from reading an untrusted value as a
// formula (OWASP "CSV injection"): a leading = + @ or tab gets a quote
// mark. A leading "-" is left alone, being a negative number far more
// often than a formula.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

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
