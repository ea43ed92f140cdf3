package scenarios

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/sipprobe/sipprobe/probe"
)

// TestTargetAndTransportProblems: a target or transport the engine cannot
// use is a problem of the file, found before anything is sent, also on
// one transport of a fan-out only.
func TestTargetAndTransportProblems(t *testing.T) {
	tests := []struct {
		name, probe, want string
	}{
		{"tel URI", `server = "tel:+123"`, `"tel:" is not a SIP URI scheme`},
		{"http URL", `server = "http://pbx.example.com"`, `"http:" is not a SIP URI scheme`},
		{"signed port", `server = "127.0.0.1:+15060"`, `port "+15060"`},
		{"port zero", `server = "pbx:0"`, `port "0"`},
		{"sips over udp", "server = \"sips:pbx.example.com\"\ntransport = \"udp\"", "sips: URI, which needs TLS"},
		{"sips with transport=udp", `server = "sips:pbx.example.com;transport=udp"`, "sips: needs TLS"},
		{"transport=tcp with transport udp", "server = \"sip:pbx.example.com;transport=tcp\"\ntransport = \"udp\"", "says ;transport=tcp but transport is udp"},
		{"sips fan-out with udp", "server = \"sips:pbx.example.com\"\ntransports = [\"tls\", \"udp\"]", "drop transport udp"},
		{"expires 0 with bind", "kind = \"register\"\nserver = \"pbx\"\nuser = \"1\"\nbind = true\nexpires = 0", "expires"},
		{"empty codecs", "kind = \"invite\"\nserver = \"pbx\"\nuser = \"1\"\nto = \"600\"\ncodecs = []", "codecs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := "[[probe]]\nname = \"p\"\n" + tt.probe + "\n"
			if !strings.Contains(tt.probe, "kind") {
				doc += "kind = \"options\"\n"
			}
			_, err := Parse("x.toml", []byte(doc), WithLookupEnv(testEnv))
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("got %v, want a validation error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
}

// TestEnumsIgnoreCase: kind, transport, transports and lang are enums; a
// user who writes them in capitals means the same thing.
func TestEnumsIgnoreCase(t *testing.T) {
	doc := `
[defaults]
server = "127.0.0.1"
transport = "TCP"
lang = "RU"

[[probe]]
name = "a"
kind = "OPTIONS"

[[probe]]
name = "b"
kind = "Options"
transports = ["UDP", "Tls"]
expect = { diagnosis = "Port-Unreachable" }
`
	f, err := Parse("x.toml", []byte(doc), WithLookupEnv(testEnv))
	if err != nil {
		t.Fatal(err)
	}
	a, b := f.Probes[0], f.Probes[1]
	if a.Kind != probe.KindOptions || a.Config.Transport != "tcp" {
		t.Errorf("a: kind %q transport %q", a.Kind, a.Config.Transport)
	}
	if b.Kind != probe.KindOptions || !slices.Equal(b.Transports, []string{"udp", "tls"}) {
		t.Errorf("b: kind %q transports %q", b.Kind, b.Transports)
	}
	if b.Expect.Diagnosis != "port-unreachable" {
		t.Errorf("b: expect.diagnosis %q", b.Expect.Diagnosis)
	}
}

// TestFanOutKeepsTheTarget: each fanned-out job gets its transport and the
// target as written, so that a target without a port resolves per
// transport (5060 for udp/tcp, 5061 for tls, or SRV), and a given port is
// kept on every transport (TLS to a plain-SIP port then says so).
func TestFanOutKeepsTheTarget(t *testing.T) {
	for _, server := range []string{"127.0.0.1", "127.0.0.1:5060", "pbx.example.com"} {
		t.Run(server, func(t *testing.T) {
			doc := "[[probe]]\nname = \"p\"\nkind = \"options\"\nserver = \"" + server + "\"\ntransports = [\"udp\", \"tcp\", \"tls\"]\n"
			f, err := Parse("x.toml", []byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for j := range f.Jobs() {
				if j.Config.Target != server {
					t.Errorf("%s: target %q, want %q", j.Name, j.Config.Target, server)
				}
				got = append(got, j.Name+"="+j.Config.Transport)
			}
			if want := []string{"p/udp=udp", "p/tcp=tcp", "p/tls=tls"}; !slices.Equal(got, want) {
				t.Errorf("jobs %q, want %q", got, want)
			}
		})
	}
}
