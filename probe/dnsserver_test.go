package probe

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/internal/dnsmasq"
	"github.com/sipprobe/sipprobe/internal/kamailio"
	"github.com/sipprobe/sipprobe/internal/testpeers"
	"github.com/sipprobe/sipprobe/results"
)

func TestParseDNSServer(t *testing.T) {
	tests := []struct {
		in, want string // want "" means invalid
	}{
		{"192.0.2.53", "192.0.2.53:53"},
		{"192.0.2.53:5353", "192.0.2.53:5353"},
		{"2001:db8::53", "[2001:db8::53]:53"},
		{"[2001:db8::53]", "[2001:db8::53]:53"},
		{"[2001:db8::53]:5353", "[2001:db8::53]:5353"},
		{"::ffff:192.0.2.53", "192.0.2.53:53"},
		{"", ""},
		{"dns.example.com", ""},
		{"dns.example.com:53", ""},
		{"192.0.2.53:", ""},
		{"192.0.2.53:0", ""},
		{"192.0.2.53:65536", ""},
		{"192.0.2.53:dns", ""},
		{"[2001:db8::53", ""},
		{"fe80::1%eth0", ""},
		{"192.0.2.300", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDNSServer(tt.in)
			if tt.want == "" {
				if !errors.Is(err, ErrDNSServer) {
					t.Fatalf("got %v, %v; want ErrDNSServer", got, err)
				}
				return
			}
			if err != nil || got.String() != tt.want {
				t.Fatalf("got %v, %v; want %s", got, err, tt.want)
			}
		})
	}
	t.Run("Validate refuses it as a usage error", func(t *testing.T) {
		err := Config{Target: "pbx.test", DNSServer: "dns.example.com"}.Validate(KindOptions)
		if !errors.Is(err, ErrConfig) || !errors.Is(err, ErrDNSServer) || !strings.Contains(err.Error(), "--dns-server") {
			t.Fatalf("err = %v, want ErrConfig and ErrDNSServer naming --dns-server", err)
		}
	})
}

// nothingOn5060 makes sure the default-port case cannot reach a real SIP
// server: the test expects ICMP port unreachable from 127.0.0.1:5060.
func nothingOn5060(t *testing.T) {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:5060")
	if err != nil {
		msg := "something listens on UDP 127.0.0.1:5060 (a packaged Kamailio? see scripts/install-test-deps.sh); the default-port test must not talk to it: %v"
		if testpeers.InCI() {
			t.Fatalf(msg, err)
		}
		t.Skipf(msg, err)
	}
	pc.Close()
}

