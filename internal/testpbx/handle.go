package testpbx

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"
)

// allowed is the Allow header value: the methods this PBX implements.
const allowed = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, UPDATE, INFO"

// handle processes one datagram. It is the fuzzing entry point: arbitrary
// bytes go in, and it must neither panic nor block.
func (p *PBX) handle(data []byte, pe *peer) {
	if len(bytes.TrimSpace(data)) == 0 {
		return // CRLF keep-alive (RFC 5626 §3.5.1); nothing to answer over UDP
	}
	msg, err := p.parser.ParseSIP(data)
	if err != nil || msg == nil {
		return // RFC 3261 §18.3: a malformed datagram is discarded
	}
	p.dispatch(msg, pe)
}

// handleStream feeds stream bytes to the connection's parser and dispatches
// every complete message. It reports false when the stream cannot be
// resynchronised and the connection should be dropped.
func (p *PBX) handleStream(stream *sip.ParserStream, data []byte, pe *peer) bool {
	_, _ = stream.Write(data)
	for {
		// Skip CRLF keep-alives between messages; answer the double-CRLF
		// ping with a single CRLF pong (RFC 5626 §3.5.1).
		buf := stream.Buffer()
		if buf.Len() == 0 {
			return true
		}
		if bytes.HasPrefix(buf.Bytes(), []byte("\r\n\r\n")) {
			stream.Discard(4)
			_ = pe.write([]byte("\r\n"))
			continue
		}
		if bytes.HasPrefix(buf.Bytes(), []byte("\r\n")) {
			stream.Discard(2)
			continue
		}
		msg, _, err := stream.ParseNext()
		switch {
		case errors.Is(err, io.ErrUnexpectedEOF):
			return true
		case err != nil || msg == nil:
			return false
		}
		p.dispatch(msg, pe)
	}
}

func (p *PBX) dispatch(msg sip.Message, pe *peer) {
	switch m := msg.(type) {
	case *sip.Response:
		p.uacResponse(m)
	case *sip.Request:
		p.request(m, pe)
	}
}

// wellFormed checks the headers every handler relies on (RFC 3261 §8.1.1).
func wellFormed(req *sip.Request) bool {
	return req.Via() != nil && req.From() != nil && req.To() != nil &&
		req.CallID() != nil && req.CSeq() != nil &&
		strings.EqualFold(string(req.CSeq().MethodName), string(req.Method))
}

// txKey identifies a server transaction (RFC 3261 §17.2.3): the top Via
// branch and the method, so a CANCEL and its INVITE differ.
func txKey(req *sip.Request) string {
	branch, _ := req.Via().Params.Get("branch")
	if branch == "" {
		branch = req.CallID().Value() + "|" + strconv.FormatUint(uint64(req.CSeq().SeqNo), 10)
	}
	return branch + "|" + string(req.Method)
}

func hasAuth(req *sip.Request) bool {
	return req.GetHeader("Authorization") != nil || req.GetHeader("Proxy-Authorization") != nil
}

func (p *PBX) request(req *sip.Request, pe *peer) {
	if pe.remote != nil {
		req.SetSource(pe.remote.String())
	}
	req.SetTransport(strings.ToUpper(pe.transport))
	if !wellFormed(req) {
		if req.Via() != nil && req.CSeq() != nil && req.CallID() != nil {
			tx := p.newServerTx(req, pe, faultSpec{})
			tx.send(tx.response(400, "Bad Request"))
		}
		return
	}
	method := string(req.Method)
	ip := pe.ip()
	key := txKey(req)
	rec := RequestRecord{
		Method:    method,
		Time:      time.Now(),
		HasAuth:   hasAuth(req),
		Transport: pe.transport,
		Source:    req.Source(),
		CallID:    req.CallID().Value(),
		CSeq:      req.CSeq().SeqNo,
	}

	p.mu.Lock()
	banned := p.banned[ip]
	var old *serverTx
	if req.Method != sip.ACK {
		old = p.txs[key]
	}
	var f faultSpec
	if !banned && old == nil {
		f = pickFault(p.faultPool, method)
	}
	rec.Retransmission = old != nil
	rec.Ignored = banned || f.kind == kindSilence || f.kind == kindCloseTCP
	p.records = append(p.records, rec)
	p.mu.Unlock()

	switch {
	case banned:
		return
	case old != nil:
		old.resend()
		return
	}
	switch f.kind {
	case kindSilence:
		return
	case kindCloseTCP:
		if pe.hangup != nil {
			pe.hangup()
		}
		return
	case kindGarbage:
		_ = pe.write(garbage())
		return
	}

	tx := p.newServerTx(req, pe, f)
	if req.Method != sip.ACK {
		p.remember(key, tx)
	}
	if f.kind == kindReason {
		tx.sendFinal(tx.response(f.code, f.reason))
		return
	}
	switch req.Method {
	case sip.REGISTER:
		p.register(tx)
	case sip.OPTIONS:
		p.options(tx)
	case sip.INVITE:
		p.invite(tx)
	case sip.ACK:
		p.ack(req)
	case sip.CANCEL:
		p.cancelInvite(tx)
	case sip.BYE:
		p.bye(tx)
	case sip.UPDATE, sip.INFO:
		p.inDialog(tx)
	default:
		res := tx.response(405, "Method Not Allowed")
		res.AppendHeader(sip.NewHeader("Allow", allowed))
		tx.send(res)
	}
}

// remember stores a server transaction so a retransmitted request gets the
// same answer. Entries older than 64×T1 (Timer J/H) are pruned on the way.
func (p *PBX) remember(key string, tx *serverTx) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.txs[key] = tx
	if len(p.txs) < 256 {
		return
	}
	cutoff := time.Now().Add(-max(64*p.cfg.t1, 32*time.Second))
	for k, t := range p.txs {
		if t.created.Before(cutoff) {
			delete(p.txs, k)
		}
	}
	for k, t := range p.invites {
		if t.created.Before(cutoff) {
			delete(p.invites, k)
		}
	}
}

// options answers OPTIONS (RFC 3261 §11.2) with what this PBX supports;
// in-dialog OPTIONS are answered the same way without authentication.
func (p *PBX) options(tx *serverTx) {
	if _, inDialog := tx.req.To().Params.Get("tag"); !inDialog && p.cfg.optionsAuth {
		if _, ok := p.authenticate(tx); !ok {
			return
		}
	}
	res := tx.response(200, "OK")
	res.AppendHeader(sip.NewHeader("Allow", allowed))
	res.AppendHeader(sip.NewHeader("Accept", "application/sdp"))
	res.AppendHeader(sip.NewHeader("Accept-Language", "en"))
	tx.send(res)
}

// localContact is the Contact the PBX puts in its responses and requests.
func (p *PBX) localContact(pe *peer, user string) *sip.ContactHeader {
	host, port := "127.0.0.1", 0
	if a, ok := pe.local.(*net.TCPAddr); ok {
		port = a.Port
	} else if a, ok := pe.local.(*net.UDPAddr); ok {
		port = a.Port
	}
	u := sip.Uri{Scheme: "sip", User: user, Host: host, Port: port}
	if pe.transport != "udp" {
		u.UriParams = sip.NewParams()
		u.UriParams.Add("transport", pe.transport)
	}
	return &sip.ContactHeader{Address: u}
}
