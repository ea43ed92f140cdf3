package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// hostileReason clears the screen, paints red and sets the window title;
// hostileServer would write the clipboard (OSC 52) and reverse the text.
const (
	hostileReason = "\x1b[2J\x1b[31mPWNED\x1b]0;title\x07"
	hostileServer = "Evil \x1b]52;c;ZXZpbA==\x07 \u202egnp.exe \u009b31m"
)

// hostileUAS answers every OPTIONS over UDP with 503 hostileReason (a
// failure, so every output explains it) and a
// hostile Server header. SIPp's scenario XML cannot carry a raw ESC, so
// this is a plain Go responder.
func hostileUAS(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	t.Cleanup(func() { cancel(); pc.Close(); <-done })
	go func() {
		defer close(done)
		buf := make([]byte, 65535)
		for ctx.Err() == nil {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			req := string(buf[:n])
			if !strings.HasPrefix(req, "OPTIONS ") {
				continue
			}
			var b strings.Builder
			b.WriteString("SIP/2.0 503 " + hostileReason + "\r\n")
			for _, l := range strings.Split(req, "\r\n") {
				name, _, _ := strings.Cut(l, ":")
				switch strings.ToLower(strings.TrimSpace(name)) {
				case "via", "v", "from", "f", "call-id", "i", "cseq":
					b.WriteString(l + "\r\n")
				case "to", "t":
					b.WriteString(l + ";tag=evil\r\n")
				}
			}
			b.WriteString("Server: " + hostileServer + "\r\nWarning: 399 evil \"\x1b[5m\"\r\nContent-Length: 0\r\n\r\n")
			_, _ = pc.WriteTo([]byte(b.String()), from)
		}
	}()
	return pc.LocalAddr().String()
}

// assertNoRaw fails when out holds a control character other than newline
// and tab, DEL, a C1 control or a bidi override, or (shown) does not show
// the phrase escaped.
func assertNoRaw(t *testing.T, what, out string, shown bool) {
	t.Helper()
	for i, r := range out {
		bad := r == utf8.RuneError || (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r < 0xa0) ||
			(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
		if bad {
			t.Fatalf("%s: raw %U at byte %d reaches stdout:\n%q", what, r, i, out)
		}
	}
	if shown && !strings.Contains(out, `PWNED\x1b]0;title\x07`) {
		t.Errorf("%s: the reason phrase is not shown escaped:\n%s", what, out)
	}
}

// End to end: a server whose reason phrase and headers carry terminal
// escape sequences cannot drive the terminal through any text output.
func TestHostileServerText(t *testing.T) {
	addr := hostileUAS(t)
	scenario := filepath.Join(t.TempDir(), "evil.toml")
	must(t, os.WriteFile(scenario, []byte("[[probe]]\nname = \"evil\"\nkind = \"options\"\nserver = \""+addr+"\"\ntimeout = \"3s\"\n"), 0o600))
	junit := filepath.Join(t.TempDir(), "out.xml")
	for _, tc := range []struct {
		name  string
		args  []string
		shown bool // the output quotes the reason phrase
	}{
		{"text", []string{"options", "--server", addr, "--no-fallback", "--timeout", "3s"}, true},
		{"trace", []string{"options", "--server", addr, "--no-fallback", "--timeout", "3s", "--trace"}, true},
		{"nagios", []string{"options", "--server", addr, "--no-fallback", "--timeout", "3s", "-o", "nagios"}, true},
		{"russian", []string{"options", "--server", addr, "--no-fallback", "--timeout", "3s", "--trace", "--lang", "ru"}, true},
		{"run table", []string{"run", scenario, "--no-history"}, false},
		{"run junit", []string{"run", scenario, "--no-history", "-o", "junit", "--junit", junit}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, out, errOut := runMain(t, tc.args...)
			assertNoRaw(t, tc.name, out, tc.shown)
			assertNoRaw(t, tc.name+" stderr", errOut, false)
		})
	}
	b, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	assertNoRaw(t, "junit file", string(b), true)
}
