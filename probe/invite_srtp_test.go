package probe

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/baresip"
	"github.com/sipprobe/sipprobe/internal/testpbx"
	"github.com/sipprobe/sipprobe/probe/media"
	"github.com/sipprobe/sipprobe/results"
)

// srtpCase is one call of the SRTP tests and what must come of it.
type srtpCase struct {
	name      string
	target    func() string
	to, srtp  string
	wantID    string
	encrypted bool
	// note is a substring of the diagnosis notes; "A||B": either (a
	// probing retry that rings is CANCELed at its 180, so a far end that
	// answers at once gets either shown, by which comes first).
	note    string
	offered string // details.srtp.offered when encrypted, if not srtp
}

func runSRTPCase(t *testing.T, tc srtpCase, mutate func(*Config)) results.Result {
	t.Helper()
	r := Run(context.Background(), KindInvite, inviteConfig(tc.target(), func(c *Config) {
		c.Invite.To, c.Invite.SRTP, c.Invite.RTP = tc.to, tc.srtp, true
		c.Invite.Hold = time.Second
		if mutate != nil {
			mutate(c)
		}
	}))
	in := inviteDetails(t, r)
	notes := strings.Join(r.Diagnosis.Notes, " | ")
	if r.Diagnosis.ID != tc.wantID {
		t.Fatalf("got %s (%d %s), want %s; notes %s", r.Diagnosis.ID, r.FinalCode, r.FinalReason, tc.wantID, notes)
	}
	if tc.note != "" && !slices.ContainsFunc(strings.Split(tc.note, "||"), func(n string) bool { return strings.Contains(notes, n) }) {
		t.Errorf("notes %q lack %q", notes, tc.note)
	}
	if tc.encrypted {
		s, offered := r.Details.SRTP, tc.srtp
		if tc.offered != "" {
			offered = tc.offered
		}
		if s == nil || !s.Encrypted || s.Suite != media.SuiteAES128SHA1_80 || s.Offered != offered {
			t.Fatalf("details.srtp = %+v", s)
		}
		// Received counts only packets that decrypted and authenticated
		// with the answer's key.
		if in.RTPSent == 0 || in.RTPReceived == 0 {
			t.Errorf("RTP sent %d, received %d", in.RTPSent, in.RTPReceived)
		}
	} else if tc.srtp != "" && tc.srtp != SRTPNone && (r.Details.SRTP == nil || r.Details.SRTP.Encrypted) {
		t.Errorf("details.srtp = %+v, want unencrypted", r.Details.SRTP)
	}
	var text strings.Builder
	if err := results.WriteText(&text, r, results.TextOptions{}); err != nil {
		t.Fatal(err)
	}
	// The line needs an answer: a refused offer negotiated nothing.
	shown := r.Details.SRTP != nil && (r.Details.SRTP.Encrypted || in.AnswerAddr != "")
	if strings.Contains(text.String(), "\nSRTP: ") != shown {
		t.Errorf("text output and details.srtp disagree:\n%s", text.String())
	}
	return r
}

// TestInviteSRTPBaresip: a real, independent SRTP implementation. Its echo
// decrypts our stream with our key and sends it back under its own.
func TestInviteSRTPBaresip(t *testing.T) {
	mand, err := baresip.Start(t, baresip.WithMediaEnc(baresip.MediaEncSRTPMand))
	if err != nil {
		t.Fatal(err)
	}
	optional, err := baresip.Start(t, baresip.WithMediaEnc(baresip.MediaEncSRTP))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := baresip.Start(t)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []srtpCase{
		{name: "sdes to srtp-mand: encrypted echo", target: mand.Addr, srtp: SRTPSDES, wantID: "ok", encrypted: true},
		{name: "plain to srtp-mand: srtp-required", target: mand.Addr, srtp: SRTPNone, wantID: "srtp-required", note: "answered (200||rang (180/183)"},
		{name: "optional to srtp: encrypted", target: optional.Addr, srtp: SRTPOptional, wantID: "ok", encrypted: true},
		{name: "sdes to plain-only: srtp-not-supported", target: plain.Addr, srtp: SRTPSDES, wantID: "srtp-not-supported"},
		{name: "optional to plain-only: unencrypted", target: plain.Addr, srtp: SRTPOptional, wantID: "ok", note: "ran unencrypted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.to = baresip.User
			runSRTPCase(t, tc, nil)
		})
	}
}

