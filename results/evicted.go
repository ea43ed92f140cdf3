package results

import (
	"fmt"
	"strings"
	"unicode"
)

// writeEvicted says, one line each, which contacts our --bind made the
// registrar drop and whether they are back.
func writeEvicted(b *strings.Builder, ev []EvictedContact) {
	if len(ev) == 0 {
		return
	}
	fmt.Fprintf(b, "Evicted by our binding: %d contact(s)\n", len(ev))
	for _, e := range ev {
		fmt.Fprintf(b, "  - %s: ", uriText(e.URI))
		switch {
		case e.Restored:
			fmt.Fprintf(b, "restored with the same URI, expires %ds\n", e.Expires)
		case e.RewrittenAs != "":
			removed := "no"
			if e.RewriteRemoved != nil && *e.RewriteRemoved {
				removed = "yes"
			}
			fmt.Fprintf(b, "not restored — the registrar stored it as %s (removed again: %s); the phone comes back at its next refresh, within %ds\n", uriText(e.RewrittenAs), removed, e.Expires)
		default:
			why := ""
			if e.Error != "" {
				why = " (" + uriText(e.Error) + ")"
			}
			fmt.Fprintf(b, "not restored%s; the phone comes back at its next refresh, within %ds\n", why, e.Expires)
		}
	}
}

// uriText keeps a server's text from driving the terminal: control
// characters become "?".
func uriText(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '?'
		}
		return r
	}, s)
}
