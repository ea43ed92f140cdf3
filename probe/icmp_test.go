package probe

import (
	"net/netip"
	"strings"
	"syscall"
	"testing"

	"github.com/sipprobe/sipprobe/catalog"
)

func TestICMPReportKind(t *testing.T) {
	router := netip.MustParseAddr("192.0.2.1")
	for _, tc := range []struct {
		name         string
		r            icmpReport
		kind         string
		port, ignore bool
		describe     string
	}{
		{"v4 port unreachable", icmpReport{detailed: true, icmpType: 3, icmpCode: 3, from: router}, "", true, false, "ICMP port unreachable from 192.0.2.1"},
		{"v4 host unreachable", icmpReport{detailed: true, icmpType: 3, icmpCode: 1, from: router}, catalog.UnreachHost, false, false, "ICMP host unreachable from 192.0.2.1"},
		{"v4 net unreachable", icmpReport{detailed: true, icmpType: 3, icmpCode: 0, from: router}, catalog.UnreachNet, false, false, "ICMP network unreachable"},
		{"v4 host prohibited", icmpReport{detailed: true, icmpType: 3, icmpCode: 10, from: router}, catalog.UnreachProhibited, false, false, "ICMP host administratively prohibited"},
		{"v4 admin prohibited", icmpReport{detailed: true, icmpType: 3, icmpCode: 13}, catalog.UnreachProhibited, false, false, "communication administratively prohibited for"},
		{"v4 fragmentation needed", icmpReport{detailed: true, icmpType: 3, icmpCode: 4}, "", false, true, "fragmentation needed"},
		{"v4 time exceeded", icmpReport{detailed: true, icmpType: 11}, catalog.UnreachNet, false, false, "time exceeded"},
		{"v6 port unreachable", icmpReport{detailed: true, v6: true, icmpType: 1, icmpCode: 4}, "", true, false, "ICMPv6 port unreachable"},
		{"v6 address unreachable", icmpReport{detailed: true, v6: true, icmpType: 1, icmpCode: 3}, catalog.UnreachHost, false, false, "ICMPv6 address unreachable"},
		{"v6 admin prohibited", icmpReport{detailed: true, v6: true, icmpType: 1, icmpCode: 1}, catalog.UnreachProhibited, false, false, "prohibited"},
		{"v6 no route", icmpReport{detailed: true, v6: true, icmpType: 1, icmpCode: 0}, catalog.UnreachNet, false, false, "no route to destination"},
		{"v6 packet too big", icmpReport{detailed: true, v6: true, icmpType: 2}, "", false, true, "type 2"},
		{"errno refused", icmpReport{errno: syscall.ECONNREFUSED}, "", true, false, "connection refused"},
		{"errno host unreachable", icmpReport{errno: syscall.EHOSTUNREACH}, catalog.UnreachHost, false, false, "no route to host"},
		{"errno net unreachable", icmpReport{errno: syscall.ENETUNREACH}, catalog.UnreachNet, false, false, "network is unreachable"},
		{"local no route", icmpReport{errno: syscall.ENETUNREACH, local: true}, catalog.UnreachLocal, false, false, "no route from this machine"},
		{"local firewall", icmpReport{errno: syscall.EPERM, local: true}, catalog.UnreachProhibited, false, false, "this machine's firewall"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kind, port, ignore := tc.r.unreachKind()
			if kind != tc.kind || port != tc.port || ignore != tc.ignore {
				t.Errorf("unreachKind = %q, port %v, ignore %v; want %q, %v, %v", kind, port, ignore, tc.kind, tc.port, tc.ignore)
			}
			if d := enText(tc.r.note("203.0.113.10:5060")); !strings.Contains(d, tc.describe) || !strings.Contains(d, "203.0.113.10:5060") {
				t.Errorf("describe = %q, want %q and the server in it", d, tc.describe)
			}
		})
	}
}
