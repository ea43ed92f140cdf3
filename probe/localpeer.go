package probe

import (
	"net"
	"net/netip"
)

// localPeer reports whether remote is a loopback address or the address we
// send from: packets to it never leave this machine, so no NAT binding or
// SIP ALG can lose them (a silence there is not nat-timeout).
func localPeer(local, remote netip.Addr) bool {
	remote = remote.Unmap()
	return remote.IsLoopback() || (remote.IsValid() && remote == local.Unmap())
}

// ownAddress is localPeer for a connection that was never made (refused,
// timed out), when there is no local address to compare: remote is a
// loopback address or one of this machine's interfaces' addresses.
func ownAddress(remote netip.Addr) bool {
	remote = remote.Unmap()
	if remote.IsLoopback() {
		return true
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, a := range addrs {
		if p, err := netip.ParsePrefix(a.String()); err == nil && p.Addr().Unmap() == remote {
			return true
		}
	}
	return false
}
