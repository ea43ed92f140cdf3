package probe

import (
	"strings"
	"testing"

	"github.com/sipprobe/sipprobe/internal/kamailio"
	"github.com/sipprobe/sipprobe/results"
)

// TestOptionsCredentialsNotChecked: options answers "is the service
// alive?", so credentials Kamailio never asked for keep it OK, but the
// diagnosis says they were not checked rather than let a password look
// accepted.
func TestOptionsCredentialsNotChecked(t *testing.T) {
	const note = "did not ask for credentials"
	cases := []struct {
		name     string
		opts     []kamailio.Option
		user, pw string
		wantNote bool
		wantAuth int
	}{
		{name: "not challenged, credentials given", user: "120", pw: "definitelywrong", wantNote: true},
		{name: "not challenged, no credentials"},
		{name: "challenged, credentials given", opts: []kamailio.Option{kamailio.WithOptionsAuth()},
			user: "120", pw: "secret120", wantAuth: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := kamailio.Start(t, tc.opts...)
			r := kamProbe(t, KindOptions, Config{Target: k.Addr("udp"), User: tc.user, Password: tc.pw})
			if r.Status != results.StatusOK || r.FinalCode != 200 {
				t.Fatalf("got %s %d (%s), want ok 200", r.Status, r.FinalCode, r.Diagnosis.ID)
			}
			got := strings.Contains(strings.Join(r.Diagnosis.Notes, "\n"), note)
			if got != tc.wantNote {
				t.Errorf("notes %q: note %q present %v, want %v", r.Diagnosis.Notes, note, got, tc.wantNote)
			}
			if n := len(r.Responses); n != 1+tc.wantAuth {
				t.Errorf("%d responses, want %d", n, 1+tc.wantAuth)
			}
		})
	}
}
