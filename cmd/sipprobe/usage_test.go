package main

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/testpbx"
)

// silentPeer is a UDP socket on loopback that must receive nothing: the
// --server and --dns-server of a command that is a usage error.
type silentPeer struct {
	conn *net.UDPConn
	addr string
	port string
}

func newSilentPeer(t *testing.T) silentPeer {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	a := c.LocalAddr().(*net.UDPAddr)
	return silentPeer{conn: c, addr: a.String(), port: strconv.Itoa(a.Port)}
}

// assertNothingSent: loopback UDP is queued before sendto returns, so a
// packet sent during the command is already waiting here.
func (p silentPeer) assertNothingSent(t *testing.T) {
	t.Helper()
	_ = p.conn.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	buf := make([]byte, 2048)
	n, from, err := p.conn.ReadFromUDP(buf)
	if err == nil {
		t.Fatalf("a usage error sent %d bytes from %s: %q", n, from, buf[:min(n, 80)])
	}
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read: %v", err)
	}
}

// drain drops what earlier cases sent, so that a failure names its case.
func (p silentPeer) drain() {
	buf := make([]byte, 2048)
	for {
		_ = p.conn.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		if _, _, err := p.conn.ReadFromUDP(buf); err != nil {
			return
		}
	}
}

// TestUsageErrorsSendNothing: every mistake in a command line or the
// environment is exit 3 with a message that names the flag or variable and
// says what is wanted, before any DNS query or SIP packet.
func TestUsageErrorsSendNothing(t *testing.T) {
	peer := newSilentPeer(t)
	dir := t.TempDir()
	lab := filepath.Join(dir, "lab.toml")
	must(t, os.WriteFile(lab, []byte("[[probe]]\nname = \"a\"\nkind = \"options\"\nserver = \""+peer.addr+"\"\n"), 0o600))
	pw := filepath.Join(dir, "pw")
	must(t, os.WriteFile(pw, []byte("secret\n"), 0o600))
	dns := []string{"--dns-server", peer.addr, "--timeout", "1s"}
	srv := []string{"--server", peer.addr}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		// Targets.
		{"tel URI", nil, append([]string{"options", "--server", "tel:+123"}, dns...), `"tel:" is not a SIP URI scheme`},
		{"http URL", nil, append([]string{"options", "--server", "http://pbx.example.com"}, dns...), `"http:" is not a SIP URI scheme`},
		{"signed port", nil, []string{"options", "--server", "127.0.0.1:+" + peer.port}, `port "+` + peer.port + `"`},
		{"port zero", nil, append([]string{"options", "--server", "pbx.example.com:0"}, dns...), `port "0"`},
		{"unclosed bracket", nil, append([]string{"options", "--server", "[::1"}, dns...), "missing ]"},
		{"zone in v6", nil, append([]string{"options", "--server", "::%]"}, dns...), "not a host name or IP address"},
		{"bad dotted quad", nil, append([]string{"options", "--server", "10.0.0.300"}, dns...), "not a host name or IP address"},
		{"sips with --transport udp", nil, []string{"options", "--server", "sips:" + peer.addr, "--transport", "udp"}, "needs TLS"},
		{"sips with -t TCP", nil, []string{"options", "--server", "sips:" + peer.addr, "-t", "TCP"}, "needs TLS"},
		{"sips with ;transport=udp", nil, []string{"options", "--server", "sips:" + peer.addr + ";transport=udp"}, "needs TLS"},
		{"sips from SIPPROBE_TRANSPORT", map[string]string{"SIPPROBE_TRANSPORT": "udp"}, []string{"options", "--server", "sips:" + peer.addr}, "needs TLS"},
		{"user in target of register", nil, []string{"register", "--server", "sip:120@" + peer.addr, "--user", "120"}, "names a user"},

		// urfave/cli's errors, reworded.
		{"unknown flag", nil, append([]string{"options", "--bogus"}, srv...), "unknown flag --bogus"},
		{"unknown flag near one", nil, append([]string{"options", "--timout", "1s"}, srv...), "did you mean --timeout?"},
		{"prefix of a flag", nil, append([]string{"register", "--user", "1", "--pass", "x"}, srv...), "did you mean --password?"},
		{"bad duration", nil, append([]string{"options", "--timeout", "abc"}, srv...), `--timeout "abc": want a duration like 5s or 500ms`},
		{"bad number", nil, []string{"run", lab, "--parallel", "many"}, `--parallel "many": want a whole number`},
		{"bad bool", nil, append([]string{"options", "--trace=maybe"}, srv...), `--trace "maybe": want true or false`},
		{"value flag at the end", nil, []string{"run", lab, "--check", "--parallel"}, "--parallel needs a whole number"},
		{"string flag without value", nil, []string{"options", "--server"}, "--server needs a value: TARGET"},

		// Environment variables: named when they are the cause.
		{"SIPPROBE_TIMEOUT", map[string]string{"SIPPROBE_TIMEOUT": "soon"}, append([]string{"options"}, srv...), `SIPPROBE_TIMEOUT="soon": want a duration like 5s or 500ms`},
		{"SIPPROBE_PARALLEL", map[string]string{"SIPPROBE_PARALLEL": "lots"}, []string{"run", lab}, `SIPPROBE_PARALLEL="lots": want a whole number`},
		{"SIPPROBE_OUTPUT no command knows", map[string]string{"SIPPROBE_OUTPUT": "yaml"}, append([]string{"options"}, srv...), `SIPPROBE_OUTPUT="yaml": want text, json`},
		{"bad --output stays an error", nil, []string{"catalog", "show", "ok", "--output", "nagios"}, `--output "nagios": want text or json`},
		{"two password variables", map[string]string{"SIPPROBE_PASSWORD": "a", "SIPPROBE_PASSWORD_FILE": pw}, append([]string{"register", "--user", "1"}, srv...), "both SIPPROBE_PASSWORD and SIPPROBE_PASSWORD_FILE are set"},
		{"two password flags", nil, append([]string{"register", "--user", "1", "--password", "a", "--password-file", pw}, srv...), "give either --password or --password-file, not both"},
		{"two password flags on options", nil, append([]string{"options", "--user", "1", "--password", "a", "--password-file", pw}, srv...), "not both"},

		// Silent fallbacks that are now refused.
		{"bind with expires 0", nil, append([]string{"register", "--user", "1", "--bind", "--expires", "0"}, srv...), "--expires 0: want at least 1 second with --bind"},
		{"bind with SIPPROBE_EXPIRES=0", map[string]string{"SIPPROBE_EXPIRES": "0"}, append([]string{"register", "--user", "1", "--bind"}, srv...), "SIPPROBE_EXPIRES 0: want at least 1"},
		{"expires without bind", nil, append([]string{"register", "--user", "1", "--expires", "30"}, srv...), "--expires only applies with --bind"},
		{"allow-evict without bind", nil, append([]string{"register", "--user", "1", "--allow-evict"}, srv...), "--allow-evict only applies with --bind"},
		{"empty codecs", nil, append([]string{"invite", "--user", "1", "--to", "600", "--codecs", ""}, srv...), `--codecs "": list one or more codecs`},
		{"codecs of commas", nil, append([]string{"invite", "--user", "1", "--to", "600", "--codecs", ", ,"}, srv...), "list one or more codecs"},
		{"negative rate", nil, []string{"run", lab, "--rate", "-1"}, "--rate -1: want requests per second, or 0 for no limit"},
		{"notify without history", nil, []string{"run", lab, "--notify-on-change", "--no-history"}, "--notify-on-change needs the history"},
		{"notify with nagios output", nil, []string{"run", lab, "--notify-on-change", "-o", "nagios"}, "--notify-on-change prints only what changed"},
		{"explain with an extra word", nil, []string{"catalog", "explain", "503", "Service Unavailable", "extra"}, "quote a phrase of several words"},

		// Output files are checked before anything is sent, --check too.
		{"prom-file in a missing directory", nil, []string{"run", lab, "--prom-file", "/nonexistent/dir/x.prom"}, "--prom-file /nonexistent/dir/x.prom: directory /nonexistent/dir does not exist"},
		{"junit is a directory", nil, []string{"run", lab, "--junit", dir}, "--junit " + dir + ": is a directory"},
		{"json in a missing directory with --check", nil, []string{"run", lab, "--check", "--json", "/nonexistent/x.json"}, "--json /nonexistent/x.json: directory /nonexistent does not exist"},
		{"SIPPROBE_PROM_FILE", map[string]string{"SIPPROBE_PROM_FILE": "/nonexistent/dir/x.prom"}, []string{"run", lab}, "SIPPROBE_PROM_FILE /nonexistent/dir/x.prom"},
		{"db under a file", nil, []string{"run", lab, "--db", filepath.Join(pw, "h.db")}, pw + " is not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"SIPPROBE_PASSWORD", "SIPPROBE_PASSWORD_FILE", "SIPPROBE_OUTPUT", "SIPPROBE_TRANSPORT", "SIPPROBE_EXPIRES", "SIPPROBE_ALLOW_EVICT", "SIPPROBE_BIND"} {
				t.Setenv(k, "")
			}
			t.Setenv("XDG_STATE_HOME", t.TempDir())
			peer.drain()
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			code, _, stderr := runMain(t, tt.args...)
			if code != 3 {
				t.Errorf("exit %d, want 3; stderr: %s", code, stderr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q does not say %q", stderr, tt.want)
			}
			peer.assertNothingSent(t)
		})
	}
}

