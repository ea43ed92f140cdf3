package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/internal/testpeers"
)

func runMain(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(context.Background(), append([]string{"sipprobe"}, args...), &o, &e)
	return code, o.String(), e.String()
}

func closedUDPPort(t *testing.T) string {
	t.Helper()
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(testpeers.FreeUDPPort(t)))
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"no command", nil, ""},
		{"unknown command", []string{"frobnicate"}, "unknown command"},
		{"unknown flag", []string{"options", "--bogus"}, "unknown flag --bogus for options"},
		{"missing server", []string{"options"}, "--server is required"},
		{"missing user", []string{"register", "--server", "127.0.0.1"}, "--user is required"},
		{"bad transport", []string{"options", "--server", "x", "--transport", "sctp"}, "--transport"},
		{"bad output", []string{"options", "--server", "x", "--output", "yaml"}, "--output"},
		{"bad duration", []string{"options", "--server", "x", "--timeout", "soon"}, `--timeout "soon": want a duration`},
		{"stray argument", []string{"options", "--server", "x", "extra"}, "unexpected argument"},
		{"bad lang", []string{"options", "--server", "x", "--lang", "xx"}, "--lang"},
		{"unreadable password file", []string{"register", "--server", "127.0.0.1", "--user", "1", "--password-file", "/nonexistent/pw"}, "--password-file"},
		{"password twice", []string{"register", "--server", "127.0.0.1", "--user", "1", "--password", "a", "--password-file", "/etc/hostname"}, "not both"},
		{"bad target", []string{"options", "--server", "sip:pbx:99999"}, "port"},
		{"cert without key", []string{"options", "--server", "x", "--cert", "c.pem"}, "--cert and --key"},
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
		})
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runMain(t, "version")
	if code != 0 || !strings.Contains(out, "sipprobe") {
		t.Fatalf("exit %d, out %q", code, out)
	}
}

func TestOptionsJSONContract(t *testing.T) {
	code, out, stderr := runMain(t, "options", "--server", closedUDPPort(t), "--output", "json")
	if code != 2 {
		t.Fatalf("exit %d, want 2 (critical); stderr %s", code, stderr)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	for _, k := range []string{"probe", "target", "transport", "remote_addr", "local_addr", "started_at", "status", "final_code", "final_reason", "diagnosis", "timings_ms", "responses", "messages"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON result lacks %q", k)
		}
	}
	d, _ := m["diagnosis"].(map[string]any)
	if d["id"] != "port-unreachable" {
		t.Errorf("diagnosis = %v", d["id"])
	}
	for _, k := range []string{"resolve", "connect", "first_response", "total"} {
		if _, ok := m["timings_ms"].(map[string]any)[k]; !ok {
			t.Errorf("timings_ms lacks %q", k)
		}
	}
}

func TestFlagsAfterPositionalArguments(t *testing.T) {
	app := newApp(&bytes.Buffer{}, &bytes.Buffer{})
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"flags first unchanged", []string{"sipprobe", "options", "--server", "x"}, []string{"sipprobe", "options", "--server", "x"}},
		{"value flag after positional", []string{"sipprobe", "options", "pos", "--server", "x", "--trace"}, []string{"sipprobe", "options", "--server", "x", "--trace", "pos"}},
		{"--flag=value", []string{"sipprobe", "options", "pos", "--server=x"}, []string{"sipprobe", "options", "--server=x", "pos"}},
		{"after -- stays positional", []string{"sipprobe", "options", "--", "--server"}, []string{"sipprobe", "options", "--", "--server"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := reorderArgs(app, tt.in); err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// challengeServer answers REGISTER with a 401 challenge, then 403 Wrong Guess.
func challengeServer(t *testing.T) string {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { c.Close(); <-done })
	go func() {
		defer close(done)
		buf := make([]byte, 65535)
		for {
			n, from, err := c.ReadFromUDP(buf)
			if err != nil {
				return
			}
			msg, err := sip.ParseMessage(append([]byte(nil), buf[:n]...))
			req, ok := msg.(*sip.Request)
			if err != nil || !ok {
				continue
			}
			var res *sip.Response
			if req.GetHeader("Authorization") == nil {
				res = sip.NewResponseFromRequest(req, 401, "Unauthorized", nil)
				res.AppendHeader(sip.NewHeader("WWW-Authenticate", `Digest realm="pbx.test", nonce="abc123", qop="auth"`))
			} else {
				res = sip.NewResponseFromRequest(req, 403, "Wrong Guess", nil)
			}
			_, _ = c.WriteToUDP([]byte(res.String()), from)
		}
	}()
	return c.LocalAddr().String()
}

func TestSecretsStaySecret(t *testing.T) {
	const password = "S3cr3t-Pa55-xyz"
	srv := challengeServer(t)
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SIPPROBE_PASSWORD", "")
	for _, args := range [][]string{
		{"register", "--server", srv, "--user", "120", "--password", password, "--output", "json"},
		{"register", "--server", srv, "--user", "120", "--password-file", pwFile, "--trace"},
	} {
		t.Run(strings.Join(args[5:], " "), func(t *testing.T) {
			code, out, stderr := runMain(t, args...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; %s", code, stderr)
			}
			all := out + stderr
			if strings.Contains(all, password) {
				t.Fatal("the password appears in the output")
			}
			if !strings.Contains(all, "<redacted>") {
				t.Error("the digest response is not shown as redacted")
			}
			if !strings.Contains(all, "wrong-password") {
				t.Errorf("diagnosis is not wrong-password:\n%s", out)
			}
		})
	}
	t.Run("env var", func(t *testing.T) {
		t.Setenv("SIPPROBE_PASSWORD", password)
		code, out, _ := runMain(t, "register", "--server", srv, "--user", "120", "-o", "json")
		if code != 2 || strings.Contains(out, password) {
			t.Fatalf("exit %d or password leaked", code)
		}
		var m struct {
			Responses []struct{ Code int }
		}
		if err := json.Unmarshal([]byte(out), &m); err != nil || len(m.Responses) != 2 {
			t.Fatalf("want exactly one challenge and one authenticated attempt, got %+v (%v)", m.Responses, err)
		}
	})
}
