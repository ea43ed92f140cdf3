package probe

import (
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/internal/kamailio"
	"github.com/sipprobe/sipprobe/results"
)

// TestInviteForked calls 600, which has two phones registered on a real
// Kamailio that forks the INVITE to both (a ring group). One answers at
// once; the other answers only as the proxy's CANCEL reaches it, so its
// 2xx crosses the CANCEL and the proxy relays it too (RFC 3261 §16.7).
// Each 2xx must get an ACK in its own dialog, and the one we did not take
// a BYE (RFC 3261 §13.2.2.4); the result says so.
func TestInviteForked(t *testing.T) {
	k := kamailio.Start(t)
	first := newForkPhone(t, k, "600", false)
	late := newForkPhone(t, k, "600", true)
	cfg := Config{Target: k.Addr("udp"), User: "120", Password: k.Accounts["120"], NoFallback: true,
		Invite: InviteConfig{To: "600", Hold: 1500 * time.Millisecond}}
	r := kamProbe(t, KindInvite, cfg)
	wantDiagnosis(t, r, "ok", results.StatusOK)
	for _, tc := range []struct {
		name  string
		phone *forkPhone
	}{{"the phone that answered first", first}, {"the phone whose 2xx crossed the CANCEL", late}} {
		t.Run(tc.name, func(t *testing.T) {
			acks, byes, foreign, log := tc.phone.got()
			if acks == 0 || byes != 1 || foreign != 0 {
				for _, m := range r.Messages {
					t.Logf("%s %v %s", m.Dir, m.AtMs, strings.SplitN(m.Raw, "\r\n", 2)[0])
				}
				t.Errorf("ACKs %d, BYEs %d in its dialog, %d in another's; it got: %s", acks, byes, foreign, log)
			}
		})
	}
	notes := strings.Join(r.Diagnosis.Notes, "\n")
	if !strings.Contains(notes, "another contact also answered (To-tag "+late.tag) || !strings.Contains(notes, "the BYE got 200 OK") {
		for _, m := range r.Messages {
			t.Logf("%s %v %s", m.Dir, m.AtMs, strings.ReplaceAll(m.Raw, "\r\n", " | "))
		}
		t.Errorf("notes (first %s, late %s):\n%s", first.tag, late.tag, notes)
	}
	if in := r.Details.Invite; in == nil || in.ACKConfirmed == nil || !*in.ACKConfirmed || in.EndedBy != "sipprobe-bye" {
		t.Errorf("invite details %+v", in)
	}
}

// TestInviteForkedByeChallenged: the phone we do not take challenges our
// BYE (401); like the call's own BYE it gets one authenticated retry, so
// that phone is not left with a call up.
func TestInviteForkedByeChallenged(t *testing.T) {
	k := kamailio.Start(t)
	newForkPhone(t, k, "600", false)
	late := newForkPhone(t, k, "600", true)
	late.mu.Lock()
	late.challengeBye = true
	late.mu.Unlock()
	cfg := Config{Target: k.Addr("udp"), User: "120", Password: k.Accounts["120"], NoFallback: true,
		Invite: InviteConfig{To: "600", Hold: 1500 * time.Millisecond}}
	r := kamProbe(t, KindInvite, cfg)
	wantDiagnosis(t, r, "ok", results.StatusOK)
	acks, byes, foreign, log := late.got()
	if acks == 0 || byes != 2 || foreign != 0 {
		t.Errorf("ACKs %d, BYEs %d (want the challenged one and its authenticated retry), %d in another dialog; it got: %s", acks, byes, foreign, log)
	}
	if notes := strings.Join(r.Diagnosis.Notes, "\n"); !strings.Contains(notes, "the BYE got 200 OK") {
		t.Errorf("notes:\n%s", notes)
	}
}

// TestReceiveForked: receive binds a contact of 600 next to a phone, and
// Kamailio forks the trigger call to both. Whoever answers first, the
// INVITE reached our contact, so calls to 600 work: OK, never
// inbound-ack-lost, and the phone's dialog and ours both get their own ACK
// and a BYE.
func TestReceiveForked(t *testing.T) {
	for _, tc := range []struct {
		name      string
		phoneLate bool // the phone answers only as the CANCEL reaches it
	}{
		// Who the trigger call takes is up to the schedulers even then
		// (sipgo hands each 2xx up on a goroutine of its own): the test
		// reads it from the transcript.
		{name: "the phone answers at once"},
		{name: "we answer first, the phone's 2xx crosses the CANCEL", phoneLate: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := kamailio.Start(t)
			phone := newForkPhone(t, k, "600", tc.phoneLate)
			cfg := Config{Target: k.Addr("udp"), User: "600", Password: k.Accounts["600"], AllowEvict: true,
				Receive: ReceiveConfig{FromUser: "121", FromPassword: k.Accounts["121"], Wait: 8 * time.Second, RTP: true}}
			r := kamProbe(t, KindReceive, cfg)
			logTranscript := func() {
				for _, m := range r.Messages {
					t.Logf("%s %v %s", m.Dir, m.AtMs, strings.SplitN(m.Raw, "\r\n", 2)[0])
				}
			}
			if r.Diagnosis.ID != "ok" || r.Status != results.StatusOK {
				logTranscript()
				t.Fatalf("got %s/%s (%s; notes %v), want ok", r.Diagnosis.ID, r.Status, r.Diagnosis.Summary, r.Diagnosis.Notes)
			}
			phoneFirst := takenTag(r) == phone.tag
			rd := r.Details.Receive
			if !rd.InviteReceived || (!phoneFirst && !rd.ACKReceived) {
				logTranscript()
				t.Errorf("receive details %+v", rd)
			}
			notes := strings.Join(r.Diagnosis.Notes, "\n")
			if got := strings.Contains(notes, "another contact of the account answered first; the INVITE reached our contact after"); got != phoneFirst {
				logTranscript()
				t.Errorf("answered-elsewhere note %v, want %v:\n%s", got, phoneFirst, notes)
			}
			if got := r.Details.Media != nil; got == phoneFirst {
				t.Errorf("audio judged %v on a call we took: %v", got, !phoneFirst)
			}
			if acks, byes, foreign, log := phone.got(); acks == 0 || byes != 1 || foreign != 0 {
				logTranscript()
				t.Errorf("phone: ACKs %d, BYEs %d in its dialog, %d in another's; it got: %s", acks, byes, foreign, log)
			}
		})
	}
}

// takenTag is the To-tag of the dialog the trigger call took: the first
// ACK it sent (confirm ACKs the call's own 2xx before any other; sipgo
// hands the 2xx up on a goroutine each, so the wire order of the 2xx
// responses does not tell).
func takenTag(r results.Result) string {
	for _, m := range r.Messages {
		if m.Dir != results.DirOut || !strings.HasPrefix(m.Raw, "ACK ") {
			continue
		}
		if msg, err := sip.ParseMessage([]byte(m.Raw)); err == nil && msg.To() != nil {
			tag, _ := msg.To().Params.Get("tag")
			return tag
		}
	}
	return ""
}
