package probe

import (
	"strings"
	"testing"
	"time"

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
		t.Errorf("notes:\n%s", notes)
	}
	if in := r.Details.Invite; in == nil || in.ACKConfirmed == nil || !*in.ACKConfirmed || in.EndedBy != "sipprobe-bye" {
		t.Errorf("invite details %+v", in)
	}
}
