package results

import (
	"strconv"
	"strings"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/internal/plural"
)

// writeEvicted says, one line each, which contacts our --bind made the
// registrar drop and whether they are back. The URIs are the registrar's
// text: Safe.
func writeEvicted(b *strings.Builder, ev []EvictedContact, l catalog.Lang) {
	if len(ev) == 0 {
		return
	}
	// "1 contact", "2 contacts"; the Russian label ("контактов: 2") fits
	// any count as it is.
	n := strconv.Itoa(len(ev))
	if l != catalog.RU {
		n = plural.Count(len(ev), "contact", "contacts")
	}
	b.WriteString(Msg(l, "evicted", n) + "\n")
	for _, e := range ev {
		b.WriteString("  - " + Safe(e.URI) + ": ")
		switch {
		case e.Restored:
			b.WriteString(Msg(l, "evicted-restored", e.Expires))
		case e.RewrittenAs != "":
			removed := e.RewriteRemoved != nil && *e.RewriteRemoved
			b.WriteString(Msg(l, "evicted-rewritten", Safe(e.RewrittenAs), yesNo(l, removed), e.Expires))
		default:
			why := ""
			if e.Error != "" {
				why = " (" + Safe(e.Error) + ")"
			}
			b.WriteString(Msg(l, "evicted-lost", why, e.Expires))
		}
		b.WriteString("\n")
	}
}