// authPBX challenges every request, OPTIONS included (as Asterisk does an
// unknown source), and refuses a wrong password with 403.
func authPBX(t *testing.T) string {
	t.Helper()
	pbx, err := testpbx.New(testpbx.WithOptionsAuth(), testpbx.WithAccount("120", "secret", testpbx.RejectWrongPassword(403, "Wrong Guess")))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	must(t, pbx.Start(ctx))
	t.Cleanup(func() { pbx.Close() })
	return pbx.Addr("udp")
}

// TestPasswordPrecedence: one rule for every command: the command line
// beats the environment.
func TestPasswordPrecedence(t *testing.T) {
	addr := authPBX(t)
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good"), filepath.Join(dir, "bad")
	must(t, os.WriteFile(good, []byte("secret\n"), 0o600))
	must(t, os.WriteFile(bad, []byte("guess\n"), 0o600))
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
	}{
		{"SIPPROBE_PASSWORD alone", map[string]string{"SIPPROBE_PASSWORD": "secret"}, nil, 0},
		{"--password-file beats SIPPROBE_PASSWORD", map[string]string{"SIPPROBE_PASSWORD": "guess"}, []string{"--password-file", good}, 0},
		{"--password beats SIPPROBE_PASSWORD", map[string]string{"SIPPROBE_PASSWORD": "guess"}, []string{"--password", "secret"}, 0},
		{"--password beats SIPPROBE_PASSWORD_FILE", map[string]string{"SIPPROBE_PASSWORD_FILE": bad}, []string{"--password", "secret"}, 0},
		{"--password-file beats SIPPROBE_PASSWORD_FILE", map[string]string{"SIPPROBE_PASSWORD_FILE": bad}, []string{"--password-file", good}, 0},
		{"a wrong flag still beats a right variable", map[string]string{"SIPPROBE_PASSWORD": "secret"}, []string{"--password-file", bad}, 2},
	}
	for _, kind := range []string{"register", "options"} {
		for _, tt := range tests {
			t.Run(kind+"/"+tt.name, func(t *testing.T) {
				t.Setenv("SIPPROBE_PASSWORD", "")
				t.Setenv("SIPPROBE_PASSWORD_FILE", "")
				for k, v := range tt.env {
					t.Setenv(k, v)
				}
				args := append([]string{kind, "--server", addr, "--user", "120", "--timeout", "2s"}, tt.args...)
				code, out, stderr := runMain(t, args...)
				if code != tt.code {
					t.Errorf("exit %d, want %d\n%s%s", code, tt.code, out, stderr)
				}
			})
		}
	}
}

