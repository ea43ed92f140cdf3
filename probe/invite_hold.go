package probe

import (
	"context"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/probe/media"
	"github.com/sipprobe/sipprobe/results"
)

// ackWatch is how long after our ACK the far end must stay quiet for us to
// say it got the ACK: a UAS retransmits its 2xx after T1 = 500 ms, then
// doubling (RFC 3261 §13.3.1.4), so two intervals tell.
const ackWatch = time.Second

// minRTPForVerdict is how many packets we must have sent before silence
// from the far end means one-way audio (half a second of 20 ms frames).
const minRTPForVerdict = 25

// hold keeps the answered call up for --hold, sending RTP with --rtp, while
// serve answers the far end's in-dialog requests. A BYE from the far end
// ends it early; it returns whether that happened. Only Ctrl-C shortens
// the hold otherwise: --timeout covers the setup, not the hold.
func (c *call) hold(d *dialog, in *results.InviteDetails, ex *catalog.Exchange) (remoteBye bool) {
	hold := c.dtmfHold(c.s.hold(), ex)
	hctx, cancel := context.WithTimeout(c.s.parent, hold)
	defer cancel()
	if c.s.cfg.Invite.sendsRTP() {
		c.startDTMF()
		if why := c.rtp.start(hctx); why != nil {
			addNote(ex, catalog.NewNote("no-rtp-sent").With("text", *why))
		}
	}
	start := time.Now()
	interrupted := false
wait:
	for {
		select {
		case <-hctx.Done():
			interrupted = c.s.parent.Err() != nil
			break wait
		case <-d.bye:
			remoteBye = true
			break wait
		case <-c.s.wire.notify:
			if c.s.wire.has(faultClosed) {
				addNote(ex, catalog.NewNote("closed-during-call").With("text", c.s.wire.closedNote()))
				break wait
			}
		}
	}
	cancel()
	c.rtp.stop()
	held := time.Since(start)
	in.HeldMs = results.MillisOf(held)
	switch {
	case remoteBye:
		addNote(ex, catalog.NewNote("remote-bye", "held", held.Round(time.Millisecond).String(), "hold", hold.String()))
	case interrupted:
		addNote(ex, catalog.NewNote("hold-interrupted", "held", held.Round(time.Millisecond).String(), "hold", hold.String()))
	}
	c.checkACK(in, ex)
	c.quality = c.judgeAudio(ex)
	return remoteBye
}

// checkACK looks for the far end retransmitting its 2xx after our ACK: it
// did not get the ACK (NAT, SIP-ALG) and would drop the call after 64*T1 =
// 32 s (RFC 3261 §13.3.1.4). Seen here within a second or two.
func (c *call) checkACK(in *results.InviteDetails, ex *catalog.Exchange) {
	t := inviteTimeline(c.s.inviteMessages(c.ids.callID), c.inv.CSeq().SeqNo)
	in.OKRetransmissions = len(t.okRetransmits)
	if t.ackAt == 0 {
		return
	}
	now := results.MillisOf(time.Since(c.s.start))
	switch {
	case len(t.okRetransmits) > 0:
		no := false
		in.ACKConfirmed = &no
		ex.ACKNotReceived = true
		addNote(ex, catalog.NewNote("ok-resent", "n", strconv.Itoa(len(t.okRetransmits))))
	case now-t.ackAt >= results.MillisOf(ackWatch):
		yes := true
		in.ACKConfirmed = &yes
	}
}

// rtpStream sends our RTP (--rtp) where the far end's latest SDP says:
// a re-INVITE or UPDATE may move its media (a PBX bridging the call
// elsewhere, Asterisk's direct media) or put the call on hold, and then we
// stop: a sendonly or inactive offer gets a recvonly or inactive answer
// (RFC 3264 §6.1, §8.4).
type rtpStream struct {
	m      *media.Session
	mu     sync.Mutex
	remote answer             // the far end's latest SDP
	ctx    context.Context    // the hold's while we send; nil otherwise
	cancel context.CancelFunc // the current sender's
	dst    netip.AddrPort
	// rtcpDst is where the current sender's RTCP goes (rtcpTarget).
	rtcpDst netip.AddrPort
}

// init records the 2xx's answer, before any request of the far end.
func (s *rtpStream) init(a answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.remote = a
}