// TestDNSServerAgainstDnsmasq resolves through a real DNS server (dnsmasq,
// asked with --dns-server) and probes a real Kamailio found through it.
// The target is always pbx.test, Kamailio's domain, so that it answers
// OPTIONS; each case gives dnsmasq other records for it.
func TestDNSServerAgainstDnsmasq(t *testing.T) {
	k := kamailio.Start(t)
	kport := k.Port()
	dead := testpeers.FreePort(t) // nothing listens: a lower-priority SRV there must not be used
	const sip1 = "sip1.pbx.test"
	host := dnsmasq.WithHost(sip1, "127.0.0.1")

	tests := []struct {
		name      string
		records   []dnsmasq.Option
		transport string
		target    string // default pbx.test
		diagnosis string
		kind      string // DNS failure kind
		remote    string // want RemoteAddr; "" for none
		over      string // want transport
		lookups   []wantLookup
	}{
		{
			name:    "SRV _sip._udp points to Kamailio",
			records: []dnsmasq.Option{dnsmasq.WithSRV("_sip._udp.pbx.test", sip1, kport, 10, 0), host},
			remote:  k.Addr("udp"), over: "udp", diagnosis: "ok",
			lookups: []wantLookup{{"SRV", "_sip._udp.pbx.test", sip1}, {"A/AAAA", sip1, "127.0.0.1"}},
		},
		{
			name: "SRV priority: the lower number wins",
			records: []dnsmasq.Option{
				dnsmasq.WithSRV("_sip._udp.pbx.test", sip1, dead, 20, 0),
				dnsmasq.WithSRV("_sip._udp.pbx.test", sip1, kport, 10, 0), host,
			},
			remote: k.Addr("udp"), over: "udp", diagnosis: "ok",
			lookups: []wantLookup{{"SRV", "_sip._udp.pbx.test", sip1}, {"A/AAAA", sip1, "127.0.0.1"}},
		},
		{
			name:      "TCP-only SRV with --transport tcp",
			records:   []dnsmasq.Option{dnsmasq.WithSRV("_sip._tcp.pbx.test", sip1, kport, 10, 0), host},
			transport: "tcp", remote: k.Addr("tcp"), over: "tcp", diagnosis: "ok",
			lookups: []wantLookup{{"SRV", "_sip._tcp.pbx.test", sip1}, {"A/AAAA", sip1, "127.0.0.1"}},
		},
		{
			name:    "TCP-only SRV found after the UDP one is missing",
			records: []dnsmasq.Option{dnsmasq.WithSRV("_sip._tcp.pbx.test", sip1, kport, 10, 0), host},
			remote:  k.Addr("tcp"), over: "tcp", diagnosis: "ok",
			lookups: []wantLookup{{"SRV", "_sip._udp.pbx.test", "NXDOMAIN"}, {"SRV", "_sip._tcp.pbx.test", sip1}, {"A/AAAA", sip1, "127.0.0.1"}},
		},
		{
			// RFC 3263 §4.2: no SRV, so A/AAAA and the default port. Nothing
			// listens on 5060 (nothingOn5060): port-unreachable proves
			// the probe went there.
			name:    "no SRV: A record and default port 5060",
			records: []dnsmasq.Option{dnsmasq.WithHost("pbx.test", "127.0.0.1")},
			remote:  "127.0.0.1:5060", over: "udp", diagnosis: "port-unreachable",
			lookups: []wantLookup{
				{"SRV", "_sip._udp.pbx.test", "NXDOMAIN"}, {"SRV", "_sip._tcp.pbx.test", "NXDOMAIN"},
				{"SRV", "_sips._tcp.pbx.test", "NXDOMAIN"}, {"A/AAAA", "pbx.test", "127.0.0.1"},
			},
		},
		{
			name:      "NXDOMAIN lists every lookup",
			target:    "nope.pbx.test",
			diagnosis: "dns-failure", kind: catalog.DNSNotFound,
			lookups: []wantLookup{
				{"SRV", "_sip._udp.nope.pbx.test", "NXDOMAIN"}, {"SRV", "_sip._tcp.nope.pbx.test", "NXDOMAIN"},
				{"SRV", "_sips._tcp.nope.pbx.test", "NXDOMAIN"}, {"A/AAAA", "nope.pbx.test", "NXDOMAIN"},
			},
		},
		{
			name:      "SRV target without an address",
			records:   []dnsmasq.Option{dnsmasq.WithSRV("_sip._udp.pbx.test", "ghost.pbx.test", kport, 10, 0)},
			diagnosis: "dns-failure", kind: catalog.DNSNotFound,
			lookups: []wantLookup{{"SRV", "_sip._udp.pbx.test", "ghost.pbx.test"}, {"A/AAAA", "ghost.pbx.test", "NXDOMAIN"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.remote == "127.0.0.1:5060" {
				nothingOn5060(t)
			}
			dns := dnsmasq.Start(t, tt.records...)
			target := tt.target
			if target == "" {
				target = "pbx.test"
			}
			r := Run(context.Background(), KindOptions, Config{Target: target, Transport: tt.transport, Timeout: 3 * time.Second, DNSServer: dns.Addr()})
			if r.Diagnosis.ID != tt.diagnosis {
				t.Fatalf("diagnosis %s (%s; notes %v), want %s", r.Diagnosis.ID, r.Diagnosis.Summary, r.Diagnosis.Notes, tt.diagnosis)
			}
			if r.RemoteAddr != tt.remote || (tt.over != "" && r.Transport != tt.over) {
				t.Errorf("sent to %q over %s, want %q over %s", r.RemoteAddr, r.Transport, tt.remote, tt.over)
			}
			if tt.diagnosis == "ok" && r.FinalCode != 200 {
				t.Errorf("final %d %s", r.FinalCode, r.FinalReason)
			}
			checkLookups(t, r, dns.Addr(), tt.lookups)
			// dnsmasq itself saw what the result says was asked.
			qs := dns.Queries()
			for _, l := range tt.lookups {
				typ := l.typ
				if typ == "A/AAAA" {
					typ = "A"
				}
				if !slices.Contains(qs, dnsmasq.Query{Type: typ, Name: l.query}) {
					t.Errorf("dnsmasq never got %s %s; it got %+v", typ, l.query, qs)
				}
			}
			if tt.kind != "" {
				if !strings.Contains(strings.Join(r.Diagnosis.Notes, "\n"), "at DNS server "+dns.Addr()) {
					t.Errorf("notes %q do not name the DNS server %s", r.Diagnosis.Notes, dns.Addr())
				}
			}
		})
	}
}

// wantLookup is an expected results.Lookup; answer is a substring of its
// answers or error.
type wantLookup struct{ typ, query, answer string }

func checkLookups(t *testing.T, r results.Result, server string, want []wantLookup) {
	t.Helper()
	if r.Details == nil {
		t.Fatalf("no details, want lookups %+v", want)
	}
	got := r.Details.Resolution
	if len(got) != len(want) {
		t.Fatalf("lookups %+v, want %d: %+v", got, len(want), want)
	}
	for i, w := range want {
		g := got[i]
		text := strings.Join(g.Answer, ", ") + g.Error
		if g.Type != w.typ || g.Query != w.query || !strings.Contains(text, w.answer) || g.Server != server {
			t.Errorf("lookup %d = %+v, want %s %s giving %q, asked at %s", i, g, w.typ, w.query, w.answer, server)
		}
	}
}

// TestDNSServerDown covers a DNS server that never answers and one whose
// port is closed: dns-failure of kind "server", within --timeout.
func TestDNSServerDown(t *testing.T) {
	const timeout = time.Second
	tests := []struct {
		name, server, errText string
		within                time.Duration
	}{
		{"silent server times out", dnsmasq.Silent(t), "did not answer", timeout + 500*time.Millisecond},
		{"closed port is refused at once", closedPort(t, "udp"), "connection refused", 500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			r := Run(context.Background(), KindOptions, Config{Target: "pbx.test", Timeout: timeout, DNSServer: tt.server})
			if took := time.Since(start); took > tt.within {
				t.Errorf("took %v, want within %v", took, tt.within)
			}
			if r.Diagnosis.ID != "dns-failure" || r.Status != results.StatusCritical {
				t.Fatalf("got %s/%s (%s), want dns-failure/critical", r.Diagnosis.ID, r.Status, r.Diagnosis.Summary)
			}
			// The first lookup failing at the server ends resolution: asking
			// the same dead server for more names would only add delay.
			checkLookups(t, r, tt.server, []wantLookup{{"SRV", "_sip._udp.pbx.test", tt.errText}})
			if !strings.Contains(strings.Join(r.Diagnosis.Notes, "\n"), "at DNS server "+tt.server) {
				t.Errorf("notes %q do not name the DNS server", r.Diagnosis.Notes)
			}
		})
	}
	t.Run("the kind is server failure", func(t *testing.T) {
		tg, _ := parseTarget("pbx.test")
		addr, _ := ParseDNSServer(dnsmasq.Silent(t))
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, err := resolve(ctx, newServerResolver(addr), tg, "")
		var re *resolveError
		if !errors.As(err, &re) || re.kind != catalog.DNSServer {
			t.Fatalf("err = %v, want a resolveError of kind %s", err, catalog.DNSServer)
		}
	})
}

// TestDNSServerSkippedForSpecialNames: RFC 6761 names never reach the
// --dns-server, and their lookups do not claim they did.
func TestDNSServerSkippedForSpecialNames(t *testing.T) {
	dns := dnsmasq.Start(t)
	r := Run(context.Background(), KindOptions, Config{Target: "pbx.invalid", Timeout: time.Second, DNSServer: dns.Addr()})
	if r.Diagnosis.ID != "dns-failure" {
		t.Fatalf("diagnosis %s", r.Diagnosis.ID)
	}
	if r.Details != nil && len(r.Details.Resolution) > 0 {
		t.Errorf("lookups %+v listed for a name that is never looked up", r.Details.Resolution)
	}
	if qs := dns.Queries(); len(qs) != 0 {
		t.Errorf("dnsmasq was asked %+v", qs)
	}
}
