package main

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/kamailio"
)

// register --bind on an account with a phone, from the command line: the
// flag and its environment variable reach the probe, exit 1 both ways.
func TestRegisterBindAllowEvict(t *testing.T) {
	const phone = "sip:120@192.0.2.44:5062"
	k := kamailio.Start(t, kamailio.WithSingleContact())
	k.AddContact(t, "120", phone, time.Hour)
	t.Setenv("SIPPROBE_PASSWORD", "secret120")
	base := []string{"register", "--server", k.Addr("udp"), "--user", "120", "--domain", kamailio.DefaultRealm, "--bind", "-o", "json"}
	for _, tc := range []struct {
		name string
		env  string
		args []string
		id   string
	}{
		{"without --allow-evict", "", nil, "bind-would-evict"},
		{"--allow-evict", "", []string{"--allow-evict"}, "contact-evicted"},
		{"SIPPROBE_ALLOW_EVICT", "1", nil, "contact-evicted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("SIPPROBE_ALLOW_EVICT", tc.env)
			code, out, stderr := runMain(t, append(base, tc.args...)...)
			var r struct {
				Diagnosis struct{ ID string }
				Details   struct {
					Evicted []struct {
						URI      string
						Restored bool
					}
				}
			}
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatalf("%v\n%s%s", err, out, stderr)
			}
			if code != 1 || r.Diagnosis.ID != tc.id {
				t.Fatalf("exit %d, %s; want 1, %s", code, r.Diagnosis.ID, tc.id)
			}
			if tc.id == "contact-evicted" && (len(r.Details.Evicted) != 1 || !r.Details.Evicted[0].Restored) {
				t.Errorf("evicted %+v, want the phone restored", r.Details.Evicted)
			}
			if got := k.Contacts(t, "120"); len(got) != 1 || got[0].Address != phone {
				t.Fatalf("after the probe: %+v", got)
			}
		})
	}
}
