package probe

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/sipp"
	"github.com/sipprobe/sipprobe/internal/testpeers"
	"github.com/sipprobe/sipprobe/results"
)

// sippCallee starts a SIPp UAS running testdata/sipp/<scenario> on free
// loopback ports (SIP and media; SIPp's default media port is fixed).
func sippCallee(t *testing.T, scenario string, args ...string) *sipp.Proc {
	t.Helper()
	return sippCalleeWith(t, scenario, sipp.WithArgs(args...))
}

// sippCalleeWith is sippCallee with harness options (say, WithCalls).
func sippCalleeWith(t *testing.T, scenario string, opts ...sipp.Option) *sipp.Proc {
	t.Helper()
	mp := testpeers.FreeUDPPort(t)
	opts = append([]sipp.Option{sipp.WithTimeout(20 * time.Second), sipp.WithArgs("-mp", strconv.Itoa(mp))}, opts...)
	return sipp.StartUAS(t, filepath.Join("testdata", "sipp", scenario), opts...)
}

func inviteConfig(target string, mutate ...func(*Config)) Config {
	cfg := Config{
		Target: target, User: "120", Timeout: 3 * time.Second, NoFallback: true,
		Invite: InviteConfig{To: "600", Hold: 1200 * time.Millisecond, RingTimeout: 5 * time.Second},
	}
	for _, m := range mutate {
		m(&cfg)
	}
	return cfg
}

func inviteDetails(t *testing.T, r results.Result) *results.InviteDetails {
	t.Helper()
	if r.Details == nil || r.Details.Invite == nil {
		t.Fatalf("no invite details in %+v", r)
	}
	return r.Details.Invite
}