// TestEnvironmentForOtherCommands: a SIPPROBE_* variable set for one
// command (a crontab's environment serves every job) does not break
// another that cannot use it.
func TestEnvironmentForOtherCommands(t *testing.T) {
	addr := authPBX(t)
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string // in stdout
	}{
		{"SIPPROBE_OUTPUT=nagios for catalog", map[string]string{"SIPPROBE_OUTPUT": "nagios"}, []string{"catalog", "show", "ok"}, "ok (ok)"},
		{"SIPPROBE_OUTPUT=prom for catalog list", map[string]string{"SIPPROBE_OUTPUT": "PROM"}, []string{"catalog", "list"}, "SEVERITY"},
		{"SIPPROBE_OUTPUT=json for catalog", map[string]string{"SIPPROBE_OUTPUT": "json"}, []string{"catalog", "show", "ok"}, `"id": "ok"`},
		{"-o JSON for catalog", nil, []string{"catalog", "show", "ok", "-o", "JSON"}, `"id": "ok"`},
		{"--lang RU", nil, []string{"catalog", "show", "ok", "--lang", "RU"}, "Сервер"},
		{"catalog show in capitals", nil, []string{"catalog", "show", "WRONG-PASSWORD"}, "wrong-password (critical)"},
		{"--expect-diagnosis in capitals", map[string]string{"SIPPROBE_PASSWORD": "guess"}, []string{"register", "--server", addr, "--user", "120", "--expect-diagnosis", "Wrong-Password"}, "OK"},
		{"SIPPROBE_EXPIRES without --bind", map[string]string{"SIPPROBE_EXPIRES": "30", "SIPPROBE_ALLOW_EVICT": "1", "SIPPROBE_PASSWORD": "secret"}, []string{"register", "--server", addr, "--user", "120"}, "OK"},
		{"-t UDP", map[string]string{"SIPPROBE_PASSWORD": "secret"}, []string{"register", "--server", addr, "--user", "120", "-t", "UDP"}, "OK"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"SIPPROBE_PASSWORD", "SIPPROBE_OUTPUT", "SIPPROBE_EXPIRES", "SIPPROBE_ALLOW_EVICT", "SIPPROBE_BIND"} {
				t.Setenv(k, "")
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			code, out, stderr := runMain(t, tt.args...)
			if code != 0 || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d, stdout lacks %q\n%s%s", code, tt.want, out, stderr)
			}
		})
	}
}

// TestNearestFlag: a suggestion only when one is close.
func TestNearestFlag(t *testing.T) {
	flags := commonFlags()
	for _, tc := range []struct{ typed, want string }{
		{"timout", "timeout"},
		{"sever", "server"},
		{"transprot", "transport"},
		{"serv", "server"},
		{"xyzzy", ""},
		{"q", ""},
	} {
		t.Run(tc.typed, func(t *testing.T) {
			if got := nearestFlag(flags, tc.typed); got != tc.want {
				t.Errorf("nearestFlag(%q) = %q, want %q", tc.typed, got, tc.want)
			}
		})
	}
}
