// Package localaddr tells whether a local address (--local-addr, a
// scenario's local_addr) belongs to this machine, before a probe binds
// its socket to it: the command line and scenario files refuse the same
// mistake with the same words.
package localaddr

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
)

// ErrNotLocal: the address is not one of this machine's.
var ErrNotLocal = errors.New("not an address of this machine")

// Check returns an error wrapping ErrNotLocal when laddr, an IP or
// IP:port, is not an address of this machine. The probe would find out
// only when it binds its socket, and report the user's typo as an
// internal error. Binding a UDP socket to the address on port 0 sends
// nothing. An empty or malformed value is nil here: probe.Config.Validate
// says what is wrong with its shape.
func Check(laddr string) error {
	ip, err := netip.ParseAddr(laddr)
	if err != nil {
		ap, err := netip.ParseAddrPort(laddr)
		if err != nil {
			return nil
		}
		ip = ap.Addr()
	}
	pc, err := net.ListenPacket("udp", net.JoinHostPort(ip.String(), "0"))
	var errno syscall.Errno
	if errors.As(err, &errno) && errno == syscall.EADDRNOTAVAIL {
		return fmt.Errorf("%w (%v)", ErrNotLocal, errno)
	}
	if err == nil {
		_ = pc.Close()
	}
	return nil
}
