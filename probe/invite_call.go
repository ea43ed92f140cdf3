package probe

import (
	"context"
	"errors"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/probe/media"
	"github.com/sipprobe/sipprobe/results"
)

// teardownBudget is how long ending a call (BYE, CANCEL and their answers)
// may take, even after --timeout or a Ctrl-C: a probe never leaves a call
// up on the PBX.
const teardownBudget = 2 * time.Second

// errRingTimeout: it rang for --ring-timeout and nobody answered.
var errRingTimeout = errors.New("ring timeout")

// call is one INVITE dialog attempt of the probe: an offer, its setup, and
// (after a 2xx) the confirmed dialog until it ends.
type call struct {
	s      *session
	l      *link
	ids    *dialogIDs
	spec   requestSpec // the INVITE's, for the authenticated retry
	offer  []codec
	media  *media.Session
	rtp    *rtpStream // where our RTP goes, after the far end's latest SDP
	sdpID  uint64
	local  *localSDP    // our SDP as last sent, for answers within the call
	inv    *sip.Request // the INVITE that got the final response
	invTx  sip.ClientTransaction
	txs    []sip.ClientTransaction
	ringed bool // a 180/183 came: --ring-timeout bounds the wait now
	// retry: a probing SRTP retry (invite_srtpretry.go), which no one
	// asked to ring a phone: it is CANCELed at its first 180/183.
	retry bool
	// quality is the audio measured during the hold (--rtp), for
	// details.media.
	quality *results.MediaDetails
	// dtmf is the 2xx answer's telephone-event (invite_dtmf.go); nil: not negotiated.
	dtmf *codec
	// sec is the SDES encryption we offered (nil: plain RTP), srtp what
	// came of it (nil without sec).
	sec  *sdesOffer
	srtp *results.SRTPInfo
	// forks are the other dialogs a forked INVITE's 2xx responses create
	// (invite_fork.go).
	forks forks
}

// newCall binds the RTP socket and builds the INVITE with its offer,
// encrypted as --srtp says.
func (s *session) newCall(l *link, to sip.Uri, offer []codec) (*call, error) {
	return s.newCallSRTP(l, to, offer, s.srtpMode())
}

// newCallSRTP is newCall with the SRTP mode given (SRTPNone, SRTPSDES,
// SRTPOptional).
func (s *session) newCallSRTP(l *link, to sip.Uri, offer []codec, mode string) (*call, error) {
	sec, err := newSDESOffer(mode)
	if err != nil {
		return nil, err
	}
	m, err := media.Open(l.laddr.Addr())
	if err != nil {
		return nil, err
	}
	c := &call{s: s, l: l, ids: newDialogIDs(), offer: offer, media: m, sec: sec, sdpID: uint64(randInt(1<<15))<<16 | uint64(randInt(1<<15))}
	body, err := buildOffer(l.laddr.Addr(), m.Port(), offer, c.sdpID, 1)
	if err == nil && sec != nil {
		body, err = sec.apply(body)
	}
	if err != nil {
		m.Close()
		return nil, err
	}
	c.rtp = &rtpStream{m: m}
	c.local = newLocalSDP(l.laddr.Addr(), m.Port(), offer, c.sdpID, body)
	c.local.sec = sec
	c.spec = requestSpec{
		method: sip.INVITE, ruri: to, from: s.accountURI(), to: to,
		contact: &sip.ContactHeader{Address: l.localURI(s.cfg.User), Params: sip.NewParams()},
		body:    body, ctype: "application/sdp",
		extra: []sip.Header{
			sip.NewHeader("Allow", allowed),
			sip.NewHeader("Subject", "sipprobe test call"),
		},
	}
	return c, nil
}

// close releases the call's transactions and RTP socket. It never sends.
func (c *call) close() {
	for _, tx := range c.txs {
		tx.Terminate()
	}
	c.media.Close()
}

// setup sends the INVITE and waits for its final response, answering one
// 401/407 with credentials (never more: fail2ban, DESIGN.md §4). sipgo's
// INVITE client transaction ACKs every non-2xx final itself (RFC 3261
// §17.1.1.3), so a rejected INVITE needs nothing more from us.
func (c *call) setup(ctx context.Context, ex *catalog.Exchange) (*sip.Response, error) {
	req := c.s.buildRequest(c.l, c.ids, c.spec)
	ex.AuthSent = false
	for {
		res, err := c.attempt(ctx, req)
		if err != nil {
			return nil, err
		}
		if res.StatusCode != 401 && res.StatusCode != 407 {
			return res, nil
		}
		ex.Challenges++
		if c.s.cfg.Password == "" || ex.AuthSent {
			return res, nil
		}
		next, aerr := c.s.authenticated(c.l, c.ids, c.spec, res)
		if aerr != nil {
			setNote(ex, noteOf(aerr))
			return res, nil
		}
		req, ex.AuthSent = next, true
	}
}

// attempt sends one INVITE and waits for its final response. Until the far
// end rings, ctx (--timeout) bounds the wait; after a 180/183, only
// --ring-timeout and the user's Ctrl-C do. sipgo's Timer B stops at the
// first 1xx (DESIGN.md §4), so the deadlines are ours.
func (c *call) attempt(ctx context.Context, req *sip.Request) (*sip.Response, error) {
	tx, err := c.l.send(ctx, req)
	if err != nil {
		return nil, c.s.sendError(err)
	}
	c.inv, c.invTx = req, tx
	c.txs = append(c.txs, tx)
	if ct, ok := tx.(*sip.ClientTx); ok {
		// Before any answer can come: sipgo hands every 2xx after the
		// first one to this hook only (invite_fork.go).
		ct.OnRetransmission(c.later2xx(req))
	}
	setup := ctx.Done()
	var ring <-chan time.Time
	for {
		select {
		case res := <-tx.Responses():
			if res == nil {
				continue
			}
			if !res.IsProvisional() {
				return res, nil
			}
			if (res.StatusCode == 180 || res.StatusCode == 183) && ring == nil {
				c.ringed = true
				if c.retry {
					// A probing retry has its answer: the offer got past
					// the media check. CANCEL now (abandon), not after
					// ringing a phone for --timeout.
					return nil, errRingTimeout
				}
				t := time.NewTimer(c.s.ringTimeout())
				defer t.Stop()
				ring, setup = t.C, nil
			}
		case <-tx.Done():
			return nil, c.s.txError(tx.Err())
		case <-c.s.wire.notify:
			if err := c.s.faultError(c.l); err != nil {
				return nil, err
			}
		case <-setup:
			return nil, c.s.silenceError(ctx)
		case <-ring:
			return nil, errRingTimeout
		case <-c.s.parent.Done():
			return nil, exErr(catalog.OutcomeCanceled, catalog.NewNote("interrupted"))
		}
	}
}

// heardBack reports whether any response to the current INVITE arrived,
// from the wire (sipgo may drop provisionals, DESIGN.md §4).
func (c *call) heardBack() bool {
	if c.inv == nil {
		return false
	}
	for _, m := range c.s.inviteMessages(c.ids.callID) {
		if m.res != nil && m.dir == results.DirIn && m.cseq == c.inv.CSeq().SeqNo && m.method == sip.INVITE {
			return true
		}
	}
	return false
}
