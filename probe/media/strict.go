package media

import "net/netip"

// peerFilter decides whose packets a call's statistics count, as
// Asterisk's strictrtp does: the address the far end's RTP comes from is
// learnt from the first valid RTP packet (a far end behind NAT sends from
// an address its SDP does not name), and the answer's media address, once
// known, wins over one learnt before it spoke. RTP from any other address
// is stray: counted apart, never in the stream's figures, so a third party
// flooding our port cannot poison them or pose as the far end's audio.
type peerFilter struct {
	answer  netip.AddrPort // the SDP answer's address (Send's dst)
	latched netip.AddrPort
	stray   int
}

// rtp reports whether an RTP packet from counts, and relatch when it
// moves the stream to the answer's address (the figures so far were of
// another sender and start over).
func (p *peerFilter) rtp(from netip.AddrPort) (ok, relatch bool) {
	from = unmap(from)
	switch {
	case from == p.latched:
		return true, false
	case !p.latched.IsValid():
		p.latched = from
		return true, false
	case from == p.answer:
		p.latched = from
		return true, true
	}
	p.stray++
	return false, false
}

// rtcp reports whether RTCP from counts: from the host of the RTP we
// count or of the answer, on any port (RTCP comes from RTP + 1, or
// from the RTP port itself with rtcp-mux).
func (p *peerFilter) rtcp(from netip.AddrPort) bool {
	a := unmap(from).Addr()
	if !p.latched.IsValid() && !p.answer.IsValid() {
		return true
	}
	return a == p.latched.Addr() || a == p.answer.Addr()
}

func unmap(a netip.AddrPort) netip.AddrPort {
	return netip.AddrPortFrom(a.Addr().Unmap(), a.Port())
}
