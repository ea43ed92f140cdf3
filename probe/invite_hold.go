package probe

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
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
func (c *call) hold(d *dialog, a answer, in *results.InviteDetails, ex *catalog.Exchange) (remoteBye bool) {
	hold := c.s.hold()
	hctx, cancel := context.WithTimeout(c.s.parent, hold)
	defer cancel()
	sending := false
	if c.s.cfg.Invite.RTP && a.send != nil {
		if ip, err := netip.ParseAddr(a.addr); err == nil && a.port > 0 && a.port < 65536 {
			c.media.send(hctx, netip.AddrPortFrom(ip.Unmap(), uint16(a.port)), *a.send)
			sending = true
		} else {
			ex.Detail = joinDetail(ex.Detail, fmt.Sprintf("no RTP sent: the answer's media address %q is not an IP address", a.addr))
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
				ex.Detail = joinDetail(ex.Detail, "the connection closed during the call: "+c.s.wire.closedDetail())
				break wait
			}
		}
	}
	cancel()
	held := time.Since(start)
	in.HeldMs = results.MillisOf(held)
	switch {
	case remoteBye:
		ex.Detail = joinDetail(ex.Detail, fmt.Sprintf("the far end hung up (BYE) after %s of the %s hold", held.Round(time.Millisecond), hold))
	case interrupted:
		ex.Detail = joinDetail(ex.Detail, fmt.Sprintf("interrupted after %s of the %s hold", held.Round(time.Millisecond), hold))
	}
	c.checkACK(in, ex)
	if sending {
		// Let the echo of the last frames arrive.
		time.Sleep(2 * rtpFrame)
		sent, got := c.media.sent.Load(), c.media.received.Load()
		ex.NoRTPBack = got == 0 && sent >= minRTPForVerdict
	}
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
		ex.Detail = joinDetail(ex.Detail, fmt.Sprintf("the 2xx came again %d time(s) after our ACK", len(t.okRetransmits)))
	case now-t.ackAt >= results.MillisOf(ackWatch):
		yes := true
		in.ACKConfirmed = &yes
	}
}
