package probe

import (
	"context"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/probe/media"
	"github.com/sipprobe/sipprobe/results"
)

// inbound is the UAS side of receive: it takes the first INVITE that
// arrives at our bound contact, rings, answers with our SDP answer (the
// same offer/answer code as a test call's re-INVITEs, invite_serve.go),
// and serves the dialog until the caller's BYE.
type inbound struct {
	s      *session
	l      *link
	ours   string // the contact we registered
	stored string // what the registrar listed for it
	codecs []codec

	mu  sync.Mutex
	c   *call
	d   *dialog
	req *sip.Request // the INVITE
	at  time.Time
	// cancel is the PBX's CANCEL of the INVITE (receive_elsewhere.go).
	cancel *sip.Request
	// caller is the trigger call, when receive placed it.
	caller *call

	invited chan struct{} // closed at the first INVITE
	acked   chan struct{} // closed at its ACK
	ackOnce sync.Once
}

func newInbound(s *session, l *link, ours sip.Uri, stored string, codecs []codec) *inbound {
	return &inbound{s: s, l: l, ours: ours.String(), stored: stored, codecs: codecs,
		invited: make(chan struct{}), acked: make(chan struct{})}
}

// handle is the link's request handler while our contact is bound.
func (u *inbound) handle(req *sip.Request, tx sip.ServerTransaction) {
	u.mu.Lock()
	first := u.c == nil && req.IsInvite() && !hasTag(req.To())
	if first {
		if err := u.accept(req); err != nil {
			u.mu.Unlock()
			_ = tx.Respond(sip.NewResponseFromRequest(req, 500, "Server Internal Error", nil))
			return
		}
	}
	c, d := u.c, u.d
	ourCancel := req.IsCancel() && u.isOurCancel(req)
	u.mu.Unlock()
	switch {
	case ourCancel:
		// The INVITE's transaction is over (sipgo matches a CANCEL to it
		// while it lasts): our 2xx went out, the CANCEL changes nothing
		// (RFC 3261 §9.2), but it tells that another contact answered.
		u.onCancel(req)
		_ = tx.Respond(sip.NewResponseFromRequest(req, 200, "OK", nil))
		return
	case first:
		if st, ok := tx.(*sip.ServerTx); ok {
			st.OnCancel(u.onCancel)
		}
		// RFC 3261 §13.3.1.1: ring, with our tag and Contact (an early dialog).
		ring := sip.NewResponseFromRequest(req, 180, "Ringing", nil)
		ring.AppendHeader(&sip.ContactHeader{Address: u.l.localURI(u.s.cfg.User), Params: sip.NewParams()})
		_ = tx.Respond(ring)
		close(u.invited)
	case c != nil && c.belongs(req):
	case req.IsAck():
		return
	case req.Method == sip.OPTIONS:
		// A PBX's qualify (Asterisk) or keep-alive to the contact.
		res := sip.NewResponseFromRequest(req, 200, "OK", nil)
		res.AppendHeader(sip.NewHeader("Allow", allowed))
		_ = tx.Respond(res)
		return
	case req.IsInvite() && c != nil:
		_ = tx.Respond(sip.NewResponseFromRequest(req, 486, "Busy Here", nil))
		return
	default:
		_ = tx.Respond(sip.NewResponseFromRequest(req, 481, "Call/Transaction Does Not Exist", nil))
		return
	}
	c.serve(d)(req, tx)
	if req.IsAck() {
		u.ackOnce.Do(func() { close(u.acked) })
	}
}

// accept sets up the call for the first INVITE: our To tag, the RTP
// socket, and the dialog as the UAS sees it (RFC 3261 §12.1.1), for a BYE
// of ours. The caller holds u.mu.
func (u *inbound) accept(req *sip.Request) error {
	m, err := media.Open(u.l.laddr.Addr())
	if err != nil {
		return err
	}
	tag := randHex(6)
	req.To().Params.Add("tag", tag)
	c := &call{s: u.s, l: u.l, offer: u.codecs, media: m,
		ids:   &dialogIDs{callID: req.CallID().Value(), fromTag: tag, cseq: uint32(1 + randInt(1000))},
		sdpID: uint64(randInt(1<<15))<<16 | uint64(randInt(1<<15))}
	c.rtp = &rtpStream{m: m}
	c.local = newLocalSDP(u.l.laddr.Addr(), m.Port(), u.codecs, c.sdpID, nil)
	c.spec = requestSpec{from: req.To().Address, to: req.From().Address}
	d := &dialog{bye: make(chan struct{}), done: make(chan struct{}), unacked: map[uint32]*sentOK{}}
	d.toTag, _ = req.From().Params.Get("tag")
	d.target = req.Recipient
	if ct := req.Contact(); ct != nil {
		d.target = ct.Address
	}
	for _, rr := range req.GetHeaders("Record-Route") {
		d.routes = append(d.routes, sip.NewHeader("Route", rr.Value()))
	}
	u.c, u.d, u.req, u.at = c, d, req, time.Now()
	return nil
}

