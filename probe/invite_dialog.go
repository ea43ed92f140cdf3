package probe

import (
	"context"
	"strings"
	"sync"

	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/catalog"
)

// dialog is the confirmed dialog a 2xx created (RFC 3261 §12.1.2).
type dialog struct {
	toTag  string
	target sip.Uri      // the 2xx's Contact: where in-dialog requests go
	routes []sip.Header // Record-Route reversed
	ack    *sip.Request

	bye     chan struct{} // closed when the far end sends BYE
	byeOnce sync.Once

	// serveMu makes the far end's requests take turns (see serve); the
	// offer/answer state and the CSeq check need them in order.
	serveMu    sync.Mutex
	remoteCSeq uint32 // the far end's last CSeq, 0: none yet (RFC 3261 §12.2.2)
	// offerCSeq is the far end's INVITE whose 2xx carries our offer, until
	// its ACK brings the answer; 0: no offer of ours pending.
	offerCSeq uint32

	mu       sync.Mutex
	requests []string       // in-dialog requests the far end sent
	notes    []catalog.Note // what happened in them, for the diagnosis notes
	unacked  map[uint32]*sentOK
	closed   bool
	done     chan struct{} // closed when the call is over
	wg       sync.WaitGroup
}

// confirm builds the dialog from the INVITE's 2xx and sends the ACK. The
// ACK to a 2xx is the UAC core's job, not the transaction's, and so is
// sending it again for every retransmitted 2xx (RFC 3261 §13.2.2.4).
func (c *call) confirm(res *sip.Response) *dialog {
	d := dialogOf(c.inv, res)
	d.bye, d.done, d.unacked = make(chan struct{}), make(chan struct{}), map[uint32]*sentOK{}
	d.ack = c.inDialog(d, sip.ACK)
	// The ACK carries the INVITE's CSeq number (RFC 3261 §13.2.2.4).
	c.ids.cseq--
	if cs := d.ack.CSeq(); cs != nil {
		cs.SeqNo = c.inv.CSeq().SeqNo
	}
	_ = c.l.write(d.ack.Clone())
	// Later 2xx responses (retransmissions, other branches of a forked
	// INVITE) reach the hook attempt installed (invite_fork.go).
	c.forks.confirmed(c, d.toTag, d.ack)
	return d
}

// inDialog builds a request within the call's dialog: to the remote
// target, along the route set, with the next CSeq (RFC 3261 §12.2.1.1).
func (c *call) inDialog(d *dialog, method sip.RequestMethod) *sip.Request {
	return c.dialogRequest(c.ids, d, method)
}

// bye ends the dialog from our side and returns the BYE's final status (0
// when none came within the budget).
func (c *call) bye(ctx context.Context, d *dialog) (int, string) {
	tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), teardownBudget)
	defer cancel()
	res, err := c.sendBye(tctx, func() *sip.Request { return c.inDialog(d, sip.BYE) })
	if err != nil {
		return 0, ""
	}
	return int(res.StatusCode), res.Reason
}

// sendBye sends the BYE next builds and, when the PBX challenges it, one
// authenticated retry with a new BYE (the next CSeq): never more (a BYE
// leaves no call up on the PBX, and a wrong password is not tried twice).
func (c *call) sendBye(ctx context.Context, next func() *sip.Request) (*sip.Response, error) {
	res, err := c.s.do(ctx, c.l, next(), nil)
	if err == nil && (res.StatusCode == 401 || res.StatusCode == 407) && c.s.cfg.Password != "" {
		if ch, cerr := pickChallenge(res); cerr == nil {
			req := next()
			if authorize(req, ch, c.s.authUser(), c.s.cfg.Password) == nil {
				res, err = c.s.do(ctx, c.l, req, nil)
			}
		}
	}
	return res, err
}

// cancelRequest builds the CANCEL of inv (RFC 3261 §9.1): the same
// Request-URI, Call-ID, From, To, CSeq number and top Via, so that it
// matches the INVITE's transaction.
func cancelRequest(inv *sip.Request) *sip.Request {
	req := sip.NewRequest(sip.CANCEL, *inv.Recipient.Clone())
	if via := inv.Via(); via != nil {
		req.AppendHeader(via.Clone())
	}
	for _, h := range inv.GetHeaders("Route") {
		req.AppendHeader(sip.NewHeader("Route", h.Value()))
	}
	req.AppendHeader(sip.NewHeader("Max-Forwards", "70"))
	for _, name := range []string{"From", "To", "Call-ID"} {
		sip.CopyHeaders(name, inv, req)
	}
	if cs := inv.CSeq(); cs != nil {
		req.AppendHeader(&sip.CSeqHeader{SeqNo: cs.SeqNo, MethodName: sip.CANCEL})
	}
	if ua := inv.GetHeader("User-Agent"); ua != nil {
		req.AppendHeader(sip.NewHeader("User-Agent", ua.Value()))
	}
	req.SetBody(nil)
	if req.ContentLength() == nil {
		cl := sip.ContentLengthHeader(0)
		req.AppendHeader(&cl)
	}
	return req
}

// isCodecPhrase reports a reason phrase about codecs ("Codec Mismatch",
// "No codecs match"), for the sweep's reading of non-488 rejections.
func isCodecPhrase(reason string) bool {
	r := strings.ToLower(reason)
	return strings.Contains(r, "codec") || strings.Contains(r, "media")
}
