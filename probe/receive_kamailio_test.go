package probe

import (
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/kamailio"
	"github.com/sipprobe/sipprobe/results"
)

// TestReceiveThroughKamailio binds 120 on a real Kamailio registrar and
// proxy and calls it from 121: the INVITE must come to our contact by
// lookup("location"), with the proxy's Record-Route, and leave nothing
// registered.
func TestReceiveThroughKamailio(t *testing.T) {
	k := kamailio.Start(t)
	for _, tc := range []struct {
		name     string
		tr       string
		rtp      bool
		wantID   string
		wantExit int
	}{
		{name: "udp: ok", tr: "udp", wantID: "ok"},
		{name: "udp with rtp: ok", tr: "udp", rtp: true, wantID: "ok"},
		{name: "tcp: ok", tr: "tcp", wantID: "ok"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Target: k.Addr(tc.tr), Transport: tc.tr, User: "120", Password: k.Accounts["120"],
				Receive: ReceiveConfig{FromUser: "121", FromPassword: k.Accounts["121"], Wait: 8 * time.Second, RTP: tc.rtp}}
			r := kamProbe(t, KindReceive, cfg)
			wantDiagnosis(t, r, tc.wantID, results.StatusOK)
			rd := r.Details.Receive
			if rd == nil || !rd.InviteReceived || !rd.ACKReceived || !rd.BYEReceived || rd.Targeted != "registered" {
				for _, m := range r.Messages {
					t.Logf("%s %v %s", m.Dir, m.AtMs, strings.SplitN(m.Raw, "\r\n", 2)[0])
				}
				t.Fatalf("receive details %+v", rd)
			}
			if len(rd.RecordRoute) == 0 || len(rd.Via) < 2 || len(rd.OfferedCodecs) == 0 || rd.TriggerCode != 200 {
				t.Errorf("path %v via %v codecs %v trigger %d", rd.RecordRoute, rd.Via, rd.OfferedCodecs, rd.TriggerCode)
			}
			if tc.rtp && (rd.RTPSent == 0 || rd.RTPReceived == 0) {
				t.Errorf("rtp sent %d received %d", rd.RTPSent, rd.RTPReceived)
			}
			// --rtp measures the caller's audio as invite --rtp does: both
			// directions from RTP and RTCP, and the MOS estimate.
			if m := r.Details.Media; tc.rtp != (m != nil) {
				t.Errorf("media details %+v with --rtp %v", m, tc.rtp)
			} else if tc.rtp && (m.Received == nil || m.Received.Received == 0 || m.Received.Lost != 0 || m.Sent.Packets == 0 || m.MOS < 4) {
				t.Errorf("media details %+v, received %+v", m, m.Received)
			}
			if d := r.Details; d.Unbound == nil || !*d.Unbound {
				t.Errorf("not unbound: %+v", d)
			}
			if left := k.Contacts(t, "120"); len(left) != 0 {
				t.Errorf("left registered: %+v", left)
			}
		})
	}
}

