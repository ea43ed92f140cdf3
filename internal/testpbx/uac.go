package testpbx

import (
	"strings"
	"sync"

	"github.com/emiago/sipgo/sip"
)

// request builds an in-dialog request from the PBX to the caller (RFC 3261
// §12.2.1.1): From/To swapped relative to the INVITE, a new branch, the
// dialog's next CSeq.
func (c *call) request(method sip.RequestMethod) *sip.Request {
	c.mu.Lock()
	c.cseq++
	seq := c.cseq
	c.mu.Unlock()
	pe := c.tx.pe
	contact := c.p.localContact(pe, c.local.User)
	req := sip.NewRequest(method, c.target)
	via := &sip.ViaHeader{
		ProtocolName: "SIP", ProtocolVersion: "2.0",
		Transport: strings.ToUpper(pe.transport),
		Host:      contact.Address.Host, Port: contact.Address.Port,
		Params: sip.NewParams(),
	}
	via.Params.Add("branch", sip.RFC3261BranchMagicCookie+token())
	req.AppendHeader(via)
	maxFwd := sip.MaxForwardsHeader(70)
	req.AppendHeader(&maxFwd)
	from := &sip.FromHeader{Address: c.local, Params: sip.NewParams()}
	from.Params.Add("tag", c.localTag)
	req.AppendHeader(from)
	to := &sip.ToHeader{Address: c.remote, Params: sip.NewParams()}
	if c.remoteTag != "" {
		to.Params.Add("tag", c.remoteTag)
	}
	req.AppendHeader(to)
	callID := sip.CallIDHeader(c.callID)
	req.AppendHeader(&callID)
	req.AppendHeader(&sip.CSeqHeader{SeqNo: seq, MethodName: method})
	req.AppendHeader(contact)
	req.AppendHeader(sip.NewHeader("User-Agent", c.p.cfg.serverHeader))
	req.SetBody(nil)
	return req
}

// uacTx waits for the final response to a request the PBX sent.
type uacTx struct {
	done chan struct{}
	once sync.Once
	res  *sip.Response
}

// sendRequest sends a PBX-originated request down the peer's path and waits
// for its final response, retransmitting over UDP per Timer E (RFC 3261
// §17.1.2.2) for at most 64×T1. It returns nil on timeout.
func (p *PBX) sendRequest(pe *peer, req *sip.Request) *sip.Response {
	branch, _ := req.Via().Params.Get("branch")
	u := &uacTx{done: make(chan struct{})}
	p.mu.Lock()
	p.uacs[branch] = u
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.uacs, branch)
		p.mu.Unlock()
	}()
	b := []byte(req.String())
	if pe.write(b) != nil {
		return nil
	}
	if !p.backoff(u.done, func() {
		if pe.transport == "udp" {
			_ = pe.write(b)
		}
	}) {
		return nil
	}
	return u.res
}

// uacResponse routes a response to the PBX's own request by its branch.
func (p *PBX) uacResponse(res *sip.Response) {
	via := res.Via()
	if via == nil || res.StatusCode < 200 {
		return
	}
	branch, _ := via.Params.Get("branch")
	p.mu.Lock()
	u := p.uacs[branch]
	p.mu.Unlock()
	if u != nil {
		u.once.Do(func() {
			u.res = res
			close(u.done)
		})
	}
}
