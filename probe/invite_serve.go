package probe

import (
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/catalog"
)

// RFC 3261 §17.1.1.1 default timers, for retransmitting our 2xx to a
// re-INVITE. sipgo's sip.T1/T2 are package globals (DESIGN.md §4); a copy
// of the defaults is simpler than reasoning about who may set them.
const (
	timerT1 = 500 * time.Millisecond
	timerT2 = 4 * time.Second
)

// allowed is what we accept within a dialog (Allow, RFC 3261 §20.5).
const allowed = "INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO"

// sentOK is our 2xx to one of the far end's INVITEs, until its ACK.
type sentOK struct {
	at    time.Time
	acked chan struct{}
}

// serve answers the far end's requests within the dialog while the call is
// up: BYE ends it; OPTIONS (a keep-alive) gets 200; a re-INVITE or UPDATE
// gets our SDP answer to its offer (hold, moved media, a session refresh,
// RFC 4028), or our offer in the 2xx of an offerless re-INVITE, whose
// answer comes in the ACK (RFC 3261 §14.2). sipgo calls it on a goroutine
// per request; they take turns, since each may change the session.
func (c *call) serve(d *dialog) requestHandler {
	return func(req *sip.Request, tx sip.ServerTransaction) {
		if !c.belongs(req) {
			if !req.IsAck() {
				_ = tx.Respond(sip.NewResponseFromRequest(req, 481, "Call/Transaction Does Not Exist", nil))
			}
			return
		}
		d.serveMu.Lock()
		defer d.serveMu.Unlock()
		if req.IsAck() {
			c.onACK(d, req)
			return
		}
		d.mu.Lock()
		d.requests = append(d.requests, string(req.Method))
		d.mu.Unlock()
		// RFC 3261 §12.2.2: a CSeq below the last one is out of order.
		seq := req.CSeq().SeqNo
		if d.remoteCSeq != 0 && seq < d.remoteCSeq {
			d.note(catalog.NewNote("dlg-cseq-low", "req", string(req.Method), "seq", strconv.FormatUint(uint64(seq), 10), "last", strconv.FormatUint(uint64(d.remoteCSeq), 10)))
			_ = tx.Respond(sip.NewResponseFromRequest(req, 500, "CSeq Out of Order", nil))
			return
		}
		d.remoteCSeq = seq
		switch req.Method {
		case sip.BYE:
			_ = tx.Respond(sip.NewResponseFromRequest(req, 200, "OK", nil))
			d.byeOnce.Do(func() { close(d.bye) })
		case sip.INVITE, sip.UPDATE:
			c.onOffer(d, req, tx)
		case sip.OPTIONS:
			res := sip.NewResponseFromRequest(req, 200, "OK", nil)
			res.AppendHeader(sip.NewHeader("Allow", allowed))
			res.AppendHeader(sip.NewHeader("Accept", "application/sdp"))
			_ = tx.Respond(res)
		case sip.INFO, sip.NOTIFY:
			_ = tx.Respond(sip.NewResponseFromRequest(req, 200, "OK", nil))
		default:
			res := sip.NewResponseFromRequest(req, 501, "Not Implemented", nil)
			res.AppendHeader(sip.NewHeader("Allow", allowed))
			_ = tx.Respond(res)
		}
	}
}

// belongs reports whether req belongs to this call: its Call-ID, and our
// tag as its To tag (RFC 3261 §12.2.2). A missing tag is let through: the
// Call-ID is random and a lax PBX should still get its answer.
func (c *call) belongs(req *sip.Request) bool {
	if id := req.CallID(); id == nil || string(*id) != c.ids.callID || req.CSeq() == nil {
		return false
	}
	if to := req.To(); to != nil {
		if tag, ok := to.Params.Get("tag"); ok && tag != c.ids.fromTag {
			return false
		}
	}
	return true
}

