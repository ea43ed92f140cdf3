package catalog

import (
	"fmt"
	"testing"
)

// TestFailedInviteIsNeverFine: invite asks "does a test call work?", so
// every final non-2xx answer to our INVITE — whatever the code, reason
// phrase or Q.850 cause — must be diagnosed as critical (or unknown), and
// so must every way an INVITE can end without a final answer. A busy or
// declined callee that is fine for a probe is said with an expectation,
// not with a milder severity (issue 8).
func TestFailedInviteIsNeverFine(t *testing.T) {
	c := Default()
	reported := map[string]bool{} // one failure per id, not thousands
	check := func(t *testing.T, name string, ex Exchange) {
		t.Helper()
		ex.Method = "INVITE"
		d := c.Diagnose(ex, EN)
		if d.Severity != SeverityCritical && d.Severity != SeverityUnknown && !reported[d.ID] {
			reported[d.ID] = true
			t.Errorf("%s: diagnosis %s has severity %s", name, d.ID, d.Severity)
		}
	}
	// The normal test call: credentials given, the final answer came to
	// the authenticated INVITE, or to the first one without a challenge.
	sent := []struct {
		name string
		auth bool
	}{{"authenticated", true}, {"unchallenged", false}}
	t.Run("codes 300-699", func(t *testing.T) {
		for code := 300; code <= 699; code++ {
			for _, s := range sent {
				check(t, fmt.Sprintf("%d %s", code, s.name), Exchange{Outcome: OutcomeResponse,
					Final: &Reply{Code: code, Reason: c.StandardReason(code)}, AuthSent: s.auth, CredentialsGiven: true})
			}
		}
	})
	t.Run("reason phrases", func(t *testing.T) {
		for _, p := range c.phrases {
			codes := []int{p.code}
			if p.code == 0 { // an any-code phrase
				codes = []int{400, 480, 500, 503, 603}
			}
			for _, code := range codes {
				if code < 300 {
					continue
				}
				check(t, fmt.Sprintf("%d %s", code, p.norm), Exchange{Outcome: OutcomeResponse,
					Final: &Reply{Code: code, Reason: p.norm}, AuthSent: true, CredentialsGiven: true})
			}
		}
	})
	t.Run("Q.850 causes", func(t *testing.T) {
		for code := 300; code <= 699; code++ {
			for _, q := range c.q850 {
				check(t, fmt.Sprintf("%d cause %d", code, q.Code), Exchange{Outcome: OutcomeResponse,
					Final:    &Reply{Code: code, Reason: c.StandardReason(code), ReasonHdr: fmt.Sprintf("Q.850;cause=%d", q.Code)},
					AuthSent: true, CredentialsGiven: true})
			}
		}
	})
	t.Run("no final answer", func(t *testing.T) {
		ringing := []Reply{{Code: 180, Reason: "Ringing"}}
		for name, ex := range map[string]Exchange{
			"ring timeout, CANCEL answered":   {Outcome: OutcomeResponse, Final: &Reply{Code: 487, Reason: "Request Terminated"}, RingTimeout: true, Provisional: ringing},
			"ring timeout, CANCEL unanswered": {Outcome: OutcomeTimeout, RingTimeout: true, Provisional: ringing},
			"1xx then silence":                {Outcome: OutcomeTimeout, Provisional: ringing},
			"silence":                         {Outcome: OutcomeTimeout, Transport: "udp"},
			"silence over TCP":                {Outcome: OutcomeTimeout, Transport: "tcp"},
			"closed":                          {Outcome: OutcomeClosed},
			"malformed":                       {Outcome: OutcomeMalformed},
			"port unreachable":                {Outcome: OutcomePortUnreachable},
			"interrupted":                     {Outcome: OutcomeCanceled, Provisional: ringing},
		} {
			check(t, name, ex)
		}
	})
	t.Run("far end ends the attempt", func(t *testing.T) {
		// A 487 we did not ask for (no ring timeout): not no-answer, and
		// not fine either.
		d := c.Diagnose(Exchange{Method: "INVITE", Outcome: OutcomeResponse, Final: &Reply{Code: 487, Reason: "Request Terminated"}, AuthSent: true, CredentialsGiven: true}, EN)
		if d.ID != "request-terminated" || d.Severity != SeverityCritical {
			t.Errorf("got %s (%s), want request-terminated (critical)", d.ID, d.Severity)
		}
	})
}
