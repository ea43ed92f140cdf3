package probe

import "net/netip"

// localPeer reports whether remote is a loopback address or the address we
// send from: packets to it never leave this machine, so no NAT binding or
// SIP ALG can lose them (a silence there is not nat-timeout).
func localPeer(local, remote netip.Addr) bool {
	remote = remote.Unmap()
	return remote.IsLoopback() || (remote.IsValid() && remote == local.Unmap())
}