// TestInviteSRTPTestPBX: the same outcomes against the test PBX, with
// authentication and its SRTP echo.
func TestInviteSRTPTestPBX(t *testing.T) {
	p := startPBX(t, testpbx.WithAccount("120", "pw",
		testpbx.Extension("700", testpbx.ExtensionBehaviour{EchoRTP: true, MediaEncryption: testpbx.MediaEncryptionSDES}),
		testpbx.Extension("701", testpbx.ExtensionBehaviour{EchoRTP: true, RefuseSRTP: true}),
		testpbx.Extension("702", testpbx.ExtensionBehaviour{EchoRTP: true}),
		testpbx.Extension("703", testpbx.ExtensionBehaviour{Codecs: []string{"G729"}}),
	))
	addr := func() string { return p.Addr("udp") }
	for _, tc := range []srtpCase{
		{name: "sdes to sdes extension: encrypted echo", to: "700", srtp: SRTPSDES, wantID: "ok", encrypted: true},
		{name: "plain to sdes extension: srtp-required", to: "700", srtp: SRTPNone, wantID: "srtp-required", note: "answered (200||rang (180/183)"},
		{name: "sdes to plain-only PBX: srtp-not-supported", to: "701", srtp: SRTPSDES, wantID: "srtp-not-supported"},
		{name: "optional to plain-only PBX: unencrypted", to: "701", srtp: SRTPOptional, wantID: "ok", note: "ran unencrypted"},
		{name: "sdes answered RTP/SAVP without crypto", to: "702", srtp: SRTPSDES, wantID: "srtp-not-supported", note: "no a=crypto"},
		{name: "plain codec mismatch stays codec-mismatch", to: "703", srtp: SRTPNone, wantID: "codec-mismatch", note: "refused too"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.target = addr
			runSRTPCase(t, tc, func(c *Config) { c.Password = "pw" })
		})
	}
	// A user who expects the refusal (expect.code = 488) asks for one
	// call: no second INVITE, so even an SRTP-only extension stays a
	// plain codec-mismatch.
	t.Run("expected refusal: no retry", func(t *testing.T) {
		r := Run(context.Background(), KindInvite, inviteConfig(addr(), func(c *Config) {
			c.Invite.To, c.Invite.NoSRTPRetry, c.Password = "700", true, "pw"
		}))
		if r.Diagnosis.ID != "codec-mismatch" {
			t.Errorf("diagnosis %s, want codec-mismatch", r.Diagnosis.ID)
		}
		invites := 0
		for _, m := range r.Messages {
			if m.Dir == results.DirOut && strings.HasPrefix(m.Raw, "INVITE ") {
				invites++
			}
		}
		if invites != 2 { // the challenged INVITE and its authenticated resend
			t.Errorf("%d INVITEs sent, want 2 (no SRTP retry)", invites)
		}
	})
}

// TestInviteSRTPKeysRedacted: the master keys of both a=crypto lines, ours
// in the INVITE and the far end's in the 200, are secrets like a digest
// response; only --show-secrets shows them.
func TestInviteSRTPKeysRedacted(t *testing.T) {
	p := startPBX(t, testpbx.WithAccount("120", "pw",
		testpbx.Extension("700", testpbx.ExtensionBehaviour{EchoRTP: true, MediaEncryption: testpbx.MediaEncryptionSDES}),
	))
	for _, show := range []bool{false, true} {
		t.Run(map[bool]string{false: "redacted", true: "show-secrets"}[show], func(t *testing.T) {
			r := Run(context.Background(), KindInvite, inviteConfig(p.Addr("udp"), func(c *Config) {
				c.Invite.To, c.Invite.SRTP, c.Invite.RTP, c.Password = "700", SRTPSDES, true, "pw"
				c.Invite.Hold = 200 * time.Millisecond
				c.ShowSecrets = show
			}))
			var in, out int
			for _, m := range r.Messages {
				for _, line := range strings.Split(m.Raw, "\r\n") {
					if !strings.HasPrefix(line, "a=crypto:") {
						continue
					}
					if m.Dir == results.DirIn {
						in++
					} else {
						out++
					}
					if redacted := strings.Contains(line, "inline:<redacted>"); redacted == show {
						t.Errorf("%s line %q", m.Dir, line)
					}
				}
			}
			if in == 0 || out == 0 {
				t.Fatalf("a=crypto lines: %d in, %d out; want both (%s)", in, out, r.Diagnosis.ID)
			}
		})
	}
}

// TestInviteSRTPRetryRinging: the srtp-required retry rings a phone no one
// asked to ring; --timeout bounds it, then it is CANCELed, and the ringing
// shows the SRTP offer passed where the plain one was refused.
func TestInviteSRTPRetryRinging(t *testing.T) {
	p := startPBX(t, testpbx.WithAccount("120", "pw",
		testpbx.Extension("704", testpbx.ExtensionBehaviour{MediaEncryption: testpbx.MediaEncryptionSDES, RingForever: true}),
	))
	r := Run(context.Background(), KindInvite, inviteConfig(p.Addr("udp"), func(c *Config) {
		c.Invite.To, c.Password = "704", "pw"
		c.Timeout, c.Invite.RingTimeout = time.Second, time.Minute
	}))
	if r.Diagnosis.ID != "srtp-required" || !strings.Contains(strings.Join(r.Diagnosis.Notes, " "), "rang (180/183)") {
		t.Fatalf("got %s, notes %q", r.Diagnosis.ID, r.Diagnosis.Notes)
	}
	var cancels int
	for _, m := range r.Messages {
		if m.Dir == results.DirOut && strings.HasPrefix(m.Raw, "CANCEL ") {
			cancels++
		}
	}
	if cancels != 1 {
		t.Errorf("%d CANCELs, want 1 (the ringing retry)", cancels)
	}
}
