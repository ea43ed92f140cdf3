package probe

import (
	"net"
	"net/netip"
	"testing"
)

func TestLocalPeer(t *testing.T) {
	cases := []struct {
		name          string
		local, remote string
		want          bool
	}{
		{name: "IPv4 loopback", local: "127.0.0.1", remote: "127.0.0.1", want: true},
		{name: "other IPv4 loopback", local: "127.0.0.1", remote: "127.0.0.53", want: true},
		{name: "IPv6 loopback", local: "::1", remote: "::1", want: true},
		{name: "v4-mapped loopback", local: "127.0.0.1", remote: "::ffff:127.0.0.1", want: true},
		{name: "our own address", local: "192.0.2.55", remote: "192.0.2.55", want: true},
		{name: "another host", local: "192.0.2.55", remote: "192.0.2.10"},
		{name: "another host, local unknown", local: "0.0.0.0", remote: "198.51.100.7"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := localPeer(netip.MustParseAddr(tc.local), netip.MustParseAddr(tc.remote)); got != tc.want {
				t.Errorf("localPeer(%s, %s) = %v, want %v", tc.local, tc.remote, got, tc.want)
			}
		})
	}
}

// TestOwnAddress: without a connection, loopback and this machine's own
// interface addresses are local; a documentation address is not.
func TestOwnAddress(t *testing.T) {
	own := netip.Addr{}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if p, err := netip.ParsePrefix(a.String()); err == nil && !p.Addr().IsLoopback() {
			own = p.Addr()
			break
		}
	}
	cases := []struct {
		name   string
		remote netip.Addr
		want   bool
	}{
		{"IPv4 loopback", netip.MustParseAddr("127.0.0.1"), true},
		{"another IPv4 loopback", netip.MustParseAddr("127.0.0.53"), true},
		{"IPv6 loopback", netip.MustParseAddr("::1"), true},
		{"v4-mapped loopback", netip.MustParseAddr("::ffff:127.0.0.1"), true},
		{"a documentation address", netip.MustParseAddr("198.51.100.7"), false},
	}
	if own.IsValid() {
		cases = append(cases, struct {
			name   string
			remote netip.Addr
			want   bool
		}{"this machine's interface address", own, true})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ownAddress(tc.remote); got != tc.want {
				t.Errorf("ownAddress(%s) = %v, want %v", tc.remote, got, tc.want)
			}
		})
	}
}