// TestReceiveEvictionGuard: receive binds as register --bind does, so an
// account with a phone is left alone unless --allow-evict, and a
// one-contact registrar's evicted phone is put back after the call.
func TestReceiveEvictionGuard(t *testing.T) {
	const phone = "sip:120@192.0.2.44:5062"
	for _, tc := range []struct {
		name       string
		allowEvict bool
		wantID     string
		wantStatus results.Status
		wantCall   bool
	}{
		// receive's question went unasked: UNKNOWN, not a warning.
		{name: "phone registered: nothing bound, no call", wantID: "receive-would-evict", wantStatus: results.StatusUnknown},
		{name: "--allow-evict: call taken, phone evicted and restored", allowEvict: true, wantID: "contact-evicted", wantStatus: results.StatusWarning, wantCall: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := kamailio.Start(t, kamailio.WithSingleContact())
			k.AddContact(t, "120", phone, time.Hour)
			cfg := Config{Target: k.Addr("udp"), User: "120", Password: k.Accounts["120"], AllowEvict: tc.allowEvict,
				Receive: ReceiveConfig{FromUser: "121", FromPassword: k.Accounts["121"], Wait: 8 * time.Second}}
			r := kamProbe(t, KindReceive, cfg)
			wantDiagnosis(t, r, tc.wantID, tc.wantStatus)
			rd := r.Details.Receive
			if rd.InviteReceived != tc.wantCall || rd.ACKReceived != tc.wantCall {
				t.Errorf("call %+v, want taken: %v", rd, tc.wantCall)
			}
			if !tc.wantCall {
				for _, m := range r.Messages {
					if m.Dir == results.DirOut && strings.HasPrefix(m.Raw, "INVITE") {
						t.Errorf("placed a call though nothing was bound:\n%s", m.Raw)
					}
				}
			}
			if tc.allowEvict && (len(r.Details.Evicted) != 1 || !r.Details.Evicted[0].Restored) {
				t.Errorf("evicted %+v, want the phone restored", r.Details.Evicted)
			}
			wantOnlyPhone(t, k, phone)
		})
	}
}

// TestReceiveAnyCall: without --from-user receive waits for any call; here
// an invite probe of 121 places it once 120's contact is bound, and the
// call is taken, held and hung up by us.
func TestReceiveAnyCall(t *testing.T) {
	k := kamailio.Start(t)
	done := make(chan results.Result, 1)
	go func() {
		done <- kamProbe(t, KindReceive, Config{Target: k.Addr("udp"), User: "120", Password: k.Accounts["120"],
			Receive: ReceiveConfig{Wait: 10 * time.Second}})
	}()
	for len(k.Contacts(t, "120")) == 0 {
		time.Sleep(20 * time.Millisecond) // polling for the binding, not timing the probe
	}
	call := kamProbe(t, KindInvite, Config{Target: k.Addr("udp"), User: "121", Password: k.Accounts["121"],
		Invite: InviteConfig{To: "120", Hold: 5 * time.Second}})
	r := <-done
	wantDiagnosis(t, r, "ok", results.StatusOK)
	if rd := r.Details.Receive; !rd.InviteReceived || !rd.ACKReceived || rd.EndedBy != "sipprobe-bye" || rd.From != "" {
		t.Errorf("receive details %+v", rd)
	}
	if call.Diagnosis.ID != "ok" || call.Details.Invite.EndedBy != "remote-bye" {
		t.Errorf("the caller: %s, ended by %q", call.Diagnosis.ID, call.Details.Invite.EndedBy)
	}
	if left := k.Contacts(t, "120"); len(left) != 0 {
		t.Errorf("left registered: %+v", left)
	}
}

// TestReceiveOpenRegistrar: a registrar that binds without a challenge
// does not make the inbound call fail (the question is the call), but a
// password given and never asked for is said, as for options; without a
// password (IP authentication, chosen) nothing is said.
func TestReceiveOpenRegistrar(t *testing.T) {
	k := kamailio.Start(t, kamailio.WithOpenRegistrar())
	for _, tc := range []struct {
		name     string
		password string
		note     bool
	}{
		{"password never asked for", k.Accounts["120"], true},
		{"no password", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Target: k.Addr("udp"), Transport: "udp", User: "120", Password: tc.password,
				Receive: ReceiveConfig{FromUser: "121", FromPassword: k.Accounts["121"], Wait: 8 * time.Second}}
			r := kamProbe(t, KindReceive, cfg)
			wantDiagnosis(t, r, "ok", results.StatusOK)
			if rd := r.Details.Receive; rd == nil || !rd.InviteReceived {
				t.Fatalf("receive details %+v", rd)
			}
			notes := strings.Join(r.Diagnosis.Notes, "\n")
			if got := strings.Contains(notes, "accepted the registration without asking for credentials"); got != tc.note {
				t.Errorf("note said %v, want %v:\n%s", got, tc.note, notes)
			}
			if left := k.Contacts(t, "120"); len(left) != 0 {
				t.Errorf("left registered: %+v", left)
			}
		})
	}
}
