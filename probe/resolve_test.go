package probe

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"

	"github.com/sipprobe/sipprobe/catalog"
)

// fakeResolver answers from tables; everything else is NXDOMAIN.
type fakeResolver struct {
	srv   map[string][]*net.SRV // "_sip._udp.host"
	ips   map[string][]netip.Addr
	fail  error // returned for every query when set
	calls []string
}

func (f *fakeResolver) LookupSRV(_ context.Context, service, proto, name string) (string, []*net.SRV, error) {
	q := "_" + service + "._" + proto + "." + name
	f.calls = append(f.calls, "SRV "+q)
	if f.fail != nil {
		return "", nil, f.fail
	}
	if s, ok := f.srv[q]; ok {
		return q, s, nil
	}
	return "", nil, &net.DNSError{Err: "no such host", Name: q, IsNotFound: true}
}

func (f *fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	f.calls = append(f.calls, "A "+host)
	if f.fail != nil {
		return nil, f.fail
	}
	if a, ok := f.ips[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func TestResolve(t *testing.T) {
	ip := netip.MustParseAddr
	r := &fakeResolver{
		srv: map[string][]*net.SRV{
			"_sip._tcp.srv.test":  {{Target: "edge.srv.test.", Port: 5080, Priority: 10}},
			"_sips._tcp.srv.test": {{Target: "tls.srv.test.", Port: 5081}},
		},
		ips: map[string][]netip.Addr{
			"edge.srv.test": {ip("192.0.2.10")},
			"tls.srv.test":  {ip("192.0.2.11")},
			"plain.test":    {ip("2001:db8::5"), ip("192.0.2.20")},
			"v6only.test":   {ip("2001:db8::6")},
		},
	}
	tests := []struct {
		name, target, transport string
		want                    string
		wantTransport           string
	}{
		{"ip without port", "192.0.2.1", "", "192.0.2.1:5060", "udp"},
		{"ip with tls default port", "192.0.2.1", "tls", "192.0.2.1:5061", "tls"},
		{"explicit port skips SRV", "plain.test:5099", "", "192.0.2.20:5099", "udp"},
		{"SRV picks the first transport that has one", "srv.test", "", "192.0.2.10:5080", "tcp"},
		{"SRV for the forced transport", "sips:srv.test", "", "192.0.2.11:5081", "tls"},
		{"no SRV: A/AAAA with default port, IPv4 preferred", "plain.test", "", "192.0.2.20:5060", "udp"},
		{"IPv6 when that is all", "v6only.test", "tcp", "[2001:db8::6]:5060", "tcp"},
		{"localhost never asks DNS", "localhost:5070", "", "127.0.0.1:5070", "udp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg, err := parseTarget(tt.target)
			if err != nil {
				t.Fatal(err)
			}
			res, err := resolve(context.Background(), r, tg, tt.transport)
			if err != nil {
				t.Fatalf("resolve: %v", err)
			}
			if res.Addr.String() != tt.want || res.Transport != tt.wantTransport {
				t.Errorf("got %s over %s, want %s over %s", res.Addr, res.Transport, tt.want, tt.wantTransport)
			}
		})
	}
}

func TestResolveFailures(t *testing.T) {
	tests := []struct {
		name, target string
		r            *fakeResolver
		kind         string
		lookups      int
	}{
		{"nxdomain lists every lookup", "nope.test", &fakeResolver{}, catalog.DNSNotFound, 4},
		// RFC 6761 §6.4: nothing is looked up, so nothing is listed as tried.
		{".invalid never leaves the machine", "pbx.invalid", &fakeResolver{}, catalog.DNSNotFound, 0},
		{".INVALID in upper case, with the root dot", "pbx.example.INVALID.", &fakeResolver{}, catalog.DNSNotFound, 0},
		{"server failure", "x.test", &fakeResolver{fail: &net.DNSError{Err: "timeout", IsTimeout: true}}, catalog.DNSServer, 1},
		{"no addresses", "empty.test:5060", &fakeResolver{ips: map[string][]netip.Addr{"empty.test": {}}}, catalog.DNSNoAnswer, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg, _ := parseTarget(tt.target)
			res, err := resolve(context.Background(), tt.r, tg, "")
			var re *resolveError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v, want resolveError", err)
			}
			if re.kind != tt.kind {
				t.Errorf("kind = %s, want %s", re.kind, tt.kind)
			}
			if len(res.Lookups) != tt.lookups {
				t.Errorf("lookups = %+v, want %d", res.Lookups, tt.lookups)
			}
		})
	}
	t.Run("invalid TLD sends nothing", func(t *testing.T) {
		r := &fakeResolver{}
		tg, _ := parseTarget("pbx.invalid")
		_, _ = resolve(context.Background(), r, tg, "")
		if len(r.calls) != 0 {
			t.Errorf("queried DNS for a .invalid name: %v", r.calls)
		}
	})
}
