package demo

import (
	"context"
	"testing"
	"time"
)

// TestRunGivesDesignedDiagnoses runs the whole demo on loopback and checks
// each step's diagnosis id (never the prose, which the catalogue owns).
func TestRunGivesDesignedDiagnoses(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rep, err := Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"demo-options":          "ok",
		"demo-register":         "ok",
		"demo-wrong-password":   "wrong-password",
		"demo-unknown-user":     "unknown-user",
		"demo-call":             "ok",
		"demo-codec-mismatch":   "codec-mismatch",
		"demo-udp-silent":       "transport-mismatch",
		"demo-port-unreachable": "port-unreachable",
	}
	if len(rep.Outcomes) != len(want) {
		t.Fatalf("%d outcomes, want %d", len(rep.Outcomes), len(want))
	}
	for _, o := range rep.Outcomes {
		if got := o.Result.Diagnosis.ID; got != want[o.Name] {
			t.Errorf("%s: diagnosis %q (final %d %s, error %q), want %q", o.Name, got, o.Result.FinalCode, o.Result.FinalReason, o.Result.Error, want[o.Name])
		}
		// The demo's own design check is not an expectation of the result:
		// a wrong password must read CRITICAL, not "expectation met".
		if o.Result.Name != o.Name || o.Result.Expect != nil {
			t.Errorf("%s: name not recorded or an expectation added: %+v", o.Name, o.Result.Expect)
		}
	}
	if !rep.AllMet() {
		t.Error("AllMet is false")
	}
	// The silent UDP case must also say that TCP to the same address answered.
	for _, o := range rep.Outcomes {
		if o.Name == "demo-udp-silent" {
			d := o.Result.Details
			if d == nil || d.AltTransport == nil || !d.AltTransport.Answered {
				t.Errorf("udp-silent: TCP fallback not answered: %+v", d)
			}
		}
	}
}
