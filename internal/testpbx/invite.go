package testpbx

import (
	"net"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"
)

// call is one INVITE dialog, from the first INVITE to BYE, CANCEL or Close.
type call struct {
	p   *PBX
	tx  *serverTx // the dialog-creating INVITE transaction
	b   ExtensionBehaviour
	key string

	callID    string
	localTag  string
	remoteTag string
	local     sip.Uri // our URI (the INVITE's To)
	remote    sip.Uri // the caller (the INVITE's From)
	target    sip.Uri // where our in-dialog requests go: the caller's Contact

	ended   chan struct{}
	endOnce sync.Once

	mu        sync.Mutex
	finalSent bool
	cseq      uint32
	answer    []byte
	media     *net.UDPConn
	echo      *echo
}

func callKey(callID, ourTag string) string { return callID + "|" + ourTag }

// invite handles a dialog-creating INVITE: authenticate the caller, look the
// Request-URI user up in the caller's extensions, and run the extension's
// script in a goroutine. A re-INVITE goes to the existing dialog.
func (p *PBX) invite(tx *serverTx) {
	req := tx.req
	if _, inDialog := req.To().Params.Get("tag"); inDialog {
		p.reInvite(tx)
		return
	}
	acct, ok := p.authenticate(tx)
	if !ok {
		return
	}
	b, ok := acct.extensions[req.Recipient.User]
	if !ok {
		tx.sendFinal(tx.response(404, "Not Found"))
		return
	}
	c := &call{
		p:         p,
		tx:        tx,
		b:         b,
		callID:    req.CallID().Value(),
		localTag:  tx.toTag,
		local:     req.To().Address,
		remote:    req.From().Address,
		target:    req.From().Address,
		ended:     make(chan struct{}),
		remoteTag: req.From().Params.GetOr("tag", ""),
		cseq:      1,
	}
	if ct := req.Contact(); ct != nil {
		c.target = ct.Address
	}
	c.key = callKey(c.callID, c.localTag)
	p.mu.Lock()
	p.calls[c.key] = c
	p.mu.Unlock()
	tx.send(tx.response(100, ""))
	if !p.spawn(c.run) {
		c.end()
	}
}

// findCall returns the dialog an in-dialog request belongs to, or nil.
func (p *PBX) findCall(req *sip.Request) *call {
	tag, _ := req.To().Params.Get("tag")
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls[callKey(req.CallID().Value(), tag)]
}

// claimFinal reports true to the one caller allowed to send the INVITE's
// final response: the answering script or a CANCEL, whichever comes first.
func (c *call) claimFinal() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.finalSent {
		return false
	}
	c.finalSent = true
	return true
}

// end tears the dialog down: forget it and close its media socket.
func (c *call) end() {
	c.endOnce.Do(func() {
		close(c.ended)
		c.p.mu.Lock()
		delete(c.p.calls, c.key)
		c.p.mu.Unlock()
		c.mu.Lock()
		m, e := c.media, c.echo
		c.mu.Unlock()
		if m != nil {
			c.p.untrack(m)
			_ = m.Close()
		}
		if e != nil {
			c.p.untrack(e)
			_ = e.Close()
		}
	})
}

// wait sleeps for d and reports false if the call ended or the PBX closed
// first. d < 0 waits until then.
func (c *call) wait(d time.Duration) bool {
	var timeout <-chan time.Time
	if d >= 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-timeout:
		return true
	case <-c.ended:
		return false
	case <-c.p.ctx.Done():
		return false
	}
}

// fail sends a failure final response, unless a CANCEL already answered.
func (c *call) fail(code int, reason string) {
	if c.claimFinal() {
		c.tx.sendFinal(c.tx.response(code, reason))
	}
}

// run plays the extension's behaviour for one call.
func (c *call) run() {
	defer c.end()
	b, tx := c.b, c.tx
	if b.Code != 0 {
		c.fail(b.Code, b.Reason)
		return
	}
	if c.srtpRefusal() {
		c.fail(488, "")
		return
	}
	if err := c.prepareAnswer(); err != nil {
		c.fail(488, "")
		return
	}
	if b.EarlyMedia {
		tx.send(c.withSDP(tx.response(183, "")))
	} else {
		tx.send(tx.response(180, ""))
	}
	if b.RingForever {
		c.wait(-1) // only CANCEL, BYE or Close ends it
		return
	}
	if !c.wait(b.Ring) || !c.claimFinal() {
		return
	}
	tx.mu.Lock()
	tx.ignoreACK = b.IgnoreACK
	tx.mu.Unlock()
	res := c.withSDP(tx.response(200, ""))
	res.AppendHeader(c.p.localContact(tx.pe, c.local.User))
	tx.sendFinal(res)

	c.up(tx.acked)
}

