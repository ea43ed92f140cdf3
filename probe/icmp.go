package probe

import (
	"errors"
	"net/netip"
	"strconv"
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

// note says what happened in words an admin recognises from ping.
func (r icmpReport) note(server string) catalog.Note {
	if r.local {
		if r.errno == syscall.EPERM || r.errno == syscall.EACCES {
			return catalog.NewNote("icmp-local-firewall", "addr", server, "errno", r.errno.Error())
		}
		return catalog.NewNote("icmp-local-no-route", "addr", server, "errno", r.errno.Error())
	}
	what := catalog.Text(r.errno.Error())
	if r.detailed {
		what = icmpName(r.v6, r.icmpType, r.icmpCode)
	}
	from := ""
	if r.from.IsValid() {
		from = r.from.String()
	}
	return catalog.NewNote("icmp-report", "from", from, "addr", server).With("what", what)
}

// icmpName names an ICMP message as the catalogue's note icmp4-CODE or
// icmp6-CODE (destination unreachable), or by type and code.
func icmpName(v6 bool, typ, code uint8) catalog.Note {
	t, c := strconv.Itoa(int(typ)), strconv.Itoa(int(code))
	if v6 {
		if typ == 1 && (code <= 6 && code != 2) {
			return catalog.NewNote("icmp6-" + c)
		}
		return catalog.NewNote("icmp6-other", "n", t, "code", c)
	}
	if typ == 3 && code <= 13 && code != 2 && code != 8 {
		return catalog.NewNote("icmp4-" + c)
	}
	if typ == 11 {
		return catalog.NewNote("icmp4-time-exceeded")
	}
	return catalog.NewNote("icmp4-other", "n", t, "code", c)
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
