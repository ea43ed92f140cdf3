package probe

import (
	"encoding/binary"
	"net/netip"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// extErr builds what the kernel puts in an IP_RECVERR control message.
func extErr(origin, typ, code uint8, from netip.Addr) []byte {
	b := make([]byte, 16)
	binary.NativeEndian.PutUint32(b, uint32(syscall.EHOSTUNREACH))
	b[4], b[5], b[6] = origin, typ, code
	switch {
	case from.Is4():
		sa := make([]byte, 16)
		binary.NativeEndian.PutUint16(sa, unix.AF_INET)
		a := from.As4()
		copy(sa[4:], a[:])
		b = append(b, sa...)
	case from.Is6():
		sa := make([]byte, 28)
		binary.NativeEndian.PutUint16(sa, unix.AF_INET6)
		a := from.As16()
		copy(sa[8:], a[:])
		b = append(b, sa...)
	}
	return b
}

func TestParseExtendedErr(t *testing.T) {
	v4, v6 := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("2001:db8::1")
	for _, tc := range []struct {
		name string
		in   []byte
		ok   bool
		want icmpReport
	}{
		{"ICMP with offender", extErr(unix.SO_EE_ORIGIN_ICMP, 3, 10, v4), true, icmpReport{errno: syscall.EHOSTUNREACH, detailed: true, icmpType: 3, icmpCode: 10, from: v4}},
		{"ICMPv6 with offender", extErr(unix.SO_EE_ORIGIN_ICMP6, 1, 3, v6), true, icmpReport{errno: syscall.EHOSTUNREACH, detailed: true, v6: true, icmpType: 1, icmpCode: 3, from: v6}},
		{"ICMP without offender", extErr(unix.SO_EE_ORIGIN_ICMP, 3, 1, netip.Addr{}), true, icmpReport{errno: syscall.EHOSTUNREACH, detailed: true, icmpType: 3, icmpCode: 1}},
		{"local", extErr(unix.SO_EE_ORIGIN_LOCAL, 0, 0, netip.Addr{}), true, icmpReport{errno: syscall.EHOSTUNREACH, local: true}},
		{"truncated offender", extErr(unix.SO_EE_ORIGIN_ICMP6, 1, 3, v6)[:20], true, icmpReport{errno: syscall.EHOSTUNREACH, detailed: true, v6: true, icmpType: 1, icmpCode: 3}},
		{"too short", []byte{1, 2, 3}, false, icmpReport{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseExtendedErr(tc.in)
			if ok != tc.ok || got != tc.want {
				t.Errorf("got %+v, %v; want %+v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func FuzzParseExtendedErr(f *testing.F) {
	f.Add(extErr(unix.SO_EE_ORIGIN_ICMP, 3, 10, netip.MustParseAddr("192.0.2.1")))
	f.Add(extErr(unix.SO_EE_ORIGIN_ICMP6, 1, 4, netip.MustParseAddr("2001:db8::1")))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, ok := parseExtendedErr(b)
		if !ok {
			return
		}
		_, _, _ = r.unreachKind()
		_ = enText(r.note("x"))
	})
}
