package results

import (
	"strings"

	"github.com/sipprobe/sipprobe/catalog"
)

// writeEvicted says, one line each, which contacts our --bind made the
// registrar drop and whether they are back. The URIs are the registrar's
// text: Safe.
func writeEvicted(b *strings.Builder, ev []EvictedContact, l catalog.Lang) {
	if len(ev) == 0 {
		return
	}
	b.WriteString(Msg(l, "evicted", len(ev)) + "\n")
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