// up keeps an answered call going until either side hangs up: BYE after
// ByeAfter, in-dialog OPTIONS every OptionsEvery once the ACK came, and BYE
// when no ACK came within 64×T1 (RFC 3261 §13.3.1.4) — the path an
// IgnoreACK extension takes by design.
func (c *call) up(acked <-chan struct{}) {
	noAck := time.NewTimer(64 * c.p.cfg.t1)
	defer noAck.Stop()
	noAckC := noAck.C
	var byeAt <-chan time.Time
	if c.b.ByeAfter > 0 {
		t := time.NewTimer(c.b.ByeAfter)
		defer t.Stop()
		byeAt = t.C
	}
	var tick <-chan time.Time
	for {
		select {
		case <-acked:
			acked, noAckC = nil, nil
			if c.b.OptionsEvery > 0 {
				t := time.NewTicker(c.b.OptionsEvery)
				defer t.Stop()
				tick = t.C
			}
		case <-tick:
			c.p.spawn(func() { c.p.sendRequest(c.tx.pe, c.request(sip.OPTIONS)) })
		case <-noAckC:
			c.hangup()
			return
		case <-byeAt:
			c.hangup()
			return
		case <-c.ended:
			return
		case <-c.p.ctx.Done():
			return
		}
	}
}

// hangup sends BYE and ends the call without waiting for the 200: the
// dialog is over for us either way (RFC 3261 §15).
func (c *call) hangup() {
	bye := c.request(sip.BYE)
	c.end()
	c.p.spawn(func() { c.p.sendRequest(c.tx.pe, bye) })
}

func (c *call) withSDP(res *sip.Response) *sip.Response {
	c.mu.Lock()
	body := c.answer
	c.mu.Unlock()
	res.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	res.SetBody(body)
	return res
}

// prepareAnswer binds the media socket and builds the SDP answer once, so
// 183, 200 and re-INVITE answers agree.
func (c *call) prepareAnswer() error {
	if c.b.MediaEncryption == MediaEncryptionSDES {
		return c.prepareSRTPAnswer()
	}
	if c.b.Echo != nil {
		return c.prepareEcho()
	}
	m, err := c.p.openMedia(c.b.EchoRTP)
	if err != nil {
		return err
	}
	addr := c.b.MediaAddr
	if addr == "" {
		addr = "127.0.0.1"
	}
	body, err := answerSDP(c.tx.req.Body(), c.b, addr, m.LocalAddr().(*net.UDPAddr).Port)
	c.mu.Lock()
	c.media = m
	c.answer = body
	c.mu.Unlock()
	return err
}

// cancelInvite answers CANCEL (RFC 3261 §9.2): 200 to the CANCEL itself and,
// if the INVITE has no final response yet, 487 to the INVITE.
func (p *PBX) cancelInvite(tx *serverTx) {
	branch, _ := tx.req.Via().Params.Get("branch")
	p.mu.Lock()
	inv := p.txs[branch+"|INVITE"]
	var c *call
	if inv != nil {
		c = p.calls[callKey(tx.req.CallID().Value(), inv.toTag)]
	}
	p.mu.Unlock()
	if inv == nil {
		tx.send(tx.response(481, ""))
		return
	}
	tx.send(tx.response(200, ""))
	if c != nil && c.claimFinal() {
		inv.sendFinal(inv.response(487, ""))
		c.end()
	}
}

// bye ends a dialog at the caller's request.
func (p *PBX) bye(tx *serverTx) {
	c := p.findCall(tx.req)
	if c == nil {
		tx.send(tx.response(481, ""))
		return
	}
	tx.send(tx.response(200, ""))
	if c.claimFinal() {
		c.tx.sendFinal(c.tx.response(487, "")) // BYE in an early dialog
	}
	c.end()
}

// inDialog answers UPDATE and INFO inside a dialog with 200, else 481.
func (p *PBX) inDialog(tx *serverTx) {
	if p.findCall(tx.req) == nil {
		tx.send(tx.response(481, ""))
		return
	}
	tx.send(tx.response(200, ""))
}

// reInvite answers a session refresh with the call's existing SDP answer.
func (p *PBX) reInvite(tx *serverTx) {
	c := p.findCall(tx.req)
	if c == nil {
		tx.sendFinal(tx.response(481, ""))
		return
	}
	res := c.withSDP(tx.response(200, ""))
	res.AppendHeader(p.localContact(tx.pe, c.local.User))
	tx.sendFinal(res)
}
