package testpbx

import (
	"strconv"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"
)

// serverTx is the PBX side of one request: it builds responses with one To
// tag, applies the request's fault on the way out, and keeps the last
// response for retransmitted requests (RFC 3261 §17.2).
type serverTx struct {
	p       *PBX
	req     *sip.Request
	pe      *peer
	fault   faultSpec
	toTag   string
	created time.Time

	// acked is closed when the ACK for an INVITE's final response arrives.
	acked     chan struct{}
	ackOnce   sync.Once
	ignoreACK bool // set for an IgnoreACK extension's 2xx: ACKs are not heard

	mu        sync.Mutex
	last      []byte
	burstSent bool
	finalCode int
}

func (p *PBX) newServerTx(req *sip.Request, pe *peer, f faultSpec) *serverTx {
	return &serverTx{
		p:       p,
		req:     req,
		pe:      pe,
		fault:   f,
		toTag:   token(),
		created: time.Now(),
		acked:   make(chan struct{}),
	}
}

// reasonFor returns reason, or the standard phrase when it is empty.
func reasonFor(code int, reason string) string {
	if reason != "" {
		return reason
	}
	switch code {
	case 100:
		return "Trying"
	case 180:
		return "Ringing"
	case 183:
		return "Session Progress"
	case 200:
		return "OK"
	case 400:
		return "Bad Request"
	case 401:
		return "Unauthorized"
	case 403:
		return "Forbidden"
	case 404:
		return "Not Found"
	case 405:
		return "Method Not Allowed"
	case 407:
		return "Proxy Authentication Required"
	case 423:
		return "Interval Too Brief"
	case 480:
		return "Temporarily Unavailable"
	case 481:
		return "Call/Transaction Does Not Exist"
	case 486:
		return "Busy Here"
	case 487:
		return "Request Terminated"
	case 488:
		return "Not Acceptable Here"
	case 500:
		return "Server Internal Error"
	case 503:
		return "Service Unavailable"
	case 603:
		return "Decline"
	}
	return "Status " + strconv.Itoa(code)
}

// response builds a response to the transaction's request. Every response
// but 100 carries the transaction's To tag, so provisional and final
// responses belong to the same (early) dialog (RFC 3261 §8.2.6.2).
func (tx *serverTx) response(code int, reason string) *sip.Response {
	res := sip.NewResponseFromRequest(tx.req, code, reasonFor(code, reason), nil)
	if to := res.To(); to != nil {
		if _, had := tx.req.To().Params.Get("tag"); !had {
			if code == 100 {
				to.Params.Remove("tag")
			} else {
				to.Params.Add("tag", tx.toTag)
			}
		}
	}
	res.AppendHeader(sip.NewHeader("Server", tx.p.cfg.serverHeader))
	return res
}

// send writes a response, applying the transaction's fault.
func (tx *serverTx) send(res *sip.Response) {
	var out [][]byte
	tx.mu.Lock()
	final := res.StatusCode >= 200
	if tx.fault.kind == kindBurst && final && !tx.burstSent {
		tx.burstSent = true
		for i := range tx.fault.n {
			code := 100
			if tx.req.Method == sip.INVITE && i%2 == 1 {
				code = 180
			}
			out = append(out, []byte(tx.response(code, "").String()))
		}
	}
	if tx.fault.kind == kindNoVia {
		res.RemoveHeader("Via")
	}
	b := []byte(res.String())
	if tx.fault.kind == kindTruncated {
		b = truncate(b)
	}
	out = append(out, b)
	tx.last = b
	if final {
		tx.finalCode = res.StatusCode
	}
	tx.mu.Unlock()
	for _, b := range out {
		_ = tx.pe.write(b)
	}
	if tx.fault.kind == kindTruncated && tx.pe.hangup != nil {
		tx.pe.hangup()
	}
}

// resend answers a retransmitted request with the last response sent.
func (tx *serverTx) resend() {
	tx.mu.Lock()
	b := tx.last
	tx.mu.Unlock()
	if b != nil {
		_ = tx.pe.write(b)
	}
}

func (tx *serverTx) final() (int, bool) {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	return tx.finalCode, tx.finalCode != 0
}

// sendFinal sends a final response. For INVITE it also waits for the ACK in
// the background, retransmitting as RFC 3261 requires: a 2xx on every
// transport (§13.3.1.4), a failure only over UDP (Timer G, §17.2.1).
func (tx *serverTx) sendFinal(res *sip.Response) {
	if tx.req.Method != sip.INVITE {
		tx.send(res)
		return
	}
	// Index the transaction before the response leaves: a fast client's
	// ACK must find it.
	p := tx.p
	p.mu.Lock()
	p.invites[inviteKey(tx.req)] = tx
	p.mu.Unlock()
	tx.send(res)
	if res.StatusCode >= 300 && tx.pe.transport != "udp" {
		return
	}
	tx.mu.Lock()
	b := tx.last
	tx.mu.Unlock()
	p.spawn(func() { tx.retransmit(b) })
}

// retransmit repeats b until the ACK arrives (Timer G/H, or the 2xx
// retransmission of §13.3.1.4).
func (tx *serverTx) retransmit(b []byte) {
	tx.p.backoff(tx.acked, func() { _ = tx.pe.write(b) })
}

// backoff calls tick at T1, 2×T1, 4×T1, … capped at T2 = 8×T1, until done is
// closed, 64×T1 have passed or the PBX closes. It reports whether done
// closed. Both retransmission schedules of RFC 3261 (Timers E and G) are
// this one.
func (p *PBX) backoff(done <-chan struct{}, tick func()) bool {
	t1 := p.cfg.t1
	deadline := time.NewTimer(64 * t1)
	defer deadline.Stop()
	interval := t1
	for {
		next := time.NewTimer(interval)
		select {
		case <-done:
			next.Stop()
			return true
		case <-deadline.C:
			next.Stop()
			return false
		case <-p.ctx.Done():
			next.Stop()
			return false
		case <-next.C:
			tick()
		}
		interval = min(2*interval, 8*t1)
	}
}

func (tx *serverTx) markAcked() {
	tx.ackOnce.Do(func() { close(tx.acked) })
}

func inviteKey(req *sip.Request) string {
	return req.CallID().Value() + "|" + strconv.FormatUint(uint64(req.CSeq().SeqNo), 10)
}

// ack matches an ACK to its INVITE transaction by Call-ID and CSeq number,
// which covers both the non-2xx ACK (same branch) and the 2xx ACK (new
// branch, RFC 3261 §13.2.2.4).
func (p *PBX) ack(req *sip.Request) {
	p.mu.Lock()
	tx := p.invites[inviteKey(req)]
	p.mu.Unlock()
	if tx == nil {
		return
	}
	code, _ := tx.final()
	if code < 300 && tx.ackIgnored() {
		return
	}
	tx.markAcked()
}

func (tx *serverTx) ackIgnored() bool {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	return tx.ignoreACK
}
