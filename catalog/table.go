package catalog

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// ExitCode is the exit code a probe ends with when this severity decides
// its status (the Nagios plugin convention, DESIGN.md §1).
func (s Severity) ExitCode() int {
	switch s {
	case SeverityOK, SeverityInfo:
		return 0
	case SeverityWarning:
		return 1
	case SeverityCritical:
		return 2
	}
	return 3
}

// WriteVerdictTable writes, as a Markdown table, every entry id with its
// severity, the exit code it gives, and for each probe kind whether a
// probe of that kind can end with it (Occurrences). The README holds its
// output, and a test keeps the two equal.
func (c *Catalog) WriteVerdictTable(w io.Writer) error {
	occ := c.Occurrences()
	var b strings.Builder
	// One column per probe kind, named as the command is.
	b.WriteString("| id | severity | exit |")
	for _, m := range Methods() {
		b.WriteString(" " + strings.ToLower(m) + " |")
	}
	b.WriteString("\n|---|---|---|" + strings.Repeat("---|", len(Methods())) + "\n")
	for _, e := range c.entries {
		fmt.Fprintf(&b, "| `%s` | %s | %d |", e.id, e.sev, e.sev.ExitCode())
		for _, m := range Methods() {
			mark := " – |"
			if slices.Contains(occ[e.id], m) {
				mark = " ✓ |"
			}
			b.WriteString(mark)
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