// converse follows the answered call: the ACK, the caller's BYE (or ours
// when it does not come: with a trigger when the trigger call is over,
// without one after --hold), and fills the details.
func (u *inbound) converse(ctx context.Context, rd *results.ReceiveDetails, ex *catalog.Exchange, trig <-chan struct{}, deadline <-chan time.Time) *results.MediaDetails {
	u.mu.Lock()
	c, d, req := u.c, u.d, u.req
	u.mu.Unlock()
	rd.RequestURI = req.Recipient.String()
	rd.Targeted = "other"
	switch {
	case sameContactURI(rd.RequestURI, u.ours):
		rd.Targeted = "registered"
	case u.stored != "" && sameContactURI(rd.RequestURI, u.stored):
		rd.Targeted = "rewritten"
	}
	for _, v := range req.GetHeaders("Via") {
		rd.Via = append(rd.Via, v.Value())
	}
	for _, v := range req.GetHeaders("Record-Route") {
		rd.RecordRoute = append(rd.RecordRoute, v.Value())
	}
	rd.OfferedCodecs = analyzeAnswer(u.codecs, req.Body()).codecs

	hctx, cancel := context.WithCancel(u.s.parent)
	defer cancel()
	if u.s.cfg.Receive.RTP {
		_ = c.rtp.start(hctx)
	}
	// The ACK should follow our 2xx at once; a BYE first, or the end of
	// the trigger call, means it never will, and 64*T1 is when the 2xx's
	// retransmissions stop anyway (RFC 3261 §13.3.1.4).
	ackWait := time.NewTimer(64 * timerT1)
	defer ackWait.Stop()
	select {
	case <-u.acked:
	case <-d.bye:
	case <-trig:
	case <-ackWait.C:
	case <-u.s.parent.Done():
	}
	var hangup <-chan time.Time
	if trig == nil {
		t := time.NewTimer(u.s.hold())
		defer t.Stop()
		hangup = t.C
	}
	select {
	case <-d.bye:
	case <-trig:
		// The caller's BYE got our 200 before serve marked the BYE
		// (serve answers first): a moment for that to happen.
		t := time.NewTimer(timerT1)
		select {
		case <-d.bye:
		case <-t.C:
		}
		t.Stop()
	case <-hangup:
	case <-deadline:
	case <-u.s.parent.Done():
	}
	cancel()
	c.rtp.stop()
	var quality *results.MediaDetails
	// A call another contact took gets no audio verdict (receive_elsewhere.go).
	other, _ := u.elsewhere(u.caller)
	if !other {
		// The same audio verdicts as invite --rtp (one-way audio is the
		// classic failure of inbound calls behind NAT), on the caller's
		// stream and its RTCP.
		quality = c.judgeAudio(ex)
	}
	select {
	case <-d.bye:
		rd.BYEReceived, rd.EndedBy = true, "remote-bye"
	default:
		// Leave no call up on the PBX (the same rule as invite's).
		_, _ = c.bye(ctx, d)
		rd.EndedBy = "sipprobe-bye"
	}
	select {
	case <-u.acked:
		rd.ACKReceived = true
	default:
	}
	_, _, _ = d.end()
	rd.RTPSent, rd.RTPReceived = c.media.Sent(), c.media.Received()
	return quality
}

// close releases the call's RTP socket, if a call came.
func (u *inbound) close() {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.c != nil {
		u.c.close()
	}
}

func hasTag(to *sip.ToHeader) bool {
	if to == nil {
		return false
	}
	_, ok := to.Params.Get("tag")
	return ok
}
