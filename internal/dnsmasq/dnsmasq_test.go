package dnsmasq

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestServerAnswersFromItsRecords(t *testing.T) {
	s := Start(t,
		WithSRV("_sip._udp.pbx.test", "sip1.pbx.test", 5070, 10, 5),
		WithSRV("_sip._udp.pbx.test", "sip2.pbx.test", 5071, 20, 0),
		WithHost("sip1.pbx.test", "127.0.0.1"),
		WithHost("dual.pbx.test", "127.0.0.2", "::1"),
	)
	r := s.Resolver()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	t.Run("SRV ordered by priority", func(t *testing.T) {
		_, srvs, err := r.LookupSRV(ctx, "sip", "udp", "pbx.test")
		if err != nil {
			t.Fatal(err)
		}
		if len(srvs) != 2 || srvs[0].Target != "sip1.pbx.test." || srvs[0].Port != 5070 || srvs[1].Port != 5071 {
			t.Errorf("SRV answer %+v", srvs)
		}
	})
	tests := []struct {
		name, host string
		want       []string // nil: NXDOMAIN
	}{
		{"A record", "sip1.pbx.test", []string{"127.0.0.1"}},
		{"A and AAAA", "dual.pbx.test", []string{"127.0.0.2", "::1"}},
		{"unknown name is NXDOMAIN", "nope.pbx.test", nil},
		// Proves nothing is forwarded: a real resolver would find it.
		{"a public name is NXDOMAIN too", "example.com", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ips, err := r.LookupNetIP(ctx, "ip", tt.host)
			if tt.want == nil {
				var de *net.DNSError
				if !errors.As(err, &de) || !de.IsNotFound {
					t.Fatalf("got %v, %v; want NXDOMAIN", ips, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ip := range ips {
				got = append(got, ip.Unmap().String())
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("query log", func(t *testing.T) {
		qs := s.Queries()
		if !slices.Contains(qs, Query{Type: "SRV", Name: "_sip._udp.pbx.test"}) || !slices.Contains(qs, Query{Type: "A", Name: "sip1.pbx.test"}) {
			t.Errorf("queries %+v", qs)
		}
		if slices.ContainsFunc(qs, func(q Query) bool { return q.Name == readyName }) {
			t.Errorf("readiness checks listed: %+v", qs)
		}
		if strings.Contains(s.Log(), "forwarded") {
			t.Errorf("dnsmasq forwarded a query:\n%s", s.Log())
		}
	})
}

func TestStopLeavesNothing(t *testing.T) {
	s := Start(t)
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	// The port is free again for both UDP and TCP.
	addr := netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(s.Port())).String()
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		t.Fatalf("UDP port still bound: %v", err)
	}
	pc.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("TCP port still bound: %v", err)
	}
	ln.Close()
}

func TestSilentNeverAnswers(t *testing.T) {
	addr := Silent(t)
	var d net.Dialer
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := r.LookupNetIP(ctx, "ip", "pbx.test")
	var de *net.DNSError
	if !errors.As(err, &de) || !de.IsTimeout {
		t.Fatalf("err = %v, want a DNS timeout", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("took %v, want about the context's 300ms", el)
	}
}
