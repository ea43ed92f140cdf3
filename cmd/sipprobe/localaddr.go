package main

import (
	"errors"
	"net"
	"net/netip"
	"syscall"

	"github.com/urfave/cli/v2"
)

// checkLocalAddr refuses a --local-addr that is not an address of this
// machine. The probe would find out only when it binds its socket, and
// report the user's typo as an internal error ("or a bug in sipprobe").
// Binding a UDP socket to the address on port 0 sends nothing; a malformed
// value is left to probe.Config.Validate, which says what is wrong with it.
func checkLocalAddr(c *cli.Context, laddr string) error {
	if laddr == "" {
		return nil
	}
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
		return usagef("%s %s: not an address of this machine (%v)", source(c, "local-addr"), laddr, errno)
	}
	if err == nil {
		_ = pc.Close()
	}
	return nil
}
