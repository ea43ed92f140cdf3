package scenarios

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/probe"
	"github.com/sipprobe/sipprobe/results"
)

// A session shares the account lock and the refusal across probes that
// belong to no run, and forgets the refusal after the cool-down.
func TestSessionBanSafety(t *testing.T) {
	f := &fake{delay: time.Millisecond, wrong: map[string]bool{"bad": true}}
	clock := &stepClock{now: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	s := NewRunner(WithProber(f.run), WithClock(clock), WithRateLimit(0), WithCooldown(time.Hour)).NewSession(nil)
	ctx := context.Background()

	t.Run("one probe per account at a time", func(t *testing.T) {
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() { s.Probe(ctx, regJob("good", "good")) })
		}
		wg.Wait()
		if f.overlap {
			t.Error("two probes of one account ran at once")
		}
	})
	t.Run("refused credentials are not sent again within the cool-down", func(t *testing.T) {
		first := s.Probe(ctx, regJob("bad", "bad"))
		if first.FinalCode != 403 || first.Diagnosis.ID != "wrong-password" {
			t.Fatalf("first %d %s", first.FinalCode, first.Diagnosis.ID)
		}
		sent := len(f.sent)
		second := s.Probe(ctx, regJob("bad", "bad"))
		if len(f.sent) != sent || second.FinalCode != 0 || second.Diagnosis.ID != "wrong-password" {
			t.Fatalf("sent again (%d → %d), result %d %s", sent, len(f.sent), second.FinalCode, second.Diagnosis.ID)
		}
		if notes := strings.Join(second.Diagnosis.Notes, " "); !strings.Contains(notes, "less than 1h0m0s ago") {
			t.Errorf("note %q does not say the cool-down", notes)
		}
		if ns := second.NotSent; ns == nil || ns.Reason != results.NotSentRefused || !ns.Until.After(clock.Now()) {
			t.Errorf("not_sent %+v: want when the account is tried again", ns)
		}
		clock.advance(time.Hour + time.Second)
		third := s.Probe(ctx, regJob("bad", "bad"))
		if len(f.sent) != sent+1 || third.FinalCode != 403 {
			t.Fatalf("not tried again after the cool-down: sent %d, result %d", len(f.sent)-sent, third.FinalCode)
		}
	})
	t.Run("a canceled context still yields a result", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		r := s.Probe(cctx, regJob("good", "good"))
		if r.Name != "good" || r.Status == "" {
			t.Fatalf("result %+v", r)
		}
	})
}

// A session probing ever new targets (an any_target module behind /probe)
// keeps state for a bounded number of them.
func TestSessionForgetsIdleTargets(t *testing.T) {
	f := &fake{}
	clock := &stepClock{now: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	s := NewRunner(WithProber(f.run), WithClock(clock)).NewSession(nil)
	for i := range 3 * maxIdleTargets {
		j := Job{Name: "alive", Kind: "options", Repeat: 1, Config: probe.Config{Target: fmt.Sprintf("10.0.%d.%d", i/256, i%256)}}
		s.Probe(context.Background(), j)
		clock.advance(time.Second)
	}
	s.st.mu.Lock()
	servers := len(s.st.servers)
	s.st.mu.Unlock()
	s.st.lim.mu.Lock()
	buckets := len(s.st.lim.byKey)
	s.st.lim.mu.Unlock()
	if servers > maxIdleTargets || buckets > maxIdleTargets {
		t.Errorf("state for %d servers and %d rate buckets after %d targets", servers, buckets, 3*maxIdleTargets)
	}
}

// TestWithTargetKeepsTransport: an on-demand target never downgrades the
// entry's transport: credentials meant for TLS do not go out over UDP.
func TestWithTargetKeepsTransport(t *testing.T) {
	for _, tc := range []struct {
		server, transport, want string
	}{
		{"sip:pbx:5061;transport=tls", "", "tls"},
		{"sip:pbx;transport=tcp", "", "tcp"},
		{"sips:pbx", "", "tls"},
		{"pbx", "", "udp"},
		{"pbx", "tcp", "tcp"},
	} {
		t.Run(tc.server+"/"+tc.transport, func(t *testing.T) {
			j := Job{Config: probe.Config{Target: tc.server, Transport: tc.transport, User: "120"}, Account: "120@pbx"}
			got := j.WithTarget("10.1.2.3:5061")
			if got.Config.Transport != tc.want || got.Config.FirstTransport() != tc.want {
				t.Errorf("transport %q, want %q (target %q)", got.Config.Transport, tc.want, got.Config.Target)
			}
		})
	}
}
