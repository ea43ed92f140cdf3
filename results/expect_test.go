package results

import (
	"strings"
	"testing"

	"github.com/sipprobe/sipprobe/catalog"
)

func TestExpectationJudge(t *testing.T) {
	cat := catalog.Default()
	ok := Result{Status: StatusOK, FinalCode: 200, FinalReason: "OK", Diagnosis: catalog.Diagnosis{ID: "ok", Severity: catalog.SeverityOK}, Timings: Timings{Total: 100}}
	refused := Result{Status: StatusCritical, FinalCode: 403, FinalReason: "Wrong Guess", Diagnosis: catalog.Diagnosis{ID: "wrong-password", Severity: catalog.SeverityCritical}, Timings: Timings{Total: 100}}
	zero, two := 0, 2
	registered := func(n *int) Result {
		r := ok
		r.Probe = "register"
		r.Details = &Details{ContactCount: n}
		return r
	}
	slowCall := ok
	slowCall.Timings.Total = 5000 // includes the hold
	slowCall.Details = &Details{Invite: &InviteDetails{SetupMs: 40, HeldMs: 4900}}
	for _, tc := range []struct {
		name     string
		e        Expectation
		r        Result
		want     Status
		id       string // diagnosis after judging
		observed string // Observed.ID, "" for none
		met      bool
		reason   string // part of the reasons
	}{
		{"no expectation keeps the verdict", Expectation{}, refused, StatusCritical, "wrong-password", "", false, ""},
		{"negative test met", Expectation{Diagnosis: "wrong-password"}, refused, StatusOK, "wrong-password", "", true, ""},
		{"negative test not met", Expectation{Diagnosis: "wrong-password"}, ok, StatusCritical, "expectation-failed", "ok", false, "expected diagnosis wrong-password, got ok"},
		{"code met", Expectation{Code: 403}, refused, StatusOK, "wrong-password", "", true, ""},
		{"code not met", Expectation{Code: 404}, ok, StatusCritical, "expectation-failed", "ok", false, "expected final code 404, got 200 OK"},
		{"code expected, none came", Expectation{Code: 200}, Result{Status: StatusCritical, Diagnosis: catalog.Diagnosis{ID: "nat-timeout"}}, StatusCritical, "expectation-failed", "nat-timeout", false, "got no final response"},
		{"negative test met but slow", Expectation{Code: 403, MaxMs: 50}, refused, StatusWarning, "slow-response", "wrong-password", false, "more than max_ms 50"},
		{"slow is warning", Expectation{MaxMs: 50}, ok, StatusWarning, "slow-response", "ok", false, "took 100.0 ms, more than max_ms 50"},
		{"fast enough", Expectation{MaxMs: 150}, ok, StatusOK, "ok", "", true, ""},
		{"above crit_ms is critical", Expectation{MaxMs: 20, CritMs: 50}, ok, StatusCritical, "expectation-failed", "ok", false, "more than crit_ms 50"},
		{"between max_ms and crit_ms is warning", Expectation{MaxMs: 50, CritMs: 500}, ok, StatusWarning, "slow-response", "ok", false, "max_ms 50"},
		{"slow but failed stays critical", Expectation{MaxMs: 1}, refused, StatusCritical, "wrong-password", "", false, "max_ms 1"},
		{"codec mismatch", Expectation{Codec: "pcma"}, ok, StatusCritical, "expectation-failed", "ok", false, "expected codec pcma, got none"},
		{"a call's setup time counts, not its hold", Expectation{MaxMs: 100}, slowCall, StatusOK, "ok", "", true, ""},
		{"no contacts is ok unless asked", Expectation{Code: 200}, registered(&zero), StatusOK, "ok", "", true, ""},
		{"fewer contacts than asked", Expectation{MinContacts: 1}, registered(&zero), StatusWarning, "no-contacts", "ok", false, "0 registered, expected at least 1"},
		{"enough contacts", Expectation{MinContacts: 2}, registered(&two), StatusOK, "ok", "", true, ""},
		{"not run stays unknown", Expectation{Code: 200}, Result{Status: StatusUnknown, Error: "not run", Diagnosis: catalog.Diagnosis{ID: "not-run"}}, StatusUnknown, "not-run", "", false, ""},
		{"interrupted stays unknown though its code matched", Expectation{Code: 200}, Result{Status: StatusUnknown, FinalCode: 200, Diagnosis: catalog.Diagnosis{ID: "canceled"}, Observed: &Observed{ID: "ok"}}, StatusUnknown, "canceled", "ok", false, "not judged"},
		{"credentials missing stays unknown", Expectation{Code: 200}, Result{Status: StatusUnknown, FinalCode: 401, Diagnosis: catalog.Diagnosis{ID: "credentials-required"}}, StatusUnknown, "credentials-required", "", false, "expected final code 200"},
		{"credentials missing, its code expected", Expectation{Code: 401}, Result{Status: StatusUnknown, FinalCode: 401, Diagnosis: catalog.Diagnosis{ID: "credentials-required"}}, StatusOK, "credentials-required", "", true, ""},
		{"credentials missing, only a time expected", Expectation{MaxMs: 1000}, Result{Status: StatusUnknown, FinalCode: 401, Diagnosis: catalog.Diagnosis{ID: "credentials-required"}}, StatusUnknown, "credentials-required", "", false, "not judged"},
		{"an expected 200 does not hide a finding behind it", Expectation{Code: 200}, Result{Status: StatusCritical, FinalCode: 200, Diagnosis: catalog.Diagnosis{ID: "ack-not-received"}}, StatusCritical, "ack-not-received", "", true, ""},
		{"an expected 200 does not hide a warning", Expectation{Code: 200}, Result{Status: StatusWarning, FinalCode: 200, Diagnosis: catalog.Diagnosis{ID: "tls-cert-expiring"}}, StatusWarning, "tls-cert-expiring", "", true, ""},
		{"expected an unknown outcome", Expectation{Diagnosis: "credentials-required"}, Result{Status: StatusUnknown, FinalCode: 401, Diagnosis: catalog.Diagnosis{ID: "credentials-required"}}, StatusOK, "credentials-required", "", true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.e.Judge(tc.r, cat, catalog.EN)
			if got.Status != tc.want || got.Diagnosis.ID != tc.id {
				t.Errorf("got %s %s, want %s %s", got.Status, got.Diagnosis.ID, tc.want, tc.id)
			}
			if obs := got.Observed; (obs == nil) != (tc.observed == "") || obs != nil && obs.ID != tc.observed {
				t.Errorf("observed %+v, want %q", obs, tc.observed)
			}
			if !tc.e.IsZero() && (got.Expect == nil || got.Expect.Met != tc.met) {
				t.Errorf("met %+v, want %v", got.Expect, tc.met)
			}
			if tc.reason != "" && (got.Expect == nil || !strings.Contains(strings.Join(got.Expect.Reasons, "; "), tc.reason)) {
				t.Errorf("reasons %+v, want %q in them", got.Expect, tc.reason)
			}
			if got.Status != StatusOK && tc.id != "expectation-failed" && got.Diagnosis.ID == "expectation-failed" {
				t.Errorf("unexpected expectation-failed")
			}
			if got.Diagnosis.ID == "expectation-failed" && !strings.Contains(got.Diagnosis.Summary, tc.reason) {
				t.Errorf("summary %q does not say %q", got.Diagnosis.Summary, tc.reason)
			}
		})
	}
}

