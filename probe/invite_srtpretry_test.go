package probe

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/baresip"
	"github.com/sipprobe/sipprobe/internal/sipp"
	"github.com/sipprobe/sipprobe/internal/testpbx"
	"github.com/sipprobe/sipprobe/internal/testpeers"
	"github.com/sipprobe/sipprobe/results"
)

// sentCalls counts the calls (INVITEs with distinct Call-IDs) the probe
// sent and its CANCELs: an authenticated resend or a retransmission is the
// same call.
func sentCalls(r results.Result) (calls, cancels int) {
	ids := map[string]bool{}
	for _, m := range r.Messages {
		if m.Dir != results.DirOut {
			continue
		}
		switch {
		case strings.HasPrefix(m.Raw, "INVITE "):
			ids[headerOf(m.Raw, "Call-ID")] = true
		case strings.HasPrefix(m.Raw, "CANCEL "):
			cancels++
		}
	}
	return len(ids), cancels
}

// headerOf is the value of a header line of a raw message.
func headerOf(raw, name string) string {
	for _, line := range strings.Split(raw, "\r\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(k), name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// pbxCalls counts the calls the test PBX received (distinct Call-IDs of
// INVITEs): what the far end saw, not what we think we sent.
func pbxCalls(p *testpbx.PBX) int {
	ids := map[string]bool{}
	for _, rec := range p.Requests() {
		if rec.Method == "INVITE" {
			ids[rec.CallID] = true
		}
	}
	return len(ids)
}

// retryCase is an SRTP call whose refusal makes one retry with the other
// encryption, and what must come of it.
type retryCase struct {
	srtpCase
	codecs      []string
	wantCalls   int
	wantCancels int // -1: 0 or 1 (a retry CANCELed at its 180, unless the 200 came first)
	wantStatus  results.Status
}

func runRetryCase(t *testing.T, tc retryCase, mutate func(*Config)) results.Result {
	t.Helper()
	got := runSRTPCase(t, tc.srtpCase, func(c *Config) {
		c.Invite.Codecs = tc.codecs
		if mutate != nil {
			mutate(c)
		}
	})
	if got.Status != tc.wantStatus {
		t.Errorf("status %s, want %s", got.Status, tc.wantStatus)
	}
	calls, cancels := sentCalls(got)
	if calls != tc.wantCalls || (tc.wantCancels >= 0 && cancels != tc.wantCancels) || cancels > 1 {
		t.Errorf("%d calls, %d CANCELs sent; want %d, %d", calls, cancels, tc.wantCalls, tc.wantCancels)
	}
	return got
}

// TestInviteSRTPRetryBaresip: a 488 to an SRTP offer is told apart by one
// more offer with the other encryption, against a real, independent SIP
// and SRTP stack (baresip does G.711 only here).
func TestInviteSRTPRetryBaresip(t *testing.T) {
	mand, err := baresip.Start(t, baresip.WithMediaEnc(baresip.MediaEncSRTPMand))
	if err != nil {
		t.Fatal(err)
	}
	optional, err := baresip.Start(t, baresip.WithMediaEnc(baresip.MediaEncSRTP))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []retryCase{
		{srtpCase: srtpCase{name: "sdes, no common codec: codec-mismatch", target: optional.Addr, srtp: SRTPSDES,
			wantID: "codec-mismatch", note: "both offers were refused"},
			codecs: []string{"g729", "opus"}, wantCalls: 2, wantStatus: results.StatusCritical},
		{srtpCase: srtpCase{name: "optional to srtp-mand: encrypted after one RTP/SAVP retry", target: mand.Addr, srtp: SRTPOptional,
			wantID: "ok", note: "requires RTP/SAVP", encrypted: true, offered: SRTPSDES},
			wantCalls: 2, wantStatus: results.StatusOK},
		{srtpCase: srtpCase{name: "optional to srtp-mand, no common codec: codec-mismatch", target: mand.Addr, srtp: SRTPOptional,
			wantID: "codec-mismatch", note: "refused too"},
			codecs: []string{"g729", "opus"}, wantCalls: 2, wantStatus: results.StatusCritical},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.to = baresip.User
			runRetryCase(t, tc, nil)
		})
	}
}

