package results

import (
	"fmt"
	"strings"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
)

// tlsTrust says how long the chain lasts and whether it verified, for the
// text output's TLS line.
func tlsTrust(t *TLSInfo, l catalog.Lang) string {
	var b strings.Builder
	if t.DaysLeft != nil {
		b.WriteString(Msg(l, "tls-earliest", Safe(t.EarliestNotAfter), *t.DaysLeft))
	}
	switch {
	case t.Verified == nil:
	case *t.Verified:
		b.WriteString(Msg(l, "tls-verified"))
	case t.VerifyError != "":
		// The error quotes the certificate's names: server data.
		fmt.Fprintf(&b, "%s: %q", Msg(l, "tls-unverified"), t.VerifyError)
	default:
		b.WriteString(Msg(l, "tls-unverified"))
	}
	return b.String()
}

// EarliestExpiry is EarliestNotAfter as a time; false when unknown.
func (t *TLSInfo) EarliestExpiry() (time.Time, bool) {
	if t == nil || t.EarliestNotAfter == "" {
		return time.Time{}, false
	}
	at, err := time.Parse(time.RFC3339, t.EarliestNotAfter)
	return at, err == nil
}
