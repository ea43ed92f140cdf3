package catalog

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzExplain: any code and reason yields a complete diagnosis, without
// panics and without template syntax leaking from hostile reasons.
func FuzzExplain(f *testing.F) {
	for _, s := range []struct {
		code   int
		reason string
	}{{403, "Wrong Guess"}, {401, "AUTH Error: Stall nonce"}, {503, "Service Unavailablе"}, {0, ""}, {999, "{user}[x"}, {480, strings.Repeat("ab ", 500)}} {
		f.Add(s.code, s.reason)
	}
	c := Default()
	f.Fuzz(func(t *testing.T, code int, reason string) {
		for _, lang := range []Lang{EN, RU} {
			d := c.Explain(code, reason, lang)
			if d.ID == "" || d.Summary == "" || len(d.Causes) == 0 || len(d.Remedies) == 0 {
				t.Fatalf("incomplete diagnosis for %d %q: %+v", code, reason, d)
			}
			for _, n := range d.Notes {
				if utf8.RuneCountInString(n) > 400 {
					t.Fatalf("note not clipped: %d runes", utf8.RuneCountInString(n))
				}
			}
		}
	})
}

// FuzzExplainText: free text from the command line never panics.
func FuzzExplainText(f *testing.F) {
	for _, s := range []string{"403 Wrong Guess", "tls expired", "timeout", "SIP/2.0 ", "dns ", "- -", "99999999999999999999 x"} {
		f.Add(s)
	}
	c := Default()
	f.Fuzz(func(t *testing.T, s string) {
		if d, ok := c.ExplainText(s, RU); ok && d.Summary == "" {
			t.Fatalf("empty summary for %q", s)
		}
	})
}

// FuzzDiagnose: headers from the network are untrusted input.
func FuzzDiagnose(f *testing.F) {
	f.Add(480, "Temporarily Unavailable", "Q.850;cause=17", "305 x \"codec\"", "120", "3600", "Asterisk", "udp", "INVITE", 2)
	f.Add(0, "", "", "", "", "", "", "", "", 0)
	c := Default()
	f.Fuzz(func(t *testing.T, code int, reason, reasonHdr, warning, retry, minExp, server, transport, method string, failures int) {
		ex := Exchange{Method: method, Transport: transport, Outcome: OutcomeResponse, Refusals: Refusals{InWindow: failures, Window: time.Minute},
			Final: &Reply{Code: code, Reason: reason, ReasonHdr: reasonHdr, Warning: warning, RetryAfter: retry, MinExpires: minExp, Server: server},
			Alt:   &AltTransport{Transport: transport, Answered: code%2 == 0, Code: code}, Provisional: []Reply{{Code: code, Reason: reason}}}
		for _, o := range []Outcome{OutcomeResponse, OutcomeTimeout, Outcome(reason)} {
			ex.Outcome = o
			if d := c.Diagnose(ex, EN); d.ID == "" || d.Summary == "" {
				t.Fatalf("empty diagnosis for %+v", ex)
			}
		}
	})
}