// TestInviteSRTPRetryTestPBX: the same outcomes with authentication, the
// ringing retry, and the user who expects the refusal.
func TestInviteSRTPRetryTestPBX(t *testing.T) {
	p := startPBX(t, testpbx.WithAccount("120", "pw",
		testpbx.Extension("700", testpbx.ExtensionBehaviour{EchoRTP: true, MediaEncryption: testpbx.MediaEncryptionSDES}),
		testpbx.Extension("701", testpbx.ExtensionBehaviour{EchoRTP: true, RefuseSRTP: true}),
		testpbx.Extension("705", testpbx.ExtensionBehaviour{RefuseSRTP: true, RingForever: true}),
		testpbx.Extension("706", testpbx.ExtensionBehaviour{Code: 488}),
	))
	for _, tc := range []retryCase{
		// It rings and answers at once: the probing retry is CANCELed at
		// its 180, unless the 200 comes first.
		{srtpCase: srtpCase{name: "sdes to plain-only: srtp-not-supported, shown by the plain retry", to: "701", srtp: SRTPSDES,
			wantID: "srtp-not-supported", note: "answered (200||rang (180/183)"},
			wantCalls: 2, wantCancels: -1, wantStatus: results.StatusCritical},
		{srtpCase: srtpCase{name: "sdes to plain-only, ringing: the plain retry is CANCELed", to: "705", srtp: SRTPSDES,
			wantID: "srtp-not-supported", note: "rang (180/183)"},
			wantCalls: 2, wantCancels: 1, wantStatus: results.StatusCritical},
		{srtpCase: srtpCase{name: "sdes to a 488 to everything: codec-mismatch", to: "706", srtp: SRTPSDES,
			wantID: "codec-mismatch", note: "both offers were refused"},
			wantCalls: 2, wantStatus: results.StatusCritical},
		{srtpCase: srtpCase{name: "optional to sdes-only: encrypted after one RTP/SAVP retry", to: "700", srtp: SRTPOptional,
			wantID: "ok", note: "requires RTP/SAVP", encrypted: true, offered: SRTPSDES},
			wantCalls: 2, wantStatus: results.StatusOK},
		{srtpCase: srtpCase{name: "optional to a 488 to everything: codec-mismatch", to: "706", srtp: SRTPOptional,
			wantID: "codec-mismatch", note: "refused too"},
			wantCalls: 2, wantStatus: results.StatusCritical},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.target = func() string { return p.Addr("udp") }
			before := pbxCalls(p)
			runRetryCase(t, tc, func(c *Config) {
				c.Password = "pw"
				c.Timeout, c.Invite.RingTimeout = time.Second, time.Minute
			})
			if n := pbxCalls(p) - before; n != tc.wantCalls {
				t.Errorf("the PBX got %d calls, want %d", n, tc.wantCalls)
			}
		})
	}
	// A negative test that expects the refusal asks for one call, whatever
	// the encryption offered.
	for _, tc := range []struct{ to, srtp, wantID string }{
		{"701", SRTPSDES, "srtp-not-supported"},
		{"700", SRTPOptional, "codec-mismatch"},
	} {
		t.Run("expected refusal, "+tc.srtp+": no retry", func(t *testing.T) {
			before := pbxCalls(p)
			r := Run(context.Background(), KindInvite, inviteConfig(p.Addr("udp"), func(c *Config) {
				c.Invite.To, c.Invite.SRTP, c.Invite.NoSRTPRetry, c.Password = tc.to, tc.srtp, true, "pw"
			}))
			if r.Diagnosis.ID != tc.wantID {
				t.Errorf("diagnosis %s, want %s", r.Diagnosis.ID, tc.wantID)
			}
			if n := pbxCalls(p) - before; n != 1 {
				t.Errorf("the PBX got %d calls, want 1", n)
			}
		})
	}
}

// TestInviteSRTPRetrySIPp: a SIPp callee that answers every INVITE with
// 488 gets exactly two calls from an SRTP offer (the second one plain) and
// the refusal is the codecs, not the encryption.
func TestInviteSRTPRetrySIPp(t *testing.T) {
	testpeers.Require(t, "sipp")
	for _, mode := range []string{SRTPSDES, SRTPOptional} {
		t.Run(mode, func(t *testing.T) {
			callee := sippCalleeWith(t, "reject_488.xml", sipp.WithCalls(2))
			r := Run(context.Background(), KindInvite, inviteConfig(callee.Addr(), func(c *Config) {
				c.Invite.SRTP = mode
			}))
			if r.Diagnosis.ID != "codec-mismatch" || r.Status != results.StatusCritical {
				t.Errorf("got %s %s, want critical codec-mismatch; notes %q", r.Status, r.Diagnosis.ID, r.Diagnosis.Notes)
			}
			if calls, _ := sentCalls(r); calls != 2 {
				t.Errorf("%d calls sent, want 2", calls)
			}
			// SIPp exits after its second call: it got both, and no third.
			sippPassed(t, callee)
		})
	}
}
