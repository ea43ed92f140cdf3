package history

import (
	"context"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/results"
)

func TestServerLogins(t *testing.T) {
	h := time.Hour
	on := func(target, user string, at time.Time, code int, diag string) results.Result {
		r := res("reg-"+user, at, results.StatusCritical, code, diag, 1)
		r.Target, r.User = target, user
		if code != 0 {
			r.Responses = []results.Response{{Code: code}}
		}
		return r
	}
	options := func(target string, at time.Time, code int, provisional bool) results.Result {
		r := on(target, "", at, code, "ok")
		r.Probe = "options"
		if provisional {
			r.Responses = []results.Response{{Code: 100}}
		}
		return r
	}
	negative := on("sip:pbx.test", "121", t0, 403, "wrong-password")
	negative.Status, negative.Expect = results.StatusOK, &results.ExpectationResult{Met: true}
	timed := on("sip:pbx.test", "121", t0, 403, "wrong-password") // expect.max_ms met: still CRITICAL
	timed.Expect = &results.ExpectationResult{Met: true}
	since, recent := t0.Add(-h), t0.Add(-10*time.Minute)
	tests := []struct {
		name   string
		saved  []results.Result
		target string
		want   results.ServerLogins
	}{
		{"none", nil, "pbx.test", results.ServerLogins{}},
		{"any account, port and transport of the server",
			[]results.Result{on("sip:pbx.test", "120", t0.Add(-time.Minute), 403, "wrong-password"), on("sips:pbx.test:5061", "121", t0, 404, "unknown-user")},
			"sip:pbx.test:5060", results.ServerLogins{Refused: 2, RefusedRecent: 2, LastRefused: t0}},
		{"negative test counts", []results.Result{negative}, "pbx.test", results.ServerLogins{Refused: 1, RefusedRecent: 1, LastRefused: t0}},
		{"a refusal under a time expectation counts", []results.Result{timed}, "pbx.test", results.ServerLogins{Refused: 1, RefusedRecent: 1, LastRefused: t0}},
		{"before the window, within since",
			[]results.Result{on("sip:pbx.test", "120", t0.Add(-30*time.Minute), 403, "wrong-password"), on("sip:pbx.test", "122", t0, 403, "wrong-password")},
			"pbx.test", results.ServerLogins{Refused: 2, RefusedRecent: 1, LastRefused: t0}},
		{"before since", []results.Result{on("sip:pbx.test", "120", t0.Add(-2*h), 403, "wrong-password")}, "pbx.test", results.ServerLogins{}},
		{"other server", []results.Result{on("sip:pbx.other", "120", t0, 403, "wrong-password")}, "pbx.test", results.ServerLogins{}},
		{"host that contains the host", []results.Result{on("sip:xpbx.test", "120", t0, 403, "wrong-password"), options("sip:pbx.test.example", t0, 200, false)}, "pbx.test", results.ServerLogins{}},
		{"wildcards in the host are literal", []results.Result{on("sip:pbx1test", "120", t0, 403, "wrong-password")}, "pbx_test", results.ServerLogins{}},
		{"no final response is no refusal", []results.Result{on("sip:pbx.test", "120", t0, 0, "wrong-password")}, "pbx.test", results.ServerLogins{}},
		{"answer without a user, after the refusal",
			[]results.Result{on("sip:pbx.test", "120", t0.Add(-time.Minute), 403, "wrong-password"), options("sip:pbx.test:5070;transport=tcp", t0, 200, false)},
			"pbx.test", results.ServerLogins{Refused: 1, RefusedRecent: 1, LastRefused: t0.Add(-time.Minute), LastAnswer: t0}},
		{"a 1xx alone is an answer", []results.Result{options("pbx.test", t0, 0, true)}, "pbx.test", results.ServerLogins{LastAnswer: t0}},
		{"a server error is an answer", []results.Result{on("sip:pbx.test", "120", t0, 503, "server-error")}, "pbx.test", results.ServerLogins{LastAnswer: t0}},
		{"silence is no answer", []results.Result{options("pbx.test", t0, 0, false), on("pbx.test", "120", t0, 0, "fail2ban-ban")}, "pbx.test", results.ServerLogins{}},
		{"ipv6", []results.Result{on("sip:[2001:db8::1]:5060", "120", t0, 403, "wrong-password"), options("[2001:db8::1]:5070", t0.Add(time.Second), 200, false)},
			"[2001:db8::1]", results.ServerLogins{Refused: 1, RefusedRecent: 1, LastRefused: t0, LastAnswer: t0.Add(time.Second)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTemp(t)
			mustSave(t, s, "run", tt.saved...)
			got, err := s.ServerLogins(context.Background(), tt.target, since, recent)
			if err != nil || got != tt.want {
				t.Fatalf("ServerLogins(%q) = %+v, %v\nwant %+v", tt.target, got, err, tt.want)
			}
		})
	}
}
