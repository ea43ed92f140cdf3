package probe

import (
	"context"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/testpeers"
	"github.com/sipprobe/sipprobe/results"
)

// TestRegisterCredentialsNotChecked registers with SIPp registrars that do
// or do not challenge: a password the server never asked for was not
// checked, which answers "are the credentials accepted?" with a warning;
// without a password an unchallenged 200 is IP authentication and OK.
func TestRegisterCredentialsNotChecked(t *testing.T) {
	testpeers.Require(t, "sipp")
	cases := []struct {
		name       string
		scenario   string
		password   string
		bind       bool
		wantID     string
		wantStatus results.Status
		wantAuth   int
	}{
		{name: "no challenge, password given", scenario: "register_noauth.xml", password: "definitelywrong",
			wantID: "credentials-not-checked", wantStatus: results.StatusWarning},
		{name: "no challenge, bind, password given", scenario: "register_noauth_bind.xml", password: "definitelywrong", bind: true,
			wantID: "credentials-not-checked", wantStatus: results.StatusWarning},
		{name: "no challenge, no password", scenario: "register_noauth.xml",
			wantID: "ok", wantStatus: results.StatusOK},
		{name: "challenged, password given", scenario: "register_auth.xml", password: "secret",
			wantID: "ok", wantStatus: results.StatusOK, wantAuth: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			registrar := sippCallee(t, tc.scenario)
			r := Run(context.Background(), KindRegister, Config{
				Target: registrar.Addr(), User: "120", Password: tc.password, Bind: tc.bind,
				Timeout: 3 * time.Second, NoFallback: true,
			})
			if r.Diagnosis.ID != tc.wantID || r.Status != tc.wantStatus {
				t.Errorf("diagnosis %s (%s), want %s (%s); notes %v", r.Diagnosis.ID, r.Status, tc.wantID, tc.wantStatus, r.Diagnosis.Notes)
			}
			if r.FinalCode != 200 {
				t.Errorf("final %d %s", r.FinalCode, r.FinalReason)
			}
			if r.Details == nil || r.Details.AuthAttempts != tc.wantAuth {
				t.Errorf("details %+v, want %d auth attempts", r.Details, tc.wantAuth)
			}
			if tc.bind && (r.Details.BindingVerified == nil || !*r.Details.BindingVerified) {
				t.Errorf("binding not verified: %+v", r.Details)
			}
			if err := registrar.Wait(); err != nil {
				t.Errorf("sipp: %v", err)
			}
		})
	}
}
