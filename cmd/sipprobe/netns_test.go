package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/kamailio"
	"github.com/sipprobe/sipprobe/internal/netns"
)

// asSipprobe makes the test binary act as the sipprobe command when a test
// re-executes it inside a network namespace (ip netns exec), where an
// in-process probe cannot go: a thread can enter a namespace, a probe's
// goroutines cannot follow it.
const asSipprobe = "SIPPROBE_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asSipprobe) == "1" {
		os.Exit(run(context.Background(), append([]string{"sipprobe"}, os.Args[1:]...), os.Stdout, os.Stderr))
	}
	// The probes these tests run keep a history, and a refusal in it holds
	// the account back for an hour (the ban cool-down): a history of their
	// own, new for every run of the package, keeps the tests from
	// touching the user's and from hearing of an earlier run's refusals.
	// The developer's own SIPPROBE_* settings (SIPPROBE_DB, SIPPROBE_OUTPUT,
	// …) would change what the commands under test do.
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "SIPPROBE_") {
			os.Unsetenv(name)
		}
	}
	state, err := os.MkdirTemp("", "sipprobe-test-state-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("XDG_STATE_HOME", state)
	code := m.Run()
	os.RemoveAll(state)
	os.Exit(code)
}

// natLab is a phone behind a masquerading router, and a PBX on the
// router's "public" side (TEST-NET-3, documentation addresses that exist
// only inside the test's namespaces):
//
//	phone 192.168.77.2 ── 192.168.77.1 router 203.0.113.1 ── 203.0.113.10 pbx
type natLab struct {
	lab                *netns.Lab
	phone, router, pbx netns.NS
	kam                *kamailio.Server
}

const (
	phoneIP   = "192.168.77.2"
	routerWAN = "203.0.113.1"
	pbxIP     = "203.0.113.10"
)

func newNATLab(t *testing.T, opts ...kamailio.Option) *natLab {
	t.Helper()
	lab := netns.New(t)
	l := &natLab{lab: lab, phone: lab.Namespace("phone"), router: lab.Namespace("router"), pbx: lab.Namespace("pbx")}
	lab.Link(l.phone, "eth0", phoneIP+"/24", l.router, "lan", "192.168.77.1/24")
	lab.Link(l.router, "wan", routerWAN+"/24", l.pbx, "eth0", pbxIP+"/24")
	lab.Run(l.phone, "ip", "route", "add", "default", "via", "192.168.77.1")
	lab.Run(l.router, "sysctl", "-qw", "net.ipv4.ip_forward=1")
	lab.Run(l.router, "iptables", "-t", "nat", "-A", "POSTROUTING", "-o", "wan", "-j", "MASQUERADE")
	l.kam = kamailio.Start(t, append([]kamailio.Option{kamailio.WithNamespace(l.pbx, pbxIP)}, opts...)...)
	return l
}