// start sends to the far end's media until ctx ends or stop; it says why
// not when its address is no IP address.
func (s *rtpStream) start(ctx context.Context) (why *catalog.Note) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ctx = ctx
	if _, err := netip.ParseAddr(s.remote.addr); err != nil && s.remote.port > 0 {
		return problemNote("media-not-ip", "addr", strconv.Quote(s.remote.addr))
	}
	s.retarget()
	return nil
}

// stop ends the sending for good: later SDP changes no longer start it.
func (s *rtpStream) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		s.cancel()
	}
	s.ctx, s.cancel = nil, nil
}

// follow takes the far end's new SDP (an offer in a re-INVITE or UPDATE,
// the answer in an ACK), points our RTP at it and says what changed.
func (s *rtpStream) follow(a answer) []catalog.Note {
	s.mu.Lock()
	defer s.mu.Unlock()
	prev := s.remote
	s.remote = a
	if s.ctx != nil {
		s.retarget()
	}
	return sessionChange(prev, a)
}

// retarget restarts the sender for s.remote, or stops it when the far
// end does not take media now. The caller holds s.mu.
func (s *rtpStream) retarget() {
	dst, cd, ok := rtpTarget(s.remote)
	rtcpDst := rtcpTarget(s.remote, dst)
	if ok && s.cancel != nil && dst == s.dst && rtcpDst == s.rtcpDst {
		return
	}
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
	if !ok || s.ctx.Err() != nil {
		return
	}
	ctx, cancel := context.WithCancel(s.ctx)
	s.cancel, s.dst, s.rtcpDst = cancel, dst, rtcpDst
	s.m.SendWithRTCP(ctx, dst, rtcpDst, cd.format())
}

// rtcpTarget is where our RTCP goes for RTP to dst: the RTP port itself
// when the far end multiplexes (a=rtcp-mux, RFC 5761 §5.1.3), the port
// (and address) a=rtcp gave (RFC 3605), else the RTP port + 1 (RFC 3550
// §11).
func rtcpTarget(a answer, dst netip.AddrPort) netip.AddrPort {
	switch {
	case a.rtcpMux:
		return dst
	case a.rtcp.IsValid():
		return a.rtcp
	case a.rtcpPort > 0:
		return netip.AddrPortFrom(dst.Addr(), a.rtcpPort)
	}
	return netip.AddrPortFrom(dst.Addr(), dst.Port()+1)
}

// rtpTarget is where and how to send for a, if the far end takes media.
func rtpTarget(a answer) (netip.AddrPort, codec, bool) {
	if a.send == nil || a.rejected || a.port <= 0 || a.port > 65535 || !receives(a.direction) {
		return netip.AddrPort{}, codec{}, false
	}
	ip, err := netip.ParseAddr(a.addr)
	// c=0.0.0.0 is the RFC 2543 way to hold (RFC 3264 §8.4).
	if err != nil || ip.IsUnspecified() {
		return netip.AddrPort{}, codec{}, false
	}
	return netip.AddrPortFrom(ip.Unmap(), uint16(a.port)), *a.send, true
}

// receives: the far end's direction lets it take our media.
func receives(direction string) bool { return direction == "sendrecv" || direction == "recvonly" }

// sessionChange says, for the notes, how the far end's SDP moved from prev
// to a.
func sessionChange(prev, a answer) []catalog.Note {
	var parts []catalog.Note
	// c=0.0.0.0 is how RFC 2543 held a call (RFC 3264 §8.4).
	rfc2543 := func(x answer) bool { return x.addr == "0.0.0.0" }
	held := func(x answer) bool { return !receives(x.direction) || rfc2543(x) }
	switch how := a.direction; {
	case held(a) && !held(prev):
		if rfc2543(a) {
			how = "c=0.0.0.0"
		}
		parts = append(parts, catalog.NewNote("sess-hold", "text", how))
	case !held(a) && held(prev):
		parts = append(parts, catalog.NewNote("sess-resumed", "text", how))
	}
	if (a.addr != prev.addr || a.port != prev.port) && !rfc2543(a) {
		parts = append(parts, catalog.NewNote("sess-moved", "addr", net.JoinHostPort(a.addr, strconv.Itoa(a.port))))
	}
	if a.send != nil && (prev.send == nil || a.send.name != prev.send.name) {
		parts = append(parts, catalog.NewNote("sess-codec", "codec", a.send.name))
	}
	if len(parts) == 0 {
		return []catalog.Note{catalog.NewNote("sess-unchanged")}
	}
	return parts
}
