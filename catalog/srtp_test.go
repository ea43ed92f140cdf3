package catalog

import (
	"strings"
	"testing"
)

// TestSRTPRules: SRTP ids need the probe's evidence; a refusal without it
// stays what it was.
func TestSRTPRules(t *testing.T) {
	inv := func(code int, reason string, f func(*Exchange)) Exchange {
		ex := Exchange{Method: "INVITE", Outcome: OutcomeResponse, Final: resp(code, reason)}
		if f != nil {
			f(&ex)
		}
		return ex
	}
	required := func(ex *Exchange) { ex.SRTPRequired = true }
	offered := func(ex *Exchange) { ex.SRTPOffered = true }
	plainRefused := func(ex *Exchange) { ex.SRTPOffered, ex.SRTPPlainRefused = true, true }
	for _, tc := range []struct {
		name string
		ex   Exchange
		want string
	}{
		{"488 plain, no retry evidence", inv(488, "Not Acceptable Here", nil), "codec-mismatch"},
		{"488 plain, SRTP retry answered", inv(488, "Not Acceptable Here", required), "srtp-required"},
		{"606 plain, SRTP retry answered", inv(606, "Not Acceptable", required), "srtp-required"},
		{"480 Codec Mismatch, SRTP retry answered", inv(480, "Codec Mismatch", required), "srtp-required"},
		{"404 is no media refusal", inv(404, "Not Found", required), "number-not-found"},
		{"488 to our SDES offer", inv(488, "Not Acceptable Here", offered), "srtp-not-supported"},
		{"606 to our SDES offer", inv(606, "Not Acceptable", offered), "srtp-not-supported"},
		{"486 to our SDES offer stays busy", inv(486, "Busy Here", offered), "busy"},
		{"488 to our SDES offer, plain retry refused too", inv(488, "Not Acceptable Here", plainRefused), "codec-mismatch"},
		{"606 to our SDES offer, plain retry refused too", inv(606, "Not Acceptable", plainRefused), "codec-mismatch"},
		{"2xx without crypto", inv(200, "OK", func(ex *Exchange) { ex.SRTPNotAnswered = true }), "srtp-not-supported"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, lang := range []Lang{EN, RU} {
				d := Default().Diagnose(tc.ex, lang)
				if d.ID != tc.want {
					t.Fatalf("%s: got %s, want %s", lang, d.ID, tc.want)
				}
				if strings.HasPrefix(tc.want, "srtp-") && d.Severity != SeverityCritical {
					t.Errorf("severity %s", d.Severity)
				}
			}
		})
	}
}
