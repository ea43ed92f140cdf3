package history

import (
	"context"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/results"
)

func TestAccountKey(t *testing.T) {
	tests := []struct{ name, target, user, want string }{
		{"host", "pbx.local", "120", "120@pbx.local"},
		{"host-port", "pbx.local:5070", "120", "120@pbx.local"},
		{"sip-uri-params", "sip:PBX.local:5070;transport=tcp", "120", "120@pbx.local"},
		{"sips-uri", "sips:pbx.local", "120", "120@pbx.local"},
		{"uri-with-user", "sip:200@pbx.local", "120", "120@pbx.local"},
		{"ipv6", "[2001:db8::1]:5060", "120", "120@2001:db8::1"},
		{"ipv6-uri", "sip:[2001:db8::1];transport=udp", "120", "120@2001:db8::1"},
		{"fqdn-dot", "pbx.example.com.", "120", "120@pbx.example.com"},
		{"no-user", "pbx.local", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AccountKey(tt.target, tt.user); got != tt.want {
				t.Fatalf("AccountKey(%q, %q) = %q, want %q", tt.target, tt.user, got, tt.want)
			}
		})
	}
}

func TestRejectedRecently(t *testing.T) {
	acct := AccountKey("sip:pbx.test", "120")
	ok := func(at time.Time) results.Result { return res("reg", at, results.StatusOK, 200, "ok", 1) }
	wrong := func(at time.Time) results.Result {
		return res("reg", at, results.StatusCritical, 403, "wrong-password", 1)
	}
	timeout := func(at time.Time) results.Result {
		return res("reg", at, results.StatusCritical, 0, "nat-timeout", 5000)
	}
	h := time.Hour
	tests := []struct {
		name  string
		saved []results.Result
		since time.Time
		want  bool
	}{
		{"nothing-recorded", nil, t0.Add(-h), false},
		{"rejected-in-window", []results.Result{wrong(t0)}, t0.Add(-h), true},
		{"rejected-before-window", []results.Result{wrong(t0.Add(-2 * h))}, t0.Add(-h), false},
		{"accepted-after-rejection-clears", []results.Result{wrong(t0.Add(-30 * time.Minute)), ok(t0)}, t0.Add(-h), false},
		{"rejected-after-acceptance", []results.Result{ok(t0.Add(-30 * time.Minute)), wrong(t0)}, t0.Add(-h), true},
		{"timeout-does-not-clear", []results.Result{wrong(t0.Add(-30 * time.Minute)), timeout(t0)}, t0.Add(-h), true},
		{"unknown-user-counts", []results.Result{res("reg", t0, results.StatusCritical, 404, "unknown-user", 1)}, t0.Add(-h), true},
		{"expected-rejection-of-negative-test-ignored", []results.Result{func() results.Result {
			r := wrong(t0)
			r.Status, r.Expect = results.StatusOK, &results.ExpectationResult{Met: true}
			return r
		}()}, t0.Add(-h), false},
		{"refusal-under-a-met-time-expectation-counts", []results.Result{func() results.Result {
			r := wrong(t0) // expect.max_ms met: still CRITICAL wrong-password
			r.Expect = &results.ExpectationResult{Met: true}
			return r
		}()}, t0.Add(-h), true},
		{"skipped-result-without-answer-ignored", []results.Result{res("reg", t0, results.StatusCritical, 0, "wrong-password", 0)}, t0.Add(-h), false},
		{"other-transport-same-account", []results.Result{func() results.Result {
			r := wrong(t0)
			r.Target, r.Transport = "sips:pbx.test:5061", "tls"
			return r
		}()}, t0.Add(-h), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTemp(t)
			mustSave(t, s, "run", tt.saved...)
			at, got, err := s.RejectedRecently(context.Background(), acct, tt.since)
			if err != nil || got != tt.want {
				t.Fatalf("RejectedRecently = %v, %v; want %v", got, err, tt.want)
			}
			// The cool-down runs from the last refusal.
			if want := lastStart(tt.saved); got && !at.Equal(want) {
				t.Errorf("refused at %v, want %v", at, want)
			}
		})
	}
	t.Run("runner-key-as-written", func(t *testing.T) {
		s := openTemp(t)
		mustSave(t, s, "run", wrong(t0))
		// scenarios.AccountKey is user + "@" + target as written.
		_, got, err := s.RejectedRecently(context.Background(), "120@sip:pbx.test:5060;transport=tcp", t0.Add(-h))
		if err != nil || !got {
			t.Fatalf("RejectedRecently(runner key) = %v, %v; want true", got, err)
		}
	})
	t.Run("other-user-unaffected", func(t *testing.T) {
		s := openTemp(t)
		mustSave(t, s, "run", wrong(t0))
		_, got, err := s.RejectedRecently(context.Background(), AccountKey("pbx.test", "121"), t0.Add(-h))
		if err != nil || got {
			t.Fatalf("RejectedRecently(121) = %v, %v; want false", got, err)
		}
	})
}

// lastStart is when the latest refusal of rs started.
func lastStart(rs []results.Result) time.Time {
	var last time.Time
	for _, r := range rs {
		if r.FinalCode >= 400 && r.StartedAt.After(last) {
			last = r.StartedAt
		}
	}
	return last
}
