package probe

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/testpbx"
	"github.com/sipprobe/sipprobe/results"
)

// invitePBX is a sipgo-free test PBX with one account and an extension per
// behaviour the SIPp scenarios cannot easily give (codec filtering by
// offer, periodic in-dialog OPTIONS, TCP).
func invitePBX(t *testing.T) *testpbx.PBX {
	t.Helper()
	return startPBX(t, testpbx.WithAccount("120", "pw",
		testpbx.Extension("600", testpbx.ExtensionBehaviour{EchoRTP: true}),
		testpbx.Extension("601", testpbx.ExtensionBehaviour{Codecs: []string{"PCMA", "G722"}}),
		testpbx.Extension("602", testpbx.ExtensionBehaviour{Codecs: []string{"G729"}}),
		testpbx.Extension("603", testpbx.ExtensionBehaviour{OptionsEvery: 200 * time.Millisecond}),
		testpbx.Extension("604", testpbx.ExtensionBehaviour{RingForever: true}),
		testpbx.Extension("605", testpbx.ExtensionBehaviour{Code: 486}),
	))
}

func TestInviteTestPBX(t *testing.T) {
	p := invitePBX(t)
	cases := []struct {
		name   string
		mutate func(*Config)
		wantID string
		check  func(t *testing.T, in *results.InviteDetails)
	}{
		{name: "echo over TCP with RTP", wantID: "ok",
			mutate: func(c *Config) { c.Target, c.Transport, c.Invite.RTP = p.Addr("tcp"), "tcp", true },
			check: func(t *testing.T, in *results.InviteDetails) {
				if in.RTPReceived == 0 || in.ByeCode != 200 {
					t.Errorf("RTP received %d, BYE %d", in.RTPReceived, in.ByeCode)
				}
			}},
		{name: "codec sweep", wantID: "ok",
			mutate: func(c *Config) {
				c.Invite.To, c.Invite.CodecSweep = "601", true
				c.Invite.Codecs = []string{"pcmu", "pcma", "g722", "opus", "telephone-event"}
			},
			check: func(t *testing.T, in *results.InviteDetails) {
				if !slices.Equal(in.AcceptedCodecs, []string{"pcma", "g722"}) || !slices.Equal(in.RejectedCodecs, []string{"pcmu", "opus"}) {
					t.Errorf("accepted %v rejected %v (%+v)", in.AcceptedCodecs, in.RejectedCodecs, in.Sweep)
				}
			}},
		{name: "codec sweep, none accepted", wantID: "codec-mismatch",
			mutate: func(c *Config) { c.Invite.To, c.Invite.CodecSweep = "602", true },
			check: func(t *testing.T, in *results.InviteDetails) {
				if len(in.AcceptedCodecs) != 0 || len(in.RejectedCodecs) != 3 {
					t.Errorf("accepted %v rejected %v", in.AcceptedCodecs, in.RejectedCodecs)
				}
			}},
		{name: "codec sweep stops at busy", wantID: "busy",
			mutate: func(c *Config) { c.Invite.To, c.Invite.CodecSweep = "605", true },
			check: func(t *testing.T, in *results.InviteDetails) {
				if len(in.Sweep) != 1 {
					t.Errorf("sweep went on after busy: %+v", in.Sweep)
				}
			}},
		{name: "in-dialog OPTIONS answered", wantID: "ok",
			mutate: func(c *Config) { c.Invite.To = "603" },
			check: func(t *testing.T, in *results.InviteDetails) {
				if !slices.Contains(in.InDialogRequests, "OPTIONS") {
					t.Errorf("in-dialog %v", in.InDialogRequests)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := inviteConfig(p.Addr("udp"), func(c *Config) {
				c.Password = "pw"
				c.Invite.Hold = 700 * time.Millisecond
				tc.mutate(c)
			})
			r := Run(context.Background(), KindInvite, cfg)
			in := inviteDetails(t, r)
			if r.Diagnosis.ID != tc.wantID {
				t.Errorf("got %s (%d %s), want %s; notes %v; details %+v", r.Diagnosis.ID, r.FinalCode, r.FinalReason, tc.wantID, r.Diagnosis.Notes, *in)
			}
			if tc.check != nil {
				tc.check(t, in)
			}
		})
	}
}

// TestInviteInterrupted: a Ctrl-C while ringing still CANCELs the call, and
// one during the hold still sends BYE.
func TestInviteInterrupted(t *testing.T) {
	p := invitePBX(t)
	for _, tc := range []struct {
		name, to, wantEnd string
		after             time.Duration
	}{
		{"while ringing", "604", "sipprobe-cancel", 300 * time.Millisecond},
		{"during hold", "600", "sipprobe-bye", 500 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(tc.after, cancel)
			start := time.Now()
			r := Run(ctx, KindInvite, inviteConfig(p.Addr("udp"), func(c *Config) {
				c.Password, c.Invite.To, c.Invite.Hold = "pw", tc.to, 10*time.Second
			}))
			in := inviteDetails(t, r)
			if in.EndedBy != tc.wantEnd || time.Since(start) > 3*time.Second {
				t.Errorf("ended by %q after %v; diagnosis %s", in.EndedBy, time.Since(start), r.Diagnosis.ID)
			}
			if tc.wantEnd == "sipprobe-cancel" && r.FinalCode != 487 {
				t.Errorf("final %d, want 487 after CANCEL", r.FinalCode)
			}
			if tc.wantEnd == "sipprobe-bye" && in.ByeCode != 200 {
				t.Errorf("BYE got %d", in.ByeCode)
			}
		})
	}
}

// TestInviteNoLeaks: no goroutine or socket (SIP or RTP) outlives a call,
// whichever way it ended.
func TestInviteNoLeaks(t *testing.T) {
	p := invitePBX(t)
	calls := func() {
		for _, m := range []func(*Config){
			func(c *Config) { c.Invite.RTP = true },
			func(c *Config) { c.Target, c.Transport = p.Addr("tcp"), "tcp" },
			func(c *Config) { c.Invite.To = "605" },
			func(c *Config) { c.Invite.To, c.Invite.RingTimeout = "604", 200*time.Millisecond },
			func(c *Config) { c.Invite.To, c.Invite.CodecSweep = "601", true },
		} {
			_ = Run(context.Background(), KindInvite, inviteConfig(p.Addr("udp"), func(c *Config) {
				c.Password, c.Invite.Hold = "pw", 200*time.Millisecond
				m(c)
			}))
		}
	}
	assertNoLeaks(t, calls)
}
