package catalog

import (
	"strings"
	"testing"
	"time"
)

// TestBanRule: silence, a closed port or a firewall's rejection is taken for
// a fail2ban ban only with enough refusals within the window and no SIP
// answer from the server since; otherwise the ordinary diagnosis stands and
// a note says why it is not a ban.
func TestBanRule(t *testing.T) {
	last := time.Date(2026, 11, 21, 12, 0, 1, 0, time.Local)
	answered := last.Add(3 * time.Second)
	outcomes := []struct {
		name     string
		ex       Exchange
		ordinary string
	}{
		{"udp timeout", Exchange{Method: "REGISTER", Transport: "udp", Outcome: OutcomeTimeout}, "nat-timeout"},
		{"tcp timeout", Exchange{Method: "OPTIONS", Transport: "tcp", Outcome: OutcomeTimeout}, "no-response"},
		{"tls connect timeout", Exchange{Method: "OPTIONS", Transport: "tls", Outcome: OutcomeConnectTimeout}, "no-response"},
		{"port unreachable", Exchange{Method: "REGISTER", Transport: "udp", Outcome: OutcomePortUnreachable}, "port-unreachable"},
		{"connection refused", Exchange{Method: "OPTIONS", Transport: "tls", Outcome: OutcomeRefused}, "port-unreachable"},
		{"prohibited", Exchange{Method: "REGISTER", Transport: "udp", Outcome: OutcomeHostUnreachable, Unreachable: UnreachProhibited}, "firewall-rejected"},
	}
	conditions := []struct {
		name  string
		r     Refusals
		local bool
		ban   bool
		note  string
	}{
		{"no refusals", Refusals{Window: 10 * time.Minute}, false, false, ""},
		// Too few for a ban and ruled out anyway: no note to wonder about.
		{"below threshold, answered since", Refusals{InWindow: 2, Window: 10 * time.Minute, Last: last, AnsweredAt: answered}, false, false, ""},
		{"below threshold, this machine", Refusals{InWindow: 2, Window: 10 * time.Minute, Last: last}, true, false, ""},
		{"outside window, answered since", Refusals{Earlier: 5, Window: 10 * time.Minute, Last: last, AnsweredAt: answered}, false, false, ""},
		{"below threshold", Refusals{InWindow: 2, Window: 10 * time.Minute, Last: last}, false, false, "2 failed login(s) at this server in the last 10 min, the last at 12:00:01; fail2ban bans"},
		{"outside window", Refusals{Earlier: 5, Window: 10 * time.Minute, Last: last}, false, false, "5 failed login(s) at this server earlier, the last at 12:00:01, longer ago than the ban window (10 min)"},
		{"answered since", Refusals{InWindow: 3, Window: 10 * time.Minute, Last: last, AnsweredAt: answered}, false, false, "3 failed login(s) at this server in the last 10 min, but it answered SIP since (12:00:04), so this is not a ban"},
		{"all conditions met", Refusals{InWindow: 3, Earlier: 2, Window: 90 * time.Second, Last: last}, false, true, "3 failed login(s) at this server in the last 90 s, the last at 12:00:01, and no SIP answer from it since"},
		// fail2ban ignores the host's own addresses (ignoreself, ignoreip).
		{"all conditions met, but this machine", Refusals{InWindow: 3, Earlier: 2, Window: 90 * time.Second, Last: last}, true, false, "3 failed login(s) at this server in the last 90 s, but it is this machine (a loopback or own address), which fail2ban does not ban"},
	}
	for _, o := range outcomes {
		for _, c := range conditions {
			t.Run(o.name+"/"+c.name, func(t *testing.T) {
				ex := o.ex
				ex.Refusals = c.r
				ex.LocalPeer = c.local
				want := o.ordinary
				if c.ban {
					want = "fail2ban-ban"
				}
				if c.local && want == "nat-timeout" {
					want = "no-response" // no NAT between us and this machine
				}
				d := Default().Diagnose(ex, EN)
				if d.ID != want {
					t.Fatalf("got %s (%s), want %s; notes %q", d.ID, d.Summary, want, d.Notes)
				}
				notes := strings.Join(d.Notes, "\n")
				if c.note == "" && strings.Contains(notes, "login") {
					t.Errorf("unexpected note on logins: %q", notes)
				}
				if !strings.Contains(notes, c.note) {
					t.Errorf("notes lack %q:\n%s", c.note, notes)
				}
				if ru := Default().Diagnose(ex, RU); ru.ID != want || strings.ContainsAny(strings.Join(ru.Notes, ""), "{}") {
					t.Errorf("ru: %s, notes %q", ru.ID, ru.Notes)
				}
			})
		}
	}
}

// TestBanRuleAnsweredHere: a 1xx to this very probe, or the other
// transport answering after UDP silence, is an answer since the refusals.
func TestBanRuleAnsweredHere(t *testing.T) {
	r := Refusals{InWindow: 4, Window: 10 * time.Minute, Last: time.Now()}
	for _, tc := range []struct {
		name string
		ex   Exchange
		want string
	}{
		{"100 Trying then silence", Exchange{Method: "INVITE", Transport: "udp", Outcome: OutcomeTimeout, Provisional: []Reply{{Code: 100}}, Refusals: r}, "no-final-response"},
		{"UDP silent, TCP answered", Exchange{Method: "OPTIONS", Transport: "udp", Outcome: OutcomeTimeout, Alt: &AltTransport{Transport: "tcp", Answered: true, Code: 200}, Refusals: r}, "nat-timeout"},
		{"UDP closed, TCP answered", Exchange{Method: "OPTIONS", Transport: "udp", Outcome: OutcomePortUnreachable, Alt: &AltTransport{Transport: "tcp", Answered: true, Code: 200}, Refusals: r}, "transport-mismatch"},
		{"UDP silent, TCP silent", Exchange{Method: "OPTIONS", Transport: "udp", Outcome: OutcomeTimeout, Alt: &AltTransport{Transport: "tcp", Silent: true}, Refusals: r}, "fail2ban-ban"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Default().Diagnose(tc.ex, EN)
			if d.ID != tc.want {
				t.Fatalf("got %s, want %s; notes %q", d.ID, tc.want, d.Notes)
			}
			if tc.want != "fail2ban-ban" && !strings.Contains(strings.Join(d.Notes, "\n"), "but it answered this probe over SIP") {
				t.Errorf("notes %q do not say why this is not a ban", d.Notes)
			}
		})
	}
}

func TestWindowText(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		lang Lang
		want string
	}{
		{10 * time.Minute, EN, "10 min"}, {10 * time.Minute, RU, "10 мин"}, {time.Hour, EN, "1 h"},
		{90 * time.Second, RU, "90 с"}, {1500 * time.Millisecond, EN, "1.5s"},
	} {
		if got := windowText(tc.d, tc.lang); got != tc.want {
			t.Errorf("windowText(%s, %s) = %q, want %q", tc.d, tc.lang, got, tc.want)
		}
	}
}