// sipprobe runs the sipprobe command in the phone's namespace.
func (l *natLab) sipprobe(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := l.phone.Command(self, args...)
	cmd.Env = append(append(os.Environ(), asSipprobe+"=1"), env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	var ee *exec.ExitError
	code := 0
	if err != nil {
		if !errors.As(err, &ee) {
			t.Fatalf("run sipprobe in %s: %v", l.phone.Name, err)
		}
		code = ee.ExitCode()
	}
	return code, o.String(), e.String()
}

// netnsResult is the part of a JSON result these tests check.
type netnsResult struct {
	Status    string `json:"status"`
	FinalCode int    `json:"final_code"`
	Diagnosis struct {
		ID      string   `json:"id"`
		Summary string   `json:"summary"`
		Notes   []string `json:"notes"`
	} `json:"diagnosis"`
	Timings struct {
		Total float64 `json:"total"`
	} `json:"timings_ms"`
	Details struct {
		NAT *struct {
			SentBy   string `json:"sent_by"`
			Received string `json:"received"`
			Detected bool   `json:"detected"`
		} `json:"nat"`
		Alt *struct {
			Answered    bool `json:"answered"`
			Silent      bool `json:"silent"`
			Unreachable bool `json:"unreachable"`
		} `json:"alt_transport"`
		Contacts []struct {
			URI  string `json:"uri"`
			Ours bool   `json:"ours"`
		} `json:"contacts"`
		Unbound bool `json:"unbound"`
	} `json:"details"`
}

// TestThroughNetwork runs sipprobe in its own namespace against a real
// Kamailio behind a real NAT router, and puts the faults of real networks
// on the path with iptables and routes: the outcomes a loopback test cannot
// produce (who sent an ICMP error, NAT rewriting, a host that is down).
func TestThroughNetwork(t *testing.T) {
	l := newNATLab(t)
	server := l.kam.Addr("udp")
	type rule struct {
		ns   netns.NS
		args []string // an iptables rule without -A/-D, or an ip route change
	}
	tests := []struct {
		name  string
		fw    []rule // iptables rules inserted for the case and removed after
		route bool   // remove the phone's default route for the case
		args  []string
		code  int
		id    string
		note  string        // in one of the notes
		max   time.Duration // bound on the probe's own total time, below its timeout
		check func(t *testing.T, r netnsResult)
	}{
		{
			name: "NAT seen by the server", args: []string{"options", "--server", server},
			code: 0, id: "ok", max: time.Second,
			check: func(t *testing.T, r netnsResult) {
				n := r.Details.NAT
				if n == nil || !n.Detected || n.Received != routerWAN || !strings.HasPrefix(n.SentBy, phoneIP+":") {
					t.Errorf("nat = %+v, want detected, sent from %s, seen as %s", n, phoneIP, routerWAN)
				}
			},
		},
		{
			name: "register --bind through NAT leaves nothing", args: []string{"register", "--server", server, "--user", "120", "--password", "secret120", "--bind"},
			code: 0, id: "ok", max: time.Second,
			check: func(t *testing.T, r netnsResult) {
				if len(r.Details.Contacts) != 1 || !r.Details.Contacts[0].Ours || !r.Details.Unbound {
					t.Errorf("contacts %+v unbound %v, want our one contact, removed", r.Details.Contacts, r.Details.Unbound)
				}
				if c := l.kam.Contacts(t, "120"); len(c) != 0 {
					t.Errorf("left behind on the server: %+v", c)
				}
			},
		},
		{
			name: "firewall drops UDP, TCP gets through",
			fw:   []rule{{l.router, []string{"FORWARD", "-p", "udp", "--dport", "5060", "-j", "DROP"}}},
			args: []string{"options", "--server", server, "--timeout", "2s"},
			code: 2, id: "nat-timeout", note: "Checked over TCP: the same server answered 200 OK", max: 2500 * time.Millisecond,
			check: func(t *testing.T, r netnsResult) {
				if r.Details.Alt == nil || !r.Details.Alt.Answered {
					t.Errorf("alt_transport = %+v, want TCP answered", r.Details.Alt)
				}
			},
		},
		{
			name: "firewall drops everything",
			fw: []rule{{l.router, []string{"FORWARD", "-p", "udp", "--dport", "5060", "-j", "DROP"}},
				{l.router, []string{"FORWARD", "-p", "tcp", "--dport", "5060", "-j", "DROP"}}},
			args: []string{"options", "--server", server, "--timeout", "2s"},
			code: 2, id: "no-response", note: "no answer there either", max: 2500 * time.Millisecond,
		},
		{
			name: "router rejects with port unreachable",
			fw:   []rule{{l.router, []string{"FORWARD", "-p", "udp", "--dport", "5060", "-j", "REJECT", "--reject-with", "icmp-port-unreachable"}}},
			args: []string{"options", "--server", server},
			code: 2, id: "firewall-rejected", note: "ICMP port unreachable from 192.168.77.1", max: time.Second,
		},
		{
			name: "router rejects with host prohibited (firewalld's default)",
			fw:   []rule{{l.router, []string{"FORWARD", "-p", "udp", "--dport", "5060", "-j", "REJECT", "--reject-with", "icmp-host-prohibited"}}},
			args: []string{"options", "--server", server},
			code: 2, id: "firewall-rejected", note: "ICMP host administratively prohibited from 192.168.77.1", max: time.Second,
		},
		{
			name: "server's own firewall rejects UDP, lets TCP in",
			fw:   []rule{{l.pbx, []string{"INPUT", "-p", "udp", "--dport", "5060", "-j", "REJECT", "--reject-with", "icmp-port-unreachable"}}},
			args: []string{"options", "--server", server},
			code: 2, id: "transport-mismatch", note: "Checked over TCP: the same server answered 200 OK", max: time.Second,
		},
		{
			name: "server's own firewall rejects UDP and TCP",
			fw: []rule{{l.pbx, []string{"INPUT", "-p", "udp", "--dport", "5060", "-j", "REJECT", "--reject-with", "icmp-port-unreachable"}},
				{l.pbx, []string{"INPUT", "-p", "tcp", "--dport", "5060", "-j", "REJECT", "--reject-with", "tcp-reset"}}},
			args: []string{"options", "--server", server},
			code: 2, id: "port-unreachable", note: "ICMP port unreachable from " + server, max: time.Second,
		},
		{
			name: "this machine's firewall blocks SIP",
			fw:   []rule{{l.phone, []string{"OUTPUT", "-p", "udp", "--dport", "5060", "-j", "REJECT"}}},
			args: []string{"options", "--server", server},
			code: 2, id: "firewall-rejected", note: "this machine's firewall", max: time.Second,
		},
		{
			name: "TCP rejected by a firewall",
			fw:   []rule{{l.router, []string{"FORWARD", "-p", "tcp", "--dport", "5060", "-j", "REJECT", "--reject-with", "icmp-admin-prohibited"}}},
			args: []string{"options", "--server", server, "--transport", "tcp"},
			code: 2, id: "host-unreachable", note: "no route to host", max: time.Second,
		},
		{
			name: "host down", args: []string{"options", "--server", "203.0.113.20:5060"},
			code: 2, id: "host-unreachable", note: "ICMP host unreachable from " + routerWAN, max: 4500 * time.Millisecond,
			check: func(t *testing.T, r netnsResult) {
				if !strings.Contains(r.Diagnosis.Summary, "ICMP host unreachable") {
					t.Errorf("summary %q does not say who answered", r.Diagnosis.Summary)
				}
			},
		},
		{
			name: "no route on this machine", route: true, args: []string{"options", "--server", server},
			code: 2, id: "host-unreachable", note: "no route from this machine", max: time.Second,
		},
		{
			name: "no route on this machine over TCP", route: true, args: []string{"options", "--server", server, "--transport", "tcp"},
			code: 2, id: "host-unreachable", note: "no route", max: time.Second,
			check: func(t *testing.T, r netnsResult) {
				if !strings.Contains(r.Diagnosis.Summary, "This machine has no route") {
					t.Errorf("summary %q does not blame the local routing", r.Diagnosis.Summary)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, r := range tc.fw {
				l.lab.Run(r.ns, "iptables", append([]string{"-I"}, r.args...)...)
				t.Cleanup(func() { l.lab.Run(r.ns, "iptables", append([]string{"-D"}, r.args...)...) })
			}
			if tc.route {
				l.lab.Run(l.phone, "ip", "route", "del", "default")
				t.Cleanup(func() { l.lab.Run(l.phone, "ip", "route", "add", "default", "via", "192.168.77.1") })
			}
			code, out, errOut := l.sipprobe(t, nil, append(tc.args, "--output", "json")...)
			var r netnsResult
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatalf("exit %d, bad JSON %v:\n%s\n%s", code, err, out, errOut)
			}
			if code != tc.code || r.Diagnosis.ID != tc.id {
				t.Fatalf("exit %d diagnosis %s (%s), want exit %d %s\nnotes: %q\n%s", code, r.Diagnosis.ID, r.Diagnosis.Summary, tc.code, tc.id, r.Diagnosis.Notes, errOut)
			}
			if tc.note != "" && !slices.ContainsFunc(r.Diagnosis.Notes, func(n string) bool { return strings.Contains(n, tc.note) }) {
				t.Errorf("no note with %q in %q", tc.note, r.Diagnosis.Notes)
			}
			// An ICMP error must end the probe well before its timeout.
			if took := time.Duration(r.Timings.Total * float64(time.Millisecond)); took > tc.max {
				t.Errorf("the probe took %v, want under %v", took, tc.max)
			}
			if tc.check != nil {
				tc.check(t, r)
			}
			if code != 0 {
				russianNotes(t, l, tc.args)
			}
		})
	}
}

// russianNotes runs the probe again with --lang ru: the notes it words
// about the network are Russian, but for the OS's own error texts.
func russianNotes(t *testing.T, l *natLab, args []string) {
	t.Helper()
	_, out, errOut := l.sipprobe(t, nil, append(args, "--output", "json", "--lang", "ru")...)
	var r netnsResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("bad JSON %v:\n%s\n%s", err, out, errOut)
	}
	notes := strings.Join(r.Diagnosis.Notes, "\n")
	if !strings.ContainsAny(notes, "абвгдеёжзийклмнопрстуфхцчшщыьэюя") {
		t.Errorf("no Russian notes: %q", r.Diagnosis.Notes)
	}
	if bad := englishLines(notes, "no route to host", "network is unreachable", "operation not permitted"); len(bad) > 0 {
		t.Errorf("English in the Russian notes:\n%s", strings.Join(bad, "\n"))
	}
}

