package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/kamailio"
	"github.com/sipprobe/sipprobe/internal/testpeers"
	"github.com/sipprobe/sipprobe/results"
)

// TestBanEvidenceAgainstKamailio: a real Kamailio refuses three logins
// (seeding the history); then a probe of the same host that gets no
// answer is called a fail2ban ban only when the server answered nothing
// since and the refusals are within --ban-window. The case of issue 8:
// UDP and TCP probes answered 200 in the same run, so a silent port and a
// TLS probe to the plain-SIP port are not a ban. fail2ban does not ban the
// machine's own addresses, so the PBX is in a network namespace of its
// own, reached through a NAT router; the same probes of a loopback PBX are
// never a ban.
func TestBanEvidenceAgainstKamailio(t *testing.T) {
	l := newNATLab(t)
	// A UDP port on the server's host that reads and never answers.
	var silent net.PacketConn
	must(t, l.pbx.Do(func() (err error) {
		silent, err = net.ListenPacket("udp", pbxIP+":0")
		return err
	}))
	t.Cleanup(func() { _ = silent.Close() })
	dir := t.TempDir()
	env := []string{"KAM_WRONG=not-the-password"}
	file := func(name, probes string) string {
		p := filepath.Join(dir, name)
		body := fmt.Sprintf("[defaults]\nserver = %q\ntimeout = \"1500ms\"\n%s", l.kam.Addr("udp"), probes)
		must(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	var refusals strings.Builder
	for _, user := range []string{"120", "121", "600"} {
		fmt.Fprintf(&refusals, "\n[[probe]]\nname = \"wrong-%s\"\nkind = \"register\"\nuser = %q\ndomain = %q\npassword_env = \"KAM_WRONG\"\n", user, user, l.kam.Realm)
	}
	seedFile := file("refusals.toml", refusals.String())
	silentProbe := fmt.Sprintf("\n[[probe]]\nname = \"silent\"\nkind = \"options\"\nserver = %q\n", silent.LocalAddr().String())
	answering := "\n[[probe]]\nname = \"alive\"\nkind = \"options\"\ntransports = [\"udp\", \"tcp\"]\n"
	// TLS to the port that speaks plain SIP over TCP.
	tlsToPlain := fmt.Sprintf("\n[[probe]]\nname = \"tls-to-plain\"\nkind = \"options\"\nserver = %q\ntransport = \"tls\"\ninsecure = true\n", l.kam.Addr("udp"))

	sipprobe := func(t *testing.T, args ...string) (int, []results.Result) {
		t.Helper()
		jsonl := filepath.Join(t.TempDir(), "r.jsonl")
		code, out, errOut := l.sipprobe(t, env, append([]string{"run", "--rate", "0", "--json", jsonl}, args...)...)
		t.Logf("sipprobe run %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
		return code, readJSONL(t, jsonl)
	}
	// seed makes a history holding the three real refusals.
	seed := func(t *testing.T) string {
		db := filepath.Join(t.TempDir(), "h.db")
		code, rs := sipprobe(t, seedFile, "--db", db)
		if code != 2 || len(rs) != 3 {
			t.Fatalf("seeding: exit %d, %d results, want 2 and 3", code, len(rs))
		}
		for _, r := range rs {
			if r.Diagnosis.ID != "wrong-password" || r.FinalCode == 0 {
				t.Fatalf("seeding: %s got %s (%d), want a real refusal", r.Name, r.Diagnosis.ID, r.FinalCode)
			}
		}
		return db
	}
	byName := func(rs []results.Result) map[string]results.Result {
		m := map[string]results.Result{}
		for _, r := range rs {
			m[r.Name] = r
		}
		return m
	}
	hasNote := func(r results.Result, s string) bool {
		return slices.ContainsFunc(r.Diagnosis.Notes, func(n string) bool { return strings.Contains(n, s) })
	}

	t.Run("answered since the refusals", func(t *testing.T) {
		db := seed(t)
		_, rs := sipprobe(t, file("mixed.toml", answering+silentProbe+tlsToPlain), "--db", db)
		got := byName(rs)
		for _, name := range []string{"alive/udp", "alive/tcp"} {
			if got[name].Diagnosis.ID != "ok" {
				t.Fatalf("%s: %s, want ok", name, got[name].Diagnosis.ID)
			}
		}
		for _, name := range []string{"silent", "tls-to-plain"} {
			r, ok := got[name]
			if !ok || r.Diagnosis.ID == "fail2ban-ban" {
				t.Errorf("%s: %s (%s), want no ban: the server answered SIP since the refusals; notes %q", name, r.Diagnosis.ID, r.Diagnosis.Summary, r.Diagnosis.Notes)
			}
		}
		if r := got["silent"]; !hasNote(r, "3 failed login(s) at this server in the last 10 min, but it answered SIP since") {
			t.Errorf("silent: notes %q do not say why this is not a ban", r.Diagnosis.Notes)
		}
	})
	t.Run("nothing answered since the refusals", func(t *testing.T) {
		db := seed(t)
		code, rs := sipprobe(t, file("silent.toml", silentProbe), "--db", db)
		if len(rs) != 1 || code != 2 || rs[0].Diagnosis.ID != "fail2ban-ban" {
			t.Fatalf("exit %d, %+v, want 2 fail2ban-ban", code, rs)
		}
		if !hasNote(rs[0], "3 failed login(s) at this server in the last 10 min") {
			t.Errorf("notes %q do not count the refusals", rs[0].Diagnosis.Notes)
		}
	})
	t.Run("refusals older than the window", func(t *testing.T) {
		db := seed(t)
		// The refusals must be older than --ban-window when the probe starts.
		time.Sleep(1100 * time.Millisecond)
		_, rs := sipprobe(t, file("silent-later.toml", silentProbe), "--db", db, "--ban-window", "1s")
		if len(rs) != 1 || rs[0].Diagnosis.ID == "fail2ban-ban" {
			t.Fatalf("%+v, want no ban: the refusals are older than the window", rs)
		}
		if !hasNote(rs[0], "3 failed login(s) at this server earlier") || !hasNote(rs[0], "longer ago than the ban window (1 s)") {
			t.Errorf("notes %q do not mention the older refusals", rs[0].Diagnosis.Notes)
		}
	})
}

// TestBanNeverOnThisMachine: the same three refusals from a loopback
// Kamailio, then silence from a port of this machine, within one run: not
// a ban (fail2ban ignores the machine's own addresses), and the note says
// why, so a dead port next to a PBX that refused a negative test is
// reported as what it is.
func TestBanNeverOnThisMachine(t *testing.T) {
	kam := kamailio.Start(t)
	silent, err := net.ListenPacket("udp", "127.0.0.1:0")
	must(t, err)
	t.Cleanup(func() { _ = silent.Close() })
	t.Setenv("KAM_WRONG", "not-the-password")
	var body strings.Builder
	fmt.Fprintf(&body, "[defaults]\nserver = %q\ndomain = %q\ntimeout = \"1s\"\n", kam.Addr("udp"), kam.Realm)
	for _, user := range []string{"120", "121", "600"} {
		fmt.Fprintf(&body, "\n[[probe]]\nname = \"wrong-%s\"\nkind = \"register\"\nuser = %q\npassword_env = \"KAM_WRONG\"\n", user, user)
	}
	fmt.Fprintf(&body, "\n[[probe]]\nname = \"silent\"\nkind = \"options\"\nserver = %q\n", silent.LocalAddr().String())
	// A refused TCP connection: no connection, so no local address to
	// compare; the target alone says it is this machine.
	fmt.Fprintf(&body, "\n[[probe]]\nname = \"closed-tcp\"\nkind = \"options\"\nserver = %q\ntransport = \"tcp\"\nno_fallback = true\n", net.JoinHostPort("127.0.0.1", strconv.Itoa(testpeers.FreePort(t))))
	scen := filepath.Join(t.TempDir(), "local.toml")
	must(t, os.WriteFile(scen, []byte(body.String()), 0o600))
	jsonl := filepath.Join(t.TempDir(), "r.jsonl")
	var out, errb bytes.Buffer
	// One at a time, in file order: the evidence counts only refusals made
	// before a probe starts.
	code := run(context.Background(), []string{"sipprobe", "run", scen, "--parallel", "1", "--rate", "0", "--no-history", "--json", jsonl}, &out, &errb)
	rs := readJSONL(t, jsonl)
	if code != 2 || len(rs) != 5 {
		t.Fatalf("exit %d, %d results, want 2 and 5\n%s%s", code, len(rs), out.String(), errb.String())
	}
	for _, tc := range []struct{ name, want string }{
		{"silent", "no-response"},
		{"closed-tcp", "port-unreachable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i := slices.IndexFunc(rs, func(r results.Result) bool { return r.Name == tc.name })
			if i < 0 {
				t.Fatalf("no result for %s", tc.name)
			}
			got := rs[i]
			if got.Diagnosis.ID != tc.want {
				t.Errorf("%s (%s), want %s; notes %q", got.Diagnosis.ID, got.Diagnosis.Summary, tc.want, got.Diagnosis.Notes)
			}
			if !slices.ContainsFunc(got.Diagnosis.Notes, func(n string) bool {
				return strings.Contains(n, "3 failed login(s) at this server") && strings.Contains(n, "this machine")
			}) {
				t.Errorf("notes %q do not say why this is not a ban", got.Diagnosis.Notes)
			}
		})
	}
}

func TestBanWindowFlag(t *testing.T) {
	good := filepath.Join(t.TempDir(), "good.toml")
	must(t, os.WriteFile(good, []byte("[[probe]]\nname='a'\nkind='options'\nserver='127.0.0.1:1'\n"), 0o600))
	for _, tc := range []struct {
		name string
		args []string
		env  string
		code int
	}{
		{"flag", []string{"--ban-window", "30m"}, "", 0},
		{"env", nil, "30m", 0},
		{"zero is a usage error", []string{"--ban-window", "0s"}, "", 3},
		{"negative env is a usage error", nil, "-1m", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env != "" {
				t.Setenv("SIPPROBE_BAN_WINDOW", tc.env)
			}
			var out, errb bytes.Buffer
			code := run(context.Background(), append([]string{"sipprobe", "run", "--check", good}, tc.args...), &out, &errb)
			// An error names where the value came from: the flag or the variable.
			want := "--ban-window"
			if tc.env != "" {
				want = "SIPPROBE_BAN_WINDOW"
			}
			if code != tc.code || (code == 3 && !strings.Contains(errb.String(), want)) {
				t.Errorf("exit %d, want %d; output:\n%s%s", code, tc.code, out.String(), errb.String())
			}
		})
	}
}
