package dnsmasq

import (
	"net"
	"testing"
)

// Silent returns the address of a loopback UDP port that takes DNS queries
// and never answers, like a DNS server behind a firewall that drops them.
// The socket is bound, so the kernel sends no ICMP port unreachable, and
// never read: queries just wait in its buffer. It is closed in t.Cleanup.
func Silent(t testing.TB) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("dnsmasq: silent server: %v", err)
	}
	t.Cleanup(func() { pc.Close() })
	return pc.LocalAddr().String()
}
