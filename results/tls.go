package results

import (
	"fmt"
	"strings"
	"time"
)

// tlsTrust says how long the chain lasts and whether it verified, for the
// text output's TLS line.
func tlsTrust(t *TLSInfo) string {
	var b strings.Builder
	if t.DaysLeft != nil {
		fmt.Fprintf(&b, "; earliest expiry in the chain %s (%.1f days)", t.EarliestNotAfter, *t.DaysLeft)
	}
	switch {
	case t.Verified == nil:
	case *t.Verified:
		b.WriteString("; chain verified")
	case t.VerifyError != "":
		// The error quotes the certificate's names: server data.
		fmt.Fprintf(&b, "; chain NOT verified: %q", t.VerifyError)
	default:
		b.WriteString("; chain NOT verified")
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
