package probe

import (
	"strings"
	"testing"

	"github.com/sipprobe/sipprobe/internal/kamailio"
	"github.com/sipprobe/sipprobe/results"
)

// TestInviteToUnregisteredExtension: Kamailio answers a call to an
// extension without a registered phone with 404 Not Found (its location
// lookup fails). That is number-not-found, and the diagnosis says the
// likely reason on a proxy: no phone registered, not only "dialled wrong".
func TestInviteToUnregisteredExtension(t *testing.T) {
	k := kamailio.Start(t)
	r := kamProbe(t, KindInvite, inviteConfig(k.Addr("udp"), func(c *Config) {
		c.Password = k.Accounts["120"]
		c.Domain = k.Realm
	}))
	wantDiagnosis(t, r, "number-not-found", results.StatusCritical)
	if r.FinalCode != 404 {
		t.Errorf("final %d %s, want Kamailio's 404", r.FinalCode, r.FinalReason)
	}
	text := r.Diagnosis.Summary + "\n" + strings.Join(r.Diagnosis.Causes, "\n") + "\n" + strings.Join(r.Diagnosis.Remedies, "\n")
	for _, want := range []string{"no phone registered", "location lookup finds no contact", "kamctl ul show"} {
		if !strings.Contains(text, want) {
			t.Errorf("diagnosis lacks %q:\n%s", want, text)
		}
	}
}
