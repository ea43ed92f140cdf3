package agent

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/probe"
	"github.com/sipprobe/sipprobe/scenarios"
)

// A scrape timeout shorter than the module's timeout must end the probe on
// its own timeout, before the request's deadline, so that a silent server
// is the server's verdict (CRITICAL), never a canceled probe (UNKNOWN), as
// blackbox_exporter does with its --timeout-offset.
func TestScrapeTimeoutSilentServer(t *testing.T) {
	silent, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = silent.Close() })
	addr := silent.LocalAddr().String()
	s := serve(t, fmt.Sprintf(`
[[probe]]
name = "alive"
kind = "options"
server = %q
timeout = "5s"
`, addr))
	for _, tc := range []struct{ name, header string }{
		{"scrape timeout 2s", "2"},
		{"scrape timeout 1.2s", "1.2"},
		{"scrape timeout 0.8s (under twice the offset)", "0.8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := s.get(t, "/probe?module=alive&target="+addr, "X-Prometheus-Scrape-Timeout-Seconds", tc.header)
			if code != 200 {
				t.Fatalf("got %d\n%s", code, body)
			}
			mfs := parseMetrics(t, body)
			st, _, ok := series(mfs, "sipprobe_probe_status", map[string]string{"name": "alive"})
			_, diag, _ := series(mfs, "sipprobe_probe_diagnosis_info", map[string]string{"name": "alive"})
			if !ok || st != 2 || diag["id"] == "canceled" || strings.Contains(body, `id="canceled"`) {
				t.Fatalf("status %v, diagnosis %q; want CRITICAL (2) from the server's silence, not a canceled probe\n%s", st, diag["id"], body)
			}
		})
	}
}

// fitBudget keeps bounds that fit and shortens in proportion those that
// do not, leaving the wrap-up reserve before the request's deadline.
func TestFitBudget(t *testing.T) {
	for _, tc := range []struct {
		name                      string
		kind                      probe.Kind
		cfg                       probe.Config
		budget                    time.Duration
		timeout, ring, hold, wait time.Duration
		noRetry                   bool // no room for the SRTP retry's second INVITE
	}{
		{"no budget", probe.KindOptions, probe.Config{Timeout: 5 * time.Second}, 0, 5 * time.Second, 0, 0, 0, false},
		{"fits", probe.KindOptions, probe.Config{Timeout: 2 * time.Second}, 10 * time.Second, 2 * time.Second, 0, 0, 0, false},
		{"options capped", probe.KindOptions, probe.Config{Timeout: 5 * time.Second}, 3500 * time.Millisecond, 3 * time.Second, 0, 0, 0, false},
		{"default timeout capped", probe.KindRegister, probe.Config{}, 2 * time.Second, 1500 * time.Millisecond, 0, 0, 0, false},
		{"small budget keeps a quarter", probe.KindOptions, probe.Config{}, 400 * time.Millisecond, 300 * time.Millisecond, 0, 0, 0, false},
		{"invite defaults shortened in proportion", probe.KindInvite, probe.Config{}, 14 * time.Second, 2500 * time.Millisecond, 10 * time.Second, time.Second, 0, true},
		{"invite fits, with room for a retry", probe.KindInvite, probe.Config{Timeout: time.Second, Invite: probe.InviteConfig{RingTimeout: 3 * time.Second, Hold: time.Second}}, 10 * time.Second, time.Second, 3 * time.Second, time.Second, 0, false},
		{"invite fits, no room for a retry", probe.KindInvite, probe.Config{Timeout: 2 * time.Second, Invite: probe.InviteConfig{RingTimeout: 3 * time.Second, Hold: time.Second}}, 8 * time.Second, 2 * time.Second, 3 * time.Second, time.Second, 0, true},
		{"invite optional: the retry is a whole call", probe.KindInvite, probe.Config{Timeout: time.Second, Invite: probe.InviteConfig{RingTimeout: 3 * time.Second, Hold: time.Second, SRTP: probe.SRTPOptional}}, 10 * time.Second, time.Second, 3 * time.Second, time.Second, 0, true},
		{"invite without hold", probe.KindInvite, probe.Config{Timeout: 4 * time.Second, Invite: probe.InviteConfig{RingTimeout: 4 * time.Second, Hold: probe.NoHold}}, 4500 * time.Millisecond, 2 * time.Second, 2 * time.Second, probe.NoHold, 0, true},
		{"receive wait", probe.KindReceive, probe.Config{Timeout: 5 * time.Second}, 7500 * time.Millisecond, time.Second, 0, 0, 6 * time.Second, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := fitBudget(scenarios.Job{Kind: tc.kind, Config: tc.cfg}, tc.budget)
			c := j.Config
			if c.Timeout != tc.timeout || c.Invite.RingTimeout != tc.ring || c.Invite.Hold != tc.hold || c.Receive.Wait != tc.wait {
				t.Errorf("timeout %v ring %v hold %v wait %v; want %v %v %v %v", c.Timeout, c.Invite.RingTimeout, c.Invite.Hold, c.Receive.Wait, tc.timeout, tc.ring, tc.hold, tc.wait)
			}
			if c.Invite.NoSRTPRetry != tc.noRetry {
				t.Errorf("no SRTP retry %v, want %v", c.Invite.NoSRTPRetry, tc.noRetry)
			}
		})
	}
}