// onOffer answers a re-INVITE or UPDATE. With an SDP offer: our answer,
// or 488 and the session unchanged when we cannot take it. A re-INVITE
// without one: our offer in the 2xx. An offer of theirs (or a re-INVITE)
// while ours awaits its answer is glare: 491 (RFC 3264 §4, RFC 3311 §5.2).
func (c *call) onOffer(d *dialog, req *sip.Request, tx sip.ServerTransaction) {
	method, seq := methodName(req), req.CSeq().SeqNo
	hasOffer := len(req.Body()) > 0
	if d.offerCSeq != 0 && (hasOffer || req.IsInvite()) {
		d.note(catalog.NewNote("dlg-glare", "req", method))
		_ = tx.Respond(sip.NewResponseFromRequest(req, 491, "Request Pending", nil))
		return
	}
	var body []byte
	var err error
	switch {
	case hasOffer:
		if body, err = c.local.answer(req.Body()); err != nil {
			d.note(catalog.NewNote("dlg-refused-488", "req", method).With("text", noteOf(err)))
			res := sip.NewResponseFromRequest(req, 488, "Not Acceptable Here", nil)
			res.AppendHeader(sip.NewHeader("Warning", warning(err)))
			_ = tx.Respond(res)
			return
		}
		d.note(catalog.NewNote("dlg-answered", "req", method).With("text", c.rtp.follow(analyzeAnswer(c.offer, req.Body()))...))
	case req.IsInvite():
		if body, err = c.local.offer(); err != nil {
			d.note(catalog.NewNote("dlg-offer-failed", "req", method).With("text", noteOf(err)))
			_ = tx.Respond(sip.NewResponseFromRequest(req, 500, "Server Internal Error", nil))
			return
		}
		d.offerCSeq = seq
		d.note(catalog.NewNote("dlg-offer-sent", "req", method))
	default:
		d.note(catalog.NewNote("dlg-no-sdp", "req", method))
	}
	res := sip.NewResponseFromRequest(req, 200, "OK", body)
	if len(body) > 0 {
		res.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	}
	res.AppendHeader(&sip.ContactHeader{Address: c.l.localURI(c.s.cfg.User), Params: sip.NewParams()})
	res.AppendHeader(sip.NewHeader("Allow", allowed))
	if err := tx.Respond(res); err == nil && req.IsInvite() {
		c.awaitACK(d, seq, tx, res)
	}
}

// onACK takes the far end's ACK to our 2xx, and the answer it carries when
// that 2xx held our offer.
func (c *call) onACK(d *dialog, ack *sip.Request) {
	seq := ack.CSeq().SeqNo
	d.mu.Lock()
	if sent := d.unacked[seq]; sent != nil {
		close(sent.acked)
		delete(d.unacked, seq)
	}
	d.mu.Unlock()
	if d.offerCSeq == 0 || seq != d.offerCSeq {
		return
	}
	d.offerCSeq = 0
	if len(ack.Body()) == 0 {
		d.note(catalog.NewNote("ack-no-answer"))
		return
	}
	a := analyzeAnswer(c.offer, ack.Body())
	if a.problem != nil {
		d.note(catalog.NewNote("ack-answer-problem").With("text", *a.problem))
		return
	}
	d.note(catalog.NewNote("ack-answer").With("text", c.rtp.follow(a)...))
}

// awaitACK resends our 2xx to the far end's INVITE until its ACK comes,
// doubling from T1 up to T2, for at most 64*T1 or the rest of the call:
// the UAS core's job, not the transaction's (RFC 3261 §13.3.1.4, RFC
// 6026). Reliable transports need no resending (same section).
func (c *call) awaitACK(d *dialog, seq uint32, tx sip.ServerTransaction, res *sip.Response) {
	sent := &sentOK{at: time.Now(), acked: make(chan struct{})}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	d.unacked[seq] = sent
	if c.l.transport != "udp" {
		return
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		giveUp := time.NewTimer(64 * timerT1)
		defer giveUp.Stop()
		for wait := timerT1; ; wait = min(2*wait, timerT2) {
			t := time.NewTimer(wait)
			select {
			case <-sent.acked:
			case <-d.done:
			case <-giveUp.C:
			case <-t.C:
				_ = tx.Respond(res)
				continue
			}
			t.Stop()
			return
		}
	}()
}

// end closes the dialog when the call is over: it stops resending our
// 2xx and returns the notes, with any 2xx of ours still without ACK.
func (d *dialog) end() (requests []string, notes []catalog.Note, unacked bool) {
	d.mu.Lock()
	if !d.closed {
		d.closed = true
		close(d.done)
	}
	for _, seq := range slices.Sorted(maps.Keys(d.unacked)) {
		// Not resent yet: the ACK may still be on its way.
		if since := time.Since(d.unacked[seq].at); since >= timerT1 {
			unacked = true
			d.notes = append(d.notes, catalog.NewNote("dlg-no-ack", "seq", strconv.FormatUint(uint64(seq), 10), "dur", since.Round(100*time.Millisecond).String()))
		}
	}
	requests, notes = append([]string(nil), d.requests...), append([]catalog.Note(nil), d.notes...)
	d.mu.Unlock()
	d.wg.Wait()
	return requests, notes, unacked
}

func (d *dialog) note(n catalog.Note) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.notes = append(d.notes, n)
}

// warning is the Warning header (RFC 3261 §20.43) of our 488 to an offer:
// 305 Incompatible media format when it shares nothing with us, 399
// Miscellaneous otherwise.
func warning(err error) string {
	code := "399"
	if errors.Is(err, errNoAcceptableMedia) {
		code = "305"
	}
	return code + ` sipprobe "` + strings.ReplaceAll(err.Error(), `"`, `'`) + `"`
}

// methodName names an in-dialog request for the notes.
func methodName(req *sip.Request) string {
	if req.IsInvite() {
		return "re-INVITE"
	}
	return string(req.Method)
}
