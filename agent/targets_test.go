package agent

import (
	"errors"
	"testing"

	"github.com/sipprobe/sipprobe/probe"
	"github.com/sipprobe/sipprobe/scenarios"
)

func TestParseTarget(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"pbx.example.com", "pbx.example.com", true},
		{"PBX.example.com:5070", "pbx.example.com:5070", true},
		{"10.1.2.3:5060", "10.1.2.3:5060", true},
		{"[::1]:5060", "[::1]:5060", true},
		{"::1", "[::1]", true},
		{"sip:pbx.example.com", "", false},
		{"120@pbx.example.com", "", false},
		{"pbx.example.com;transport=tcp", "", false},
		{"pbx.example.com:0", "", false},
		{"pbx.example.com:99999", "", false},
		{"pbx.example.com/x", "", false},
		{"10.1.2.3:05060", "10.1.2.3:5060", true}, // one spelling per port
		{"pbx..example.com", "", false},
		{"10.1.2.:5060", "", false},
		{"[", "", false},
		{"", "", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseTarget(tc.in)
			if (err == nil) != tc.ok {
				t.Fatalf("parseTarget(%q) error %v", tc.in, err)
			}
			if err != nil && !errors.Is(err, ErrBadTarget) {
				t.Errorf("error %v is not ErrBadTarget", err)
			}
			if tc.ok && got.String() != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestAllowed(t *testing.T) {
	cred := scenarios.Probe{Name: "reg", Kind: probe.KindRegister,
		Config:  probe.Config{Target: "sip:pbx.example.com:5070;transport=tcp", User: "120", Password: "pw"},
		Targets: []string{"pbx2.example.com", "10.1.2.*:5060", "*.lab.example.com"}}
	open := scenarios.Probe{Name: "alive", Kind: probe.KindOptions, Config: probe.Config{Target: "pbx.example.com"}, AnyTarget: true}
	closed := scenarios.Probe{Name: "alive2", Kind: probe.KindOptions, Config: probe.Config{Target: "pbx.example.com"}}
	for _, tc := range []struct {
		name   string
		p      scenarios.Probe
		target string
		want   bool
	}{
		{"own server", cred, "pbx.example.com:5070", true},
		{"own host, other port", cred, "pbx.example.com:5080", false},
		{"listed host, any port", cred, "pbx2.example.com:5061", true},
		{"listed host, no port", cred, "pbx2.example.com", true},
		{"glob in a label", cred, "10.1.2.77:5060", true},
		{"an address pattern does not match a DNS name", cred, "10.1.2.com:5060", false},
		{"an address pattern does not match a longer name", cred, "10.1.2.attacker:5060", false},
		{"glob with the wrong port", cred, "10.1.2.77:5070", false},
		{"glob does not cross a dot", cred, "10.1.2.77.attacker.example:5060", false},
		{"subdomain glob", cred, "a.lab.example.com", true},
		{"subdomain glob one level only", cred, "a.b.lab.example.com", false},
		{"attacker", cred, "attacker.example", false},
		{"any_target", open, "anything.example", true},
		{"no credentials, no any_target", closed, "other.example.com", false},
		{"no credentials, own server", closed, "pbx.example.com", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg, err := parseTarget(tc.target)
			if err != nil {
				t.Fatal(err)
			}
			if got := allowed(tc.p, tg); got != tc.want {
				t.Errorf("allowed(%s, %s) = %v", tc.p.Name, tc.target, got)
			}
		})
	}
}
