package catalog

import (
	"strings"
	"testing"
)

// TestReceiveRules: behind receive's REGISTER 200, the call's findings
// choose the entry; the NAT kind changes the remedies; a refused REGISTER
// is read as a REGISTER.
func TestReceiveRules(t *testing.T) {
	ok := &Reply{Code: 200, Reason: "OK"}
	for _, tc := range []struct {
		name     string
		ex       Exchange
		id       string
		severity string
		remedy   string
	}{
		{"call taken", Exchange{Final: ok}, "ok", "ok", ""},
		{"not delivered", Exchange{Final: ok, InboundNotDelivered: true}, "inbound-not-delivered", "critical", "pjsip show contacts"},
		{"not delivered behind NAT", Exchange{Final: ok, InboundNotDelivered: true, InboundNATUnfixed: true}, "inbound-not-delivered", "critical", "rewrite_contact=yes"},
		{"ACK lost", Exchange{Final: ok, InboundACKLost: true}, "inbound-ack-lost", "critical", "sngrep"},
		{"not delivered beats an eviction", Exchange{Final: ok, InboundNotDelivered: true, ContactEvicted: true}, "inbound-not-delivered", "critical", ""},
		{"bind refused by the guard", Exchange{Final: ok, BindWouldEvict: true}, "receive-would-evict", "unknown", ""},
		{"REGISTER forbidden", Exchange{Final: &Reply{Code: 403, Reason: "Forbidden"}}, "registration-forbidden", "critical", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ex := tc.ex
			ex.Method, ex.Outcome, ex.User = "RECEIVE", OutcomeResponse, "120"
			for _, lang := range []Lang{EN, RU} {
				d := Default().Diagnose(ex, lang)
				if d.ID != tc.id || string(d.Severity) != tc.severity {
					t.Fatalf("%s: got %s/%s, want %s/%s", lang, d.ID, d.Severity, tc.id, tc.severity)
				}
				if lang == EN && tc.remedy != "" && !strings.Contains(strings.Join(d.Remedies, "\n"), tc.remedy) {
					t.Errorf("remedies lack %q: %q", tc.remedy, d.Remedies)
				}
			}
		})
	}
}
