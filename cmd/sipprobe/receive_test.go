package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sipprobe/sipprobe/internal/kamailio"
)

// receiveJSON is the part of a receive result these tests check.
type receiveJSON struct {
	Status    string
	Diagnosis struct {
		ID       string
		Remedies []string
		Notes    []string
	}
	Details struct {
		Receive struct {
			InviteReceived   bool   `json:"invite_received"`
			ACKReceived      bool   `json:"ack_received"`
			BYEReceived      bool   `json:"bye_received"`
			Targeted         string `json:"targeted"`
			ContactRewritten bool   `json:"contact_rewritten"`
			BehindNAT        bool   `json:"behind_nat"`
		}
	}
}

func parseReceive(t *testing.T, out, stderr string) receiveJSON {
	t.Helper()
	var r receiveJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s%s", err, out, stderr)
	}
	return r
}

// receive from the command line against Kamailio on loopback: 121 calls
// 120, the INVITE reaches the bound contact, exit 0; --from-password from
// its environment variable; every output format.
func TestReceiveCommand(t *testing.T) {
	k := kamailio.Start(t)
	t.Setenv("SIPPROBE_PASSWORD", "secret120")
	t.Setenv("SIPPROBE_FROM_PASSWORD", "secret121")
	base := []string{"receive", "--server", k.Addr("udp"), "--user", "120", "--domain", kamailio.DefaultRealm, "--from-user", "121", "--wait", "8s"}
	code, out, stderr := runMain(t, append(base, "-o", "json")...)
	r := parseReceive(t, out, stderr)
	rd := r.Details.Receive
	if code != 0 || r.Diagnosis.ID != "ok" || !rd.InviteReceived || !rd.ACKReceived || !rd.BYEReceived || rd.Targeted != "registered" {
		t.Fatalf("exit %d: %s", code, out)
	}
	if left := k.Contacts(t, "120"); len(left) != 0 {
		t.Errorf("left registered: %+v", left)
	}
	for _, tc := range []struct{ format, want string }{
		{"text", "INVITE reached us after"},
		{"nagios", "SIPPROBE OK"},
		{"junit", "<testsuite"},
		{"prom", "sipprobe_"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			code, out, stderr := runMain(t, append(base, "-o", tc.format)...)
			if code != 0 || !strings.Contains(out, tc.want) {
				t.Fatalf("exit %d, want %q in:\n%s%s", code, tc.want, out, stderr)
			}
			if tc.format == "text" {
				t.Logf("text output:\n%s", out)
			}
		})
	}
	t.Run("expectation", func(t *testing.T) {
		code, out, _ := runMain(t, append(base, "-o", "json", "--expect-diagnosis", "inbound-not-delivered")...)
		if r := parseReceive(t, out, ""); code != 2 || r.Diagnosis.ID != "expectation-failed" {
			t.Fatalf("exit %d, %s; want 2, expectation-failed", code, r.Diagnosis.ID)
		}
	})
}

// receive behind a masquerading NAT: a Kamailio that stores the contact as
// sent cannot reach it (inbound-not-delivered, with the NAT remedy); one
// that rewrites it to the source address (fix_nated_contact) can.
func TestReceiveThroughNAT(t *testing.T) {
	for _, tc := range []struct {
		name     string
		opts     []kamailio.Option
		code     int
		id       string
		rewrite  bool
		received bool
	}{
		{name: "contact not fixed", code: 2, id: "inbound-not-delivered"},
		// The INVITE comes, but the 200 OK's private Contact is not fixed:
		// the ACK and BYE go nowhere.
		{name: "fix_nated_contact on REGISTER only", opts: []kamailio.Option{kamailio.WithContactRewrite()}, code: 2, id: "inbound-ack-lost", rewrite: true, received: true},
		{name: "fix_nated_contact", opts: []kamailio.Option{kamailio.WithContactRewrite(), kamailio.WithNATCalls()}, code: 0, id: "ok", rewrite: true, received: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newNATLab(t, tc.opts...)
			env := []string{"SIPPROBE_PASSWORD=secret120", "SIPPROBE_FROM_PASSWORD=secret121"}
			args := []string{"receive", "--server", l.kam.Addr("udp"), "--user", "120", "--domain", kamailio.DefaultRealm, "--from-user", "121", "--wait", "7s", "--no-fallback"}
			code, out, stderr := l.sipprobe(t, env, append(args, "-o", "json")...)
			r := parseReceive(t, out, stderr)
			rd := r.Details.Receive
			if code != tc.code || r.Diagnosis.ID != tc.id || !rd.BehindNAT || rd.ContactRewritten != tc.rewrite || rd.InviteReceived != tc.received {
				t.Fatalf("exit %d: %s%s", code, out, stderr)
			}
			if !tc.received && !strings.Contains(strings.Join(r.Diagnosis.Remedies, " "), "rewrite_contact") {
				t.Errorf("remedies without the NAT fix: %q", r.Diagnosis.Remedies)
			}
			if tc.received && rd.Targeted != "rewritten" {
				t.Errorf("targeted %q, want rewritten", rd.Targeted)
			}
			_, text, _ := l.sipprobe(t, env, args...)
			t.Logf("text output:\n%s", text)
		})
	}
}

// kind = "receive" in a scenario: the trigger password from the
// environment, an expectation, the JSON lines output.
func TestReceiveScenario(t *testing.T) {
	k := kamailio.Start(t)
	t.Setenv("RECV_PW", "secret120")
	t.Setenv("RECV_FROM_PW", "secret121")
	path := filepath.Join(t.TempDir(), "recv.toml")
	scenario := fmt.Sprintf(`[[probe]]
name = "can-120-receive"
kind = "receive"
server = %q
domain = %q
user = "120"
password_env = "RECV_PW"
from_user = "121"
from_password_env = "RECV_FROM_PW"
wait = "8s"
expect = { diagnosis = "ok" }
`, k.Addr("udp"), kamailio.DefaultRealm)
	must(t, os.WriteFile(path, []byte(scenario), 0o600))
	code, out, stderr := runMain(t, "run", path, "-o", "json")
	if code != 0 || !strings.Contains(out, `"invite_received":true`) || !strings.Contains(out, `"probe":"receive"`) {
		t.Fatalf("exit %d:\n%s%s", code, out, stderr)
	}
}

// Trigger settings without --from-user are a mistake on the command line,
// but ignored from the environment (SIPPROBE_TO is invite's too).
func TestReceiveUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"--to without --from-user", []string{"--to", "120"}, "--to needs --from-user"},
		{"--from-password without --from-user", []string{"--from-password", "x"}, "--from-password needs --from-user"},
		{"--expires 0", []string{"--from-user", "121", "--expires", "0"}, "want at least 1 second"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runMain(t, append([]string{"receive", "--server", "127.0.0.1:1", "--user", "120"}, tc.args...)...)
			if code != 3 || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, want 3 and %q:\n%s%s", code, tc.want, out, stderr)
			}
		})
	}
}
