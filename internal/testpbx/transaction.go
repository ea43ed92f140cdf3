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

// reasons are the phrases used when a caller gives none.
var reasons = map[int]string{
	100: "Trying", 180: "Ringing", 183: "Session Progress", 200: "OK",
	400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
	405: "Method Not Allowed", 407: "Proxy Authentication Required",
	423: "Interval Too Brief", 480: "Temporarily Unavailable",
	481: "Call/Transaction Does Not Exist", 486: "Busy Here",
	487: "Request Terminated", 488: "Not Acceptable Here",
	500: "Server Internal Error", 503: "Service Unavailable", 603: "Decline",
}

func reasonFor(code int, reason string) string {
	if reason != "" {
		return reason
	}
	if r, ok := reasons[code]; ok {
		return r
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
	tx.send(res)
	if tx.req.Method != sip.INVITE {
		return
	}
	p := tx.p
	p.mu.Lock()
	p.invites[inviteKey(tx.req)] = tx
	p.mu.Unlock()
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
