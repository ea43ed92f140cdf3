package probe

import (
	"errors"
	"fmt"
	"net/netip"
	"syscall"

	"github.com/sipprobe/sipprobe/catalog"
)

// icmpReport is what the kernel tells a connected UDP socket about an ICMP
// error for a datagram it sent (RFC 1122 §4.1.3.3). With the extended
// error queue (Linux IP_RECVERR) it knows the ICMP type and code and the
// router that sent it; elsewhere only the errno.
type icmpReport struct {
	errno    syscall.Errno
	v6       bool
	icmpType uint8
	icmpCode uint8
	from     netip.Addr // who sent the ICMP; invalid when unknown
	local    bool       // raised by this machine's stack (no route), not by a router
	detailed bool       // type, code and from are known
}

// unreachKind maps a report to the catalogue's kinds. port is true for
// "port unreachable", which has its own diagnosis; ignore is true for
// errors that do not end the exchange (Path MTU discovery: the kernel
// fragments the next retransmission itself).
func (r icmpReport) unreachKind() (kind string, port, ignore bool) {
	if r.detailed && !r.local {
		if r.v6 {
			switch r.icmpType {
			case 1: // destination unreachable (RFC 4443 §3.1)
				switch r.icmpCode {
				case 4:
					return "", true, false
				case 1, 5, 6: // admin prohibited, source policy, reject route
					return catalog.UnreachProhibited, false, false
				case 3:
					return catalog.UnreachHost, false, false
				}
				return catalog.UnreachNet, false, false
			case 2: // packet too big
				return "", false, true
			}
			return catalog.UnreachNet, false, false // time exceeded and the like
		}
		switch r.icmpType {
		case 3: // destination unreachable (RFC 792, RFC 1812 §5.2.7.1)
			switch r.icmpCode {
			case 3:
				return "", true, false
			case 4: // fragmentation needed
				return "", false, true
			case 9, 10, 13: // net/host administratively prohibited, filtered
				return catalog.UnreachProhibited, false, false
			case 1, 5, 7, 12:
				return catalog.UnreachHost, false, false
			}
			return catalog.UnreachNet, false, false
		}
		return catalog.UnreachNet, false, false // time exceeded (a routing loop)
	}
	switch r.errno {
	case syscall.ECONNREFUSED:
		return "", true, false
	case syscall.EMSGSIZE:
		return "", false, true
	case syscall.EPERM, syscall.EACCES: // this machine's own firewall (OUTPUT REJECT/DROP)
		return catalog.UnreachProhibited, false, false
	}
	switch {
	case r.local:
		return catalog.UnreachLocal, false, false
	case r.errno == syscall.ENETUNREACH:
		return catalog.UnreachNet, false, false
	}
	return catalog.UnreachHost, false, false
}

// describe says what happened in words an admin recognises from ping.
func (r icmpReport) describe(server string) string {
	if r.local {
		if r.errno == syscall.EPERM || r.errno == syscall.EACCES {
			return fmt.Sprintf("this machine's firewall does not let the request to %s out (%v)", server, r.errno)
		}
		return fmt.Sprintf("no route from this machine to %s (%v)", server, r.errno)
	}
	what := r.errno.Error()
	if r.detailed {
		what = icmpName(r.v6, r.icmpType, r.icmpCode)
	}
	if r.from.IsValid() {
		return fmt.Sprintf("%s from %s for %s", what, r.from, server)
	}
	return fmt.Sprintf("%s for %s", what, server)
}

func icmpName(v6 bool, typ, code uint8) string {
	if v6 {
		names := map[uint8]string{0: "ICMPv6 no route to destination", 1: "ICMPv6 administratively prohibited",
			3: "ICMPv6 address unreachable", 4: "ICMPv6 port unreachable", 5: "ICMPv6 source address failed policy", 6: "ICMPv6 reject route"}
		if typ == 1 {
			if n, ok := names[code]; ok {
				return n
			}
		}
		return fmt.Sprintf("ICMPv6 type %d code %d", typ, code)
	}
	names := map[uint8]string{0: "ICMP network unreachable", 1: "ICMP host unreachable", 3: "ICMP port unreachable",
		4: "ICMP fragmentation needed", 5: "ICMP source route failed", 6: "ICMP network unknown", 7: "ICMP host unknown",
		9: "ICMP network administratively prohibited", 10: "ICMP host administratively prohibited",
		11: "ICMP network unreachable for TOS", 12: "ICMP host unreachable for TOS", 13: "ICMP communication administratively prohibited"}
	if typ == 3 {
		if n, ok := names[code]; ok {
			return n
		}
	}
	if typ == 11 {
		return "ICMP time exceeded (a routing loop or too many hops)"
	}
	return fmt.Sprintf("ICMP type %d code %d", typ, code)
}

// icmpErrno reports whether err is one the kernel raises on a connected UDP
// socket for an ICMP error (or a local routing failure), and which.
func icmpErrno(err error) (syscall.Errno, bool) {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return 0, false
	}
	switch errno {
	case syscall.ECONNREFUSED, syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.EHOSTDOWN,
		syscall.ENONET, syscall.EMSGSIZE, syscall.ENOPROTOOPT, syscall.EOPNOTSUPP, syscall.EACCES, syscall.EPERM:
		return errno, true
	}
	return 0, false
}
