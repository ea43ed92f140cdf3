package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommandLineMistakes: mistakes a new user made, each once silently
// ignored or reported as something else, are usage errors (exit 3) that
// name the flag, before anything is sent.
func TestCommandLineMistakes(t *testing.T) {
	peer := newSilentPeer(t)
	dir := t.TempDir()
	lab := filepath.Join(dir, "lab.toml")
	must(t, os.WriteFile(lab, []byte("[[probe]]\nname = \"a\"\nkind = \"options\"\nserver = \""+peer.addr+"\"\n"), 0o600))
	srv := []string{"--server", peer.addr}
	accounts := filepath.Join(dir, "accounts.csv")
	must(t, os.WriteFile(accounts, []byte("user,password\n120,secret\n"), 0o600))
	empty, blankFirst := filepath.Join(dir, "empty.txt"), filepath.Join(dir, "blank-first.txt")
	must(t, os.WriteFile(empty, nil, 0o600))
	must(t, os.WriteFile(blankFirst, []byte("\r\nsecret\n"), 0o600))
	// call is a fresh slice each time: appends to one shared slice would
	// overwrite each other's flags.
	call := func(more ...string) []string {
		return append(append([]string{"invite", "--user", "1", "--to", "600"}, srv...), more...)
	}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		// Durations: negative never, 0 only where it means something.
		{"negative hold", nil, call("--hold", "-1s"), "--hold -1s: want a positive duration like 2s, or 0 for no hold"},
		{"negative ring-timeout", nil, call("--ring-timeout", "-1s"), "--ring-timeout -1s: want a positive duration"},
		{"ring-timeout 0", nil, call("--ring-timeout", "0"), "--ring-timeout 0s: want a positive duration like 20s"},
		{"negative timeout", nil, append([]string{"options", "--timeout", "-5s"}, srv...), "--timeout -5s: want a positive duration"},
		{"timeout 0", nil, append([]string{"options", "--timeout", "0"}, srv...), "--timeout 0s: want a positive duration"},
		{"negative wait", nil, append([]string{"receive", "--user", "1", "--wait", "-1s"}, srv...), "--wait -1s: want a positive duration"},
		{"negative cooldown of a sweep", nil, append([]string{"register", "--accounts", lab, "--cooldown", "-1h"}, srv...), "--cooldown -1h0m0s: want a positive duration like 1h0m0s, or 0 for no cool-down"},
		{"negative deadline", nil, []string{"run", lab, "--deadline", "-1s"}, "--deadline -1s: want a positive duration"},
		{"negative cooldown", nil, []string{"run", lab, "--cooldown", "-1s"}, "--cooldown -1s"},
		{"ban-window 0", nil, []string{"run", lab, "--ban-window", "0"}, "--ban-window 0s: want a positive duration"},
		{"SIPPROBE_HOLD negative", map[string]string{"SIPPROBE_HOLD": "-2s"}, call(), "SIPPROBE_HOLD -2s: want a positive duration"},

		// Password files whose first line is empty.
		{"empty password file", nil, append([]string{"register", "-u", "120", "--password-file", empty}, srv...), "--password-file " + empty + ": the first line is empty"},
		{"password file with an empty first line", nil, append([]string{"register", "-u", "120", "--password-file", blankFirst}, srv...), "--password-file " + blankFirst + ": the first line is empty"},
		{"empty SIPPROBE_PASSWORD_FILE", map[string]string{"SIPPROBE_PASSWORD_FILE": empty}, append([]string{"register", "-u", "120"}, srv...), "SIPPROBE_PASSWORD_FILE " + empty + ": the first line is empty"},
		{"empty from-password-file", nil, append([]string{"receive", "-u", "120", "--from-user", "121", "--from-password-file", empty}, srv...), "--from-password-file " + empty + ": the first line is empty"},

		// A --local-addr this machine does not have (TEST-NET-3, RFC 5737;
		// the IPv6 documentation prefix, RFC 3849).
		{"local-addr not of this machine", nil, append([]string{"options", "--local-addr", "203.0.113.77"}, srv...), "--local-addr 203.0.113.77: not an address of this machine (cannot assign requested address)"},
		{"local-addr with a port", nil, append([]string{"options", "--local-addr", "203.0.113.77:5099"}, srv...), "--local-addr 203.0.113.77:5099: not an address of this machine"},
		{"local-addr IPv6", nil, []string{"options", "--local-addr", "2001:db8::77", "--server", "[::1]:5060"}, "--local-addr 2001:db8::77: not an address of this machine"},
		{"SIPPROBE_LOCAL_ADDR", map[string]string{"SIPPROBE_LOCAL_ADDR": "203.0.113.77"}, append([]string{"options"}, srv...), "SIPPROBE_LOCAL_ADDR 203.0.113.77: not an address"},

		// Two transports asked for.
		{"transport=tcp with -t udp", nil, []string{"options", "-s", "sip:" + peer.addr + ";transport=tcp", "-t", "udp"}, `;transport=tcp but --transport is udp: drop one of them`},
		{"transport=tcp with SIPPROBE_TRANSPORT=tls", map[string]string{"SIPPROBE_TRANSPORT": "tls"}, []string{"options", "-s", "sip:" + peer.addr + ";transport=tcp"}, `;transport=tcp but --transport is tls`},

		// Sweep flags without --accounts, and what a sweep would drop.
		{"json without accounts", nil, append([]string{"register", "-u", "120", "--json", filepath.Join(dir, "x.jsonl")}, srv...), "--json needs --accounts (a single probe prints its result with -o json)"},
		{"parallel without accounts", nil, append([]string{"register", "-u", "120", "-j", "4"}, srv...), "--parallel only applies with --accounts"},
		{"force without accounts", nil, append([]string{"register", "-u", "120", "--force"}, srv...), "--force only applies with --accounts"},
		{"max-rows without accounts", nil, append([]string{"options", "--max-rows", "5"}, srv...), "--max-rows only applies with --accounts"},
		{"no-history without accounts", nil, append([]string{"options", "--no-history"}, srv...), "--no-history only applies with --accounts"},
		{"user with accounts", nil, append([]string{"register", "--accounts", accounts, "--user", "120"}, srv...), "--user cannot go with --accounts"},
		{"auth-user with accounts", nil, append([]string{"register", "--accounts", accounts, "--auth-user", "x"}, srv...), "--auth-user cannot go with --accounts"},
		{"user with SIPPROBE_ACCOUNTS", map[string]string{"SIPPROBE_ACCOUNTS": accounts}, append([]string{"register", "-u", "120"}, srv...), "--user cannot go with SIPPROBE_ACCOUNTS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
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

// TestZeroDurationsThatMeanSomething: --hold 0 (no hold), --deadline 0
// (none) and --cooldown 0 (no cool-down) pass the duration checks; each
// command then stops at a later check or exits 0 after --check.
func TestZeroDurationsThatMeanSomething(t *testing.T) {
	peer := newSilentPeer(t)
	dir := t.TempDir()
	lab := filepath.Join(dir, "lab.toml")
	must(t, os.WriteFile(lab, []byte("[[probe]]\nname = \"a\"\nkind = \"options\"\nserver = \""+peer.addr+"\"\n"), 0o600))
	tests := []struct {
		name     string
		args     []string
		code     int
		inStderr string
	}{
		{"hold 0", []string{"invite", "--server", peer.addr, "--user", "1", "--hold", "0"}, 3, "--to is required"},
		{"deadline and cooldown 0", []string{"run", "--check", lab, "--deadline", "0", "--cooldown", "0"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("XDG_STATE_HOME", t.TempDir())
			code, _, stderr := runMain(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.inStderr) {
				t.Errorf("exit %d, stderr %q; want exit %d saying %q", code, stderr, tt.code, tt.inStderr)
			}
			peer.assertNothingSent(t)
		})
	}
}

// TestTypoHints: a mistyped command gets the nearest one, and a target
// given without --server gets the flag, as flag typos get the nearest flag.
func TestTypoHints(t *testing.T) {
	dir := t.TempDir()
	lab := filepath.Join(dir, "lab.toml")
	must(t, os.WriteFile(lab, nil, 0o600))
	tests := []struct {
		name     string
		args     []string
		want     string
		wantNone bool // no "did you mean"
	}{
		{"transposed letters", []string{"optoins"}, `unknown command "optoins": did you mean options?`, false},
		{"missing letter", []string{"regster", "-u", "120"}, "did you mean register?", false},
		{"receive misspelt", []string{"recieve"}, "did you mean receive?", false},
		{"prefix", []string{"inv"}, "did you mean invite?", false},
		{"nothing near", []string{"frobnicate"}, `unknown command "frobnicate"`, true},
		{"host:port", []string{"options", "127.0.0.1:5303"}, `unexpected argument "127.0.0.1:5303": did you mean --server 127.0.0.1:5303?`, false},
		{"v6 host:port", []string{"options", "[::1]:5303"}, "did you mean --server [::1]:5303?", false},
		{"IP", []string{"register", "-u", "120", "192.0.2.1"}, "did you mean --server 192.0.2.1?", false},
		{"host name", []string{"options", "pbx.example.com"}, "did you mean --server pbx.example.com?", false},
		{"name:port", []string{"options", "pbx:5060"}, "did you mean --server pbx:5060?", false},
		{"sip URI", []string{"invite", "sip:pbx.example.com;transport=tcp"}, "did you mean --server sip:pbx.example.com;transport=tcp?", false},
		{"sips URI", []string{"options", "sips:pbx.example.com"}, "did you mean --server sips:pbx.example.com?", false},
		{"a word", []string{"options", "now"}, `unexpected argument "now"`, true},
		{"a file", []string{"options", lab}, "unexpected argument", true},
		{"server already given", []string{"options", "--server", "127.0.0.1", "127.0.0.1:5303"}, "unexpected argument", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runMain(t, tt.args...)
			if code != 3 {
				t.Errorf("exit %d, want 3; stderr: %s", code, stderr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q does not say %q", stderr, tt.want)
			}
			if tt.wantNone && strings.Contains(stderr, "did you mean") {
				t.Errorf("stderr %q suggests something", stderr)
			}
		})
	}
}