// TestFail2banBanThroughNetwork: after refused logins, the server's firewall
// bans our (NATed) address the way fail2ban does; the next run's probe,
// knowing the refusals from the history, says "banned" instead of "closed
// port" or "NAT timeout".
func TestFail2banBanThroughNetwork(t *testing.T) {
	l := newNATLab(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "history.db")
	scenario := func(name, body string) string {
		p := filepath.Join(dir, name)
		text := fmt.Sprintf("[defaults]\nserver = %q\ntimeout = \"1s\"\n\n%s", l.kam.Addr("udp"), body)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Three deliberate wrong logins: negative tests, each OK for the run,
	// each counted by the server's ban counter.
	failures := scenario("failures.toml", `[[probe]]
name = "wrong-password-refused"
kind = "register"
user = "121"
password_env = "WRONG_PASSWORD"
repeat = 3
expect = { diagnosis = "wrong-password" }
`)
	alive := scenario("alive.toml", "[[probe]]\nname = \"alive\"\nkind = \"options\"\n")
	env := []string{"WRONG_PASSWORD=not-the-password", "SIPPROBE_DB=" + db}

	code, out, errOut := l.sipprobe(t, env, "run", failures, "--rate", "0")
	if code != 0 {
		t.Fatalf("negative tests: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, tc := range []struct {
		name, target string
		rule         []string
	}{
		{"REJECT (fail2ban's default)", "", []string{"-j", "REJECT", "--reject-with", "icmp-port-unreachable"}},
		{"DROP", "", []string{"-j", "DROP"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The server sees us as the router's public address; fail2ban's
			// usual action bans it on every port and protocol.
			rule := append([]string{"INPUT", "-s", routerWAN}, tc.rule...)
			l.lab.Run(l.pbx, "iptables", append([]string{"-I"}, rule...)...)
			t.Cleanup(func() { l.lab.Run(l.pbx, "iptables", append([]string{"-D"}, rule...)...) })
			code, out, errOut := l.sipprobe(t, env, "run", alive, "--output", "json")
			var r netnsResult
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatalf("exit %d, bad JSON %v:\n%s\n%s", code, err, out, errOut)
			}
			if code != 2 || r.Diagnosis.ID != "fail2ban-ban" {
				t.Fatalf("exit %d, diagnosis %s (%s), want 2 fail2ban-ban; notes %q", code, r.Diagnosis.ID, r.Diagnosis.Summary, r.Diagnosis.Notes)
			}
			if !slices.ContainsFunc(r.Diagnosis.Notes, func(n string) bool { return strings.Contains(n, "3 failed login(s)") }) {
				t.Errorf("notes %q do not count the refused logins", r.Diagnosis.Notes)
			}
		})
	}
	// Without the earlier failures the same ban is just a closed port: the
	// history is what tells them apart.
	t.Run("no history", func(t *testing.T) {
		rule := []string{"INPUT", "-s", routerWAN, "-j", "REJECT", "--reject-with", "icmp-port-unreachable"}
		l.lab.Run(l.pbx, "iptables", append([]string{"-I"}, rule...)...)
		t.Cleanup(func() { l.lab.Run(l.pbx, "iptables", append([]string{"-D"}, rule...)...) })
		_, out, errOut := l.sipprobe(t, env, "run", alive, "--output", "json", "--no-history")
		var r netnsResult
		if err := json.Unmarshal([]byte(out), &r); err != nil || r.Diagnosis.ID != "port-unreachable" {
			t.Fatalf("diagnosis %s, %v, want port-unreachable\n%s\n%s", r.Diagnosis.ID, err, out, errOut)
		}
	})
}
