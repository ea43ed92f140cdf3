package probe

import (
	"errors"
	"strings"
	"testing"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		name, in  string
		want      target
		transport string // defaultTransport("")
		uri       string
	}{
		{"host", "pbx.local", target{Scheme: "sip", Host: "pbx.local"}, "udp", "sip:pbx.local"},
		{"host and port", "pbx.local:5070", target{Scheme: "sip", Host: "pbx.local", Port: 5070}, "udp", "sip:pbx.local:5070"},
		{"ipv4", "192.0.2.1", target{Scheme: "sip", Host: "192.0.2.1"}, "udp", "sip:192.0.2.1"},
		{"bracketed v6 with port", "[::1]:5060", target{Scheme: "sip", Host: "::1", Port: 5060}, "udp", "sip:[::1]:5060"},
		{"bare v6", "2001:db8::1", target{Scheme: "sip", Host: "2001:db8::1"}, "udp", "sip:[2001:db8::1]"},
		{"sip uri with transport", "sip:pbx.local:5070;transport=tcp", target{Scheme: "sip", Host: "pbx.local", Port: 5070, Transport: "tcp"}, "tcp", "sip:pbx.local:5070"},
		{"sips uri", "sips:pbx.example.com", target{Scheme: "sips", Host: "pbx.example.com"}, "tls", "sips:pbx.example.com"},
		{"upper-case scheme and TRANSPORT", "SIP:pbx;TRANSPORT=TLS", target{Scheme: "sip", Host: "pbx", Transport: "tls"}, "tls", "sip:pbx"},
		{"uri with user and password drops password", "sip:120:secret@pbx.local", target{Scheme: "sip", User: "120", Host: "pbx.local"}, "udp", "sip:120@pbx.local"},
		{"uri headers ignored", "sip:pbx.local?subject=x", target{Scheme: "sip", Host: "pbx.local"}, "udp", "sip:pbx.local"},
		{"sips v6", "sips:[::1]:5061", target{Scheme: "sips", Host: "::1", Port: 5061}, "tls", "sips:[::1]:5061"},
		{"bare v6 starting with letters", "fe80::1", target{Scheme: "sip", Host: "fe80::1"}, "udp", "sip:[fe80::1]"},
		{"bare v6 with letters after the first colon", "fd00:abcd::1", target{Scheme: "sip", Host: "fd00:abcd::1"}, "udp", "sip:[fd00:abcd::1]"},
		{"host with underscore and trailing dot", "pbx_1.example.com.", target{Scheme: "sip", Host: "pbx_1.example.com."}, "udp", "sip:pbx_1.example.com."},
		{"sips with transport=tcp is TLS (RFC 5630)", "sips:pbx;transport=tcp", target{Scheme: "sips", Host: "pbx", Transport: "tls"}, "tls", "sips:pbx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseTarget(tt.in)
			if err != nil {
				t.Fatalf("parseTarget(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("parseTarget(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if tr := got.defaultTransport(""); tr != tt.transport {
				t.Errorf("transport = %s, want %s", tr, tt.transport)
			}
			if u := got.uri(); u != tt.uri {
				t.Errorf("uri = %s, want %s", u, tt.uri)
			}
		})
	}
}

func TestParseTargetErrors(t *testing.T) {
	for _, in := range []string{"", "   ", "sip:", "pbx:0", "pbx:70000", "pbx:x", "[::1", "[pbx]:5060", "pbx local", "sip:pbx;transport=sctp", "1:2:3:zz", "[::1]x",
		// Other schemes are not hosts to look up.
		"tel:+123", "tel:123", "http://pbx.example.com", "https://pbx:8443/x", "wss://120@pbx/ws", "mailto:a@b", "h323:pbx",
		// Signs and other junk in the port.
		"127.0.0.1:+15060", "pbx:-1", "pbx:5060x", "pbx: 5060", "sip:pbx:+5060", "[::1]:+5060",
		// Malformed hosts and addresses.
		"::%]", "[::1%eth0]:5060", "[::1%]]:5060", "fe80::1%a b", "fe80::1%eth0", "pbx..example.com", "-pbx.example.com", "pbx-.example.com", "10.0.0.300", "127.1", "sip:[::1",
		// sips: is TLS on every hop (RFC 3261 §26.2.2).
		"sips:pbx;transport=udp",
	} {
		t.Run(in, func(t *testing.T) {
			if _, err := parseTarget(in); !errors.Is(err, ErrTarget) {
				t.Errorf("parseTarget(%q) error = %v, want ErrTarget", in, err)
			}
		})
	}
}

func TestExplicitTransportWins(t *testing.T) {
	tg, err := parseTarget("sips:pbx;transport=tcp")
	if err != nil {
		t.Fatal(err)
	}
	if got := tg.defaultTransport("udp"); got != "udp" {
		t.Errorf("explicit --transport: got %s", got)
	}
	if got := tg.defaultTransport(""); got != "tls" {
		t.Errorf("sips: with ;transport=tcp: got %s, want tls (RFC 5630 §3.1.3)", got)
	}
}

func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"pbx.local", "[::1]:5060", "sips:a@b:1;transport=tls?x=y", "::1", "sip:", "[", "a:b:c", "::%]", "tel:+123", "127.0.0.1:+15060"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tg, err := parseTarget(s)
		if err != nil {
			return
		}
		// A parsed target must round-trip through its canonical URI.
		again, err := parseTarget(tg.uri())
		if err != nil {
			t.Fatalf("uri %q of %q does not parse: %v", tg.uri(), s, err)
		}
		if again.Host != tg.Host || again.Port != tg.Port || again.Scheme != tg.Scheme {
			t.Fatalf("round trip of %q: %+v != %+v", s, again, tg)
		}
	})
}

func TestFirstTransport(t *testing.T) {
	for _, tt := range []struct{ target, transport, want string }{
		{"pbx", "", "udp"},
		{"pbx", "TCP", "tcp"},
		{"sips:pbx", "", "tls"},
		{"sip:pbx;transport=tcp", "", "tcp"},
		{"sip:pbx;transport=tcp", "udp", "udp"},
		{"pbx:x", "", ""},
	} {
		t.Run(tt.target+"/"+tt.transport, func(t *testing.T) {
			if got := (Config{Target: tt.target, Transport: tt.transport}).FirstTransport(); got != tt.want {
				t.Errorf("FirstTransport = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestShownTarget: an error quoting a target never shows a password from
// its userinfo.
func TestShownTarget(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"sip:120:secretpw@127.0.0.1:99999", "sip:120:***@127.0.0.1:99999"},
		{"sips:120:pw@pbx;transport=tls", "sips:120:***@pbx;transport=tls"},
		{"120:pw@pbx", "120:***@pbx"},
		{"ws://u:pw@pbx/ws", "ws://u:***@pbx/ws"},
		{"sip:120@pbx", "sip:120@pbx"},
		{"pbx:5060", "pbx:5060"},
		{"sip:pbx", "sip:pbx"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := shownTarget(tc.in); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if _, err := parseTarget(tc.in + ":99999"); err != nil && strings.Contains(err.Error(), "pw") {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
}
