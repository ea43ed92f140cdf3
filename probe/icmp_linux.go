package probe

import (
	"encoding/binary"
	"net/netip"
	"syscall"

	"golang.org/x/sys/unix"
)

// enableICMPErrors turns on the extended error queue (IP_RECVERR, ip(7)):
// without it Linux keeps "host unreachable" and "network unreachable" from
// a connected UDP socket (they are soft errors, RFC 1122 §4.2.3.9), so a
// probe of a host that is down would wait for its timeout instead of
// saying so; with it every ICMP error carries its type, code and sender.
func enableICMPErrors(network string, rc syscall.RawConn) error {
	var serr error
	err := rc.Control(func(fd uintptr) {
		if network == "udp6" {
			serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_IPV6, unix.IPV6_RECVERR, 1)
			return
		}
		serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_RECVERR, 1)
	})
	if err != nil {
		return err
	}
	return serr
}

// readICMP drains the socket's error queue and returns the newest report.
// MSG_ERRQUEUE never blocks.
func readICMP(rc syscall.RawConn) (icmpReport, bool) {
	var (
		rep   icmpReport
		found bool
		buf   = make([]byte, 256)
		oob   = make([]byte, 512)
	)
	_ = rc.Control(func(fd uintptr) {
		for range 16 { // bounded: a hostile peer could keep the queue full
			_, oobn, _, _, err := unix.Recvmsg(int(fd), buf, oob, unix.MSG_ERRQUEUE|unix.MSG_DONTWAIT)
			if err != nil {
				return
			}
			msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
			if err != nil {
				continue
			}
			for _, m := range msgs {
				v4 := m.Header.Level == unix.IPPROTO_IP && m.Header.Type == unix.IP_RECVERR
				v6 := m.Header.Level == unix.IPPROTO_IPV6 && m.Header.Type == unix.IPV6_RECVERR
				if r, ok := parseExtendedErr(m.Data); (v4 || v6) && ok {
					rep, found = r, true
				}
			}
		}
	})
	return rep, found
}

// parseExtendedErr reads struct sock_extended_err and the offender address
// that follows it (linux/errqueue.h).
func parseExtendedErr(b []byte) (icmpReport, bool) {
	const size = 16
	if len(b) < size {
		return icmpReport{}, false
	}
	r := icmpReport{errno: syscall.Errno(binary.NativeEndian.Uint32(b[0:4]))}
	switch b[4] { // ee_origin
	case unix.SO_EE_ORIGIN_ICMP:
		r.detailed = true
	case unix.SO_EE_ORIGIN_ICMP6:
		r.detailed, r.v6 = true, true
	case unix.SO_EE_ORIGIN_LOCAL:
		r.local = true
		return r, true
	default:
		return r, true
	}
	r.icmpType, r.icmpCode = b[5], b[6]
	sa := b[size:]
	if len(sa) >= 2 {
		switch binary.NativeEndian.Uint16(sa[0:2]) {
		case unix.AF_INET:
			if len(sa) >= 8 {
				r.from = netip.AddrFrom4([4]byte(sa[4:8]))
			}
		case unix.AF_INET6:
			if len(sa) >= 24 {
				r.from = netip.AddrFrom16([16]byte(sa[8:24])).Unmap()
			}
		}
	}
	return r, true
}
