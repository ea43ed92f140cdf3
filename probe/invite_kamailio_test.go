package probe

import (
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/kamailio"
	"github.com/sipprobe/sipprobe/internal/testpeers"
	"github.com/sipprobe/sipprobe/results"
)

// TestInviteThroughKamailio places calls phone -> Kamailio (407 proxy
// digest, record-route) -> SIPp callee: the ACK, BYE and CANCEL must follow
// the route set through the proxy, and the credentials are real.
func TestInviteThroughKamailio(t *testing.T) {
	testpeers.Require(t, "sipp")
	testpeers.Require(t, "kamailio")
	cases := []struct {
		name     string
		scenario string
		args     []string
		mutate   func(*Config)
		wantID   string
		wantCode int
		check    func(t *testing.T, r results.Result, in *results.InviteDetails)
	}{
		{name: "answer PCMU", scenario: "answer_pcmu.xml", wantID: "ok", wantCode: 200,
			check: func(t *testing.T, r results.Result, in *results.InviteDetails) {
				if r.Details.AuthAttempts != 1 || r.Details.AuthRealm != kamailio.DefaultRealm {
					t.Errorf("auth attempts %d realm %q", r.Details.AuthAttempts, r.Details.AuthRealm)
				}
				if in.NegotiatedCodec != "pcmu" || in.ByeCode != 200 || in.ACKConfirmed == nil || !*in.ACKConfirmed {
					t.Errorf("call: %+v", in)
				}
			}},
		{name: "wrong password", scenario: "answer_pcmu.xml", wantID: "wrong-password", wantCode: 407,
			mutate: func(c *Config) { c.Password = "nope" }},
		{name: "488 relayed", scenario: "reject_488.xml", wantID: "codec-mismatch", wantCode: 488},
		{name: "ring timeout, CANCEL relayed", scenario: "ring_forever.xml", wantID: "no-answer", wantCode: 487,
			mutate: func(c *Config) { c.Invite.RingTimeout = 400 * time.Millisecond }},
		{name: "ACK lost behind the proxy", scenario: "ignore_ack.xml", args: []string{"-default_behaviors", "-abortunexp"},
			wantID: "ack-not-received", wantCode: 200},
		{name: "BYE from the far end", scenario: "remote_bye.xml", wantID: "ok", wantCode: 200,
			mutate: func(c *Config) { c.Invite.Hold = 5 * time.Second },
			check: func(t *testing.T, r results.Result, in *results.InviteDetails) {
				if in.EndedBy != "remote-bye" {
					t.Errorf("ended by %q", in.EndedBy)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			callee := sippCallee(t, tc.scenario, tc.args...)
			k := kamailio.Start(t, kamailio.WithInviteRoute(callee.Addr()), kamailio.WithInviteAuth())
			cfg := inviteConfig(k.Addr("udp"), func(c *Config) {
				c.Password = kamailio.DefaultAccounts()["120"]
				if tc.mutate != nil {
					tc.mutate(c)
				}
			})
			r := kamProbe(t, KindInvite, cfg)
			in := inviteDetails(t, r)
			if r.Diagnosis.ID != tc.wantID || r.FinalCode != tc.wantCode {
				t.Errorf("got %s (%d %s), want %s (%d); notes %v; details %+v", r.Diagnosis.ID, r.FinalCode, r.FinalReason, tc.wantID, tc.wantCode, r.Diagnosis.Notes, *in)
			}
			if tc.check != nil {
				tc.check(t, r, in)
			}
		})
	}
}