// TestInviteAgainstSIPp places real calls to SIPp callees, one fault each,
// and checks the diagnosis and that SIPp saw the call end cleanly (a SIPp
// call still waiting for ACK, BYE or CANCEL fails its run).
func TestInviteAgainstSIPp(t *testing.T) {
	testpeers.Require(t, "sipp")
	cases := []struct {
		name     string
		scenario string
		args     []string
		mutate   func(*Config)
		wantID   string
		wantCode int
		// sippFails: the scenario cannot complete by design.
		sippFails bool
		check     func(t *testing.T, r results.Result, in *results.InviteDetails)
	}{
		{name: "answer PCMU", scenario: "answer_pcmu.xml", wantID: "ok", wantCode: 200,
			check: func(t *testing.T, r results.Result, in *results.InviteDetails) {
				if in.NegotiatedCodec != "pcmu" || in.AnswerAddr != "127.0.0.1" || in.AnswerPort == 0 {
					t.Errorf("answer: %+v", in)
				}
				if in.FirstProvisionalMs <= 0 || in.RingingMs <= 0 || in.AnswerMs < in.RingingMs {
					t.Errorf("timings: first %v ringing %v answer %v", in.FirstProvisionalMs, in.RingingMs, in.AnswerMs)
				}
				if in.ACKConfirmed == nil || !*in.ACKConfirmed {
					t.Errorf("ACK not confirmed: %v", in.ACKConfirmed)
				}
				if in.EndedBy != "sipprobe-bye" || in.ByeCode != 200 {
					t.Errorf("ended by %q, BYE %d", in.EndedBy, in.ByeCode)
				}
				if in.SetupMs <= 0 || in.SetupMs != in.AnswerMs || r.CheckTime() != in.SetupMs {
					t.Errorf("setup %v ms, answer %v ms, check time %v", in.SetupMs, in.AnswerMs, r.CheckTime())
				}
			}},
		{name: "early media", scenario: "early_media.xml", wantID: "ok", wantCode: 200,
			check: func(t *testing.T, r results.Result, in *results.InviteDetails) {
				if !in.EarlyMedia {
					t.Error("183 with SDP not reported as early media")
				}
			}},
		{name: "488", scenario: "reject_488.xml", wantID: "codec-mismatch", wantCode: 488},
		{name: "486", scenario: "reject_486.xml", wantID: "busy", wantCode: 486, check: failedCall},
		{name: "603", scenario: "reject_603.xml", wantID: "declined", wantCode: 603, check: failedCall},
		{name: "480", scenario: "reject_480.xml", wantID: "temporarily-unavailable", wantCode: 480, check: failedCall},
		{name: "ring timeout", scenario: "ring_forever.xml", wantID: "no-answer", wantCode: 487,
			mutate: func(c *Config) { c.Invite.RingTimeout = 400 * time.Millisecond },
			check: func(t *testing.T, r results.Result, in *results.InviteDetails) {
				if in.EndedBy != "sipprobe-cancel" || r.Status != results.StatusCritical {
					t.Errorf("ended by %q, status %s", in.EndedBy, r.Status)
				}
				if in.SetupMs != 0 {
					t.Errorf("setup %v ms for a call we cancelled", in.SetupMs)
				}
			}},
		{name: "no common codec", scenario: "no_common_codec.xml", wantID: "codec-mismatch", wantCode: 200,
			check: func(t *testing.T, r results.Result, in *results.InviteDetails) {
				if in.NegotiatedCodec != "" || !slices.Equal(in.AnsweredCodecs, []string{"g729"}) || in.ByeCode != 200 {
					t.Errorf("answer: %+v", in)
				}
			}},
		{name: "audio port 0", scenario: "media_port_zero.xml", wantID: "codec-mismatch", wantCode: 200},
		{name: "private media address", scenario: "private_media.xml", wantID: "nat-media-private-address", wantCode: 200,
			check: func(t *testing.T, r results.Result, in *results.InviteDetails) {
				if in.AnswerAddr != "10.20.30.40" || !in.PrivateMediaAddr || r.Status != results.StatusWarning {
					t.Errorf("answer %s private %v status %s", in.AnswerAddr, in.PrivateMediaAddr, r.Status)
				}
			}},
		{name: "ACK not received", scenario: "ignore_ack.xml",
			// Our ACK does arrive; SIPp must not treat it as unexpected
			// and abort, but keep retransmitting as if it were lost.
			args: []string{"-default_behaviors", "-abortunexp"}, wantID: "ack-not-received", wantCode: 200,
			check: func(t *testing.T, r results.Result, in *results.InviteDetails) {
				if in.OKRetransmissions == 0 || in.ACKConfirmed == nil || *in.ACKConfirmed {
					t.Errorf("retransmissions %d, ACK confirmed %v", in.OKRetransmissions, in.ACKConfirmed)
				}
			}},
		{name: "BYE from the far end", scenario: "remote_bye.xml", wantID: "ok", wantCode: 200,
			mutate: func(c *Config) { c.Invite.Hold = 5 * time.Second },
			check: func(t *testing.T, r results.Result, in *results.InviteDetails) {
				if in.EndedBy != "remote-bye" || in.HeldMs > 2000 || !slices.Contains(in.InDialogRequests, "BYE") {
					t.Errorf("ended by %q after %v ms, in-dialog %v", in.EndedBy, in.HeldMs, in.InDialogRequests)
				}
			}},
		{name: "401 before answer", scenario: "auth_401.xml", wantID: "ok", wantCode: 200,
			mutate: func(c *Config) { c.Password = "secret" },
			check: func(t *testing.T, r results.Result, in *results.InviteDetails) {
				if r.Details.AuthAttempts != 1 || r.Details.AuthRealm != "sipp.test" {
					t.Errorf("auth attempts %d realm %q", r.Details.AuthAttempts, r.Details.AuthRealm)
				}
				// The setup is timed from the authenticated INVITE: the
				// challenge round trip does not count.
				first, answered := messageAt(r, results.DirOut, "INVITE "), messageAt(r, results.DirIn, "SIP/2.0 200 ")
				if in.SetupMs <= 0 || in.SetupMs != in.AnswerMs || in.SetupMs >= answered-first {
					t.Errorf("setup %v ms, answer %v ms, first INVITE to 200: %v ms", in.SetupMs, in.AnswerMs, answered-first)
				}
			}},
		{name: "401 without password", scenario: "auth_401.xml", wantID: "credentials-required", wantCode: 401, sippFails: true},
		{name: "RTP echo", scenario: "answer_pcmu.xml", args: []string{"-rtp_echo"}, wantID: "ok", wantCode: 200,
			mutate: func(c *Config) { c.Invite.RTP = true },
			check: func(t *testing.T, r results.Result, in *results.InviteDetails) {
				if in.RTPSent < 25 || in.RTPReceived == 0 {
					t.Errorf("RTP sent %d received %d", in.RTPSent, in.RTPReceived)
				}
			}},
		{name: "RTP without echo", scenario: "answer_pcmu.xml", wantID: "no-rtp-back", wantCode: 200,
			mutate: func(c *Config) { c.Invite.RTP = true }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			callee := sippCallee(t, tc.scenario, tc.args...)
			cfg := inviteConfig(callee.Addr(), func(c *Config) {
				if tc.mutate != nil {
					tc.mutate(c)
				}
			})
			r := Run(context.Background(), KindInvite, cfg)
			in := inviteDetails(t, r)
			if r.Diagnosis.ID != tc.wantID || r.FinalCode != tc.wantCode {
				t.Logf("details: %+v", *in)
				t.Errorf("got %s (%d %s), want %s (%d); notes %v; error %q", r.Diagnosis.ID, r.FinalCode, r.FinalReason, tc.wantID, tc.wantCode, r.Diagnosis.Notes, r.Error)
			}
			if tc.check != nil {
				tc.check(t, r, in)
			}
			if tc.sippFails {
				return
			}
			sippPassed(t, callee)
		})
	}
}

// failedCall: a test call that did not connect is CRITICAL (issue 8),
// ended by the far end's final response, with its setup time.
func failedCall(t *testing.T, r results.Result, in *results.InviteDetails) {
	t.Helper()
	if r.Status != results.StatusCritical || in.EndedBy != "final-response" || in.SetupMs <= 0 {
		t.Errorf("status %s, ended by %q, setup %v ms", r.Status, in.EndedBy, in.SetupMs)
	}
}

// messageAt is when the first message in direction dir starting with
// prefix was on the wire.
func messageAt(r results.Result, dir results.Direction, prefix string) results.Millis {
	for _, m := range r.Messages {
		if m.Dir == dir && strings.HasPrefix(m.Raw, prefix) {
			return m.AtMs
		}
	}
	return 0
}

// sippPassed wants SIPp to exit soon after the probe, every call of its
// scenario passed: the far end got each message it expected.
func sippPassed(t *testing.T, callee *sipp.Proc) {
	t.Helper()
	select {
	case <-callee.Done():
		if err := callee.Wait(); err != nil {
			t.Errorf("SIPp's call did not end as its scenario expects: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Error("SIPp still has the call after the probe ended")
	}
}