func TestExpectationJudgeRussian(t *testing.T) {
	r := Result{Status: StatusOK, FinalCode: 200, FinalReason: "OK", Diagnosis: catalog.Diagnosis{ID: "ok"}}
	got := Expectation{Code: 404}.Judge(r, catalog.Default(), catalog.RU)
	if got.Diagnosis.ID != "expectation-failed" || !strings.Contains(got.Diagnosis.Summary, "ожидался окончательный код 404, получен 200 OK") {
		t.Errorf("ru summary %q", got.Diagnosis.Summary)
	}
}

func TestExpectedRefusal(t *testing.T) {
	cat := catalog.Default()
	refused := Result{Status: StatusCritical, FinalCode: 403, FinalReason: "Forbidden", Diagnosis: catalog.Diagnosis{ID: "wrong-password", Severity: catalog.SeverityCritical}, Timings: Timings{Total: 100}}
	for _, tc := range []struct {
		name string
		e    Expectation
		want bool
	}{
		{"no expectation", Expectation{}, false},
		{"a negative test", Expectation{Diagnosis: "wrong-password"}, true},
		{"a negative test, too slow", Expectation{Code: 403, MaxMs: 10}, true},
		{"only a time expectation, met", Expectation{MaxMs: 1000}, false},
		{"only a time expectation, crit_ms met", Expectation{CritMs: 1000}, false},
		{"another outcome expected", Expectation{Code: 200}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ExpectedRefusal(tc.e.Judge(refused, cat, catalog.EN)); got != tc.want {
				t.Errorf("ExpectedRefusal = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestExpectsMediaRefusal: a negative test for a media refusal places one
// call; expecting srtp-required does not count, since only the retry can
// show it.
func TestExpectsMediaRefusal(t *testing.T) {
	for _, tc := range []struct {
		name string
		e    Expectation
		want bool
	}{
		{"nothing", Expectation{}, false},
		{"488", Expectation{Code: 488}, true},
		{"606", Expectation{Code: 606}, true},
		{"486", Expectation{Code: 486}, false},
		{"codec-mismatch", Expectation{Diagnosis: "codec-mismatch"}, true},
		{"srtp-not-supported", Expectation{Diagnosis: "srtp-not-supported"}, true},
		{"srtp-required", Expectation{Diagnosis: "srtp-required"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.e.ExpectsMediaRefusal(); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
