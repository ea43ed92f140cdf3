package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sipprobe/sipprobe/internal/dnsmasq"
	"github.com/sipprobe/sipprobe/internal/kamailio"
	"github.com/sipprobe/sipprobe/results"
)

func TestDNSServerUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  string // SIPPROBE_DNS_SERVER
		want string // in stderr
	}{
		{"a name", []string{"options", "--server", "pbx.test", "--dns-server", "dns.example.com"}, "", "not a name"},
		{"a name with port", []string{"options", "--server", "pbx.test", "--dns-server", "dns.example.com:53"}, "", "not a name"},
		{"port zero", []string{"options", "--server", "pbx.test", "--dns-server", "127.0.0.1:0"}, "", "port from 1 to 65535"},
		{"port too big", []string{"options", "--server", "pbx.test", "--dns-server", "127.0.0.1:65536"}, "", "port from 1 to 65535"},
		{"unclosed bracket", []string{"options", "--server", "pbx.test", "--dns-server", "[::1"}, "", "with an optional port"},
		{"register too", []string{"register", "--server", "pbx.test", "--user", "120", "--dns-server", "ns1"}, "", "--dns-server"},
		{"invite too", []string{"invite", "--server", "pbx.test", "--user", "120", "--to", "600", "--dns-server", "ns1"}, "", "--dns-server"},
		{"from the environment", []string{"options", "--server", "pbx.test"}, "ns1.example.com", "--dns-server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("SIPPROBE_DNS_SERVER", tt.env)
			code, out, stderr := runMain(t, tt.args...)
			if code != 3 {
				t.Errorf("exit %d, want 3; stdout %q stderr %q", code, out, stderr)
			}
			if !strings.Contains(stderr, tt.want) || !strings.Contains(stderr, "--help") {
				t.Errorf("stderr %q does not say %q with the usage hint", stderr, tt.want)
			}
			if out != "" {
				t.Errorf("a usage error printed a result: %q", out)
			}
		})
	}
}

// TestDNSServerFlag runs the real CLI against a real DNS server (dnsmasq)
// that points pbx.test at a real Kamailio via SRV.
func TestDNSServerFlag(t *testing.T) {
	kam := kamailio.Start(t)
	dns := dnsmasq.Start(t,
		dnsmasq.WithSRV("_sip._udp.pbx.test", "sip1.pbx.test", kam.Port(), 10, 0),
		dnsmasq.WithHost("sip1.pbx.test", "127.0.0.1"),
	)
	silent := dnsmasq.Silent(t)

	t.Run("SRV found: OPTIONS answered, lookups name the server", func(t *testing.T) {
		code, out, stderr := runMain(t, "options", "--server", "pbx.test", "--dns-server", dns.Addr(), "--timeout", "3s", "--output", "json")
		if code != 0 {
			t.Fatalf("exit %d, want 0; %s%s", code, out, stderr)
		}
		var r results.Result
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		if r.RemoteAddr != kam.Addr("udp") || r.FinalCode != 200 {
			t.Errorf("sent to %s, got %d; want %s and 200", r.RemoteAddr, r.FinalCode, kam.Addr("udp"))
		}
		if r.Details == nil || len(r.Details.Resolution) != 2 {
			t.Fatalf("want the SRV and the A lookup, got %+v", r.Details)
		}
		for _, l := range r.Details.Resolution {
			if l.Server != dns.Addr() {
				t.Errorf("lookup %+v does not name the server %s", l, dns.Addr())
			}
		}
		// The contract's field name, not just the Go struct's.
		if !strings.Contains(out, fmt.Sprintf(`"server":%q`, dns.Addr())) {
			t.Errorf("JSON lacks \"server\": %s", out)
		}
	})
	t.Run("NXDOMAIN: text lists the lookups at the server", func(t *testing.T) {
		code, out, _ := runMain(t, "options", "--server", "nope.pbx.test", "--dns-server", dns.Addr(), "--timeout", "3s")
		if code != 2 {
			t.Fatalf("exit %d, want 2 (critical)\n%s", code, out)
		}
		for _, want := range []string{
			"dns-failure", "at DNS server " + dns.Addr(),
			"SRV _sip._udp.nope.pbx.test @" + dns.Addr() + ": no such name (NXDOMAIN)",
			"SRV _sips._tcp.nope.pbx.test @" + dns.Addr(),
			"A/AAAA nope.pbx.test @" + dns.Addr(),
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("from SIPPROBE_DNS_SERVER, silent server: dns-failure within --timeout", func(t *testing.T) {
		t.Setenv("SIPPROBE_DNS_SERVER", silent)
		code, out, _ := runMain(t, "options", "--server", "pbx.test", "--timeout", "1s")
		if code != 2 || !strings.Contains(out, "dns-failure") || !strings.Contains(out, "did not answer") {
			t.Fatalf("exit %d, want 2 with dns-failure from a silent server:\n%s", code, out)
		}
		if !strings.Contains(out, "@"+silent) {
			t.Errorf("output does not name %s:\n%s", silent, out)
		}
	})
	t.Run("scenario file: dns_server in defaults and per probe", func(t *testing.T) {
		dir := t.TempDir()
		scenario := fmt.Sprintf(`
[defaults]
server = "pbx.test"
dns_server = %q
timeout = "2s"

[[probe]]
name = "via-srv"
kind = "options"

[[probe]]
name = "silent-dns"
kind = "options"
dns_server = %q
timeout = "1s"
`, dns.Addr(), silent)
		path := filepath.Join(dir, "dns.toml")
		must(t, os.WriteFile(path, []byte(scenario), 0o600))
		jsonl := filepath.Join(dir, "r.jsonl")
		code, out, stderr := runMain(t, "run", path, "--no-history", "--json", jsonl)
		if code != 2 {
			t.Fatalf("exit %d, want 2 (silent-dns is critical)\n%s%s", code, out, stderr)
		}
		want := map[string]string{"via-srv": "ok", "silent-dns": "dns-failure"}
		rs := readJSONL(t, jsonl)
		if len(rs) != len(want) {
			t.Fatalf("%d results, want %d", len(rs), len(want))
		}
		for _, r := range rs {
			if r.Diagnosis.ID != want[r.Name] {
				t.Errorf("%s: %s (%s), want %s", r.Name, r.Diagnosis.ID, r.Diagnosis.Summary, want[r.Name])
			}
		}
	})
}
