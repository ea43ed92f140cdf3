package probe

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"

	"github.com/emiago/sipgo/sip"
)

// dialogIDs keep Call-ID, From tag and CSeq across the requests of one
// probe, as RFC 3261 §10.2 asks of a registering UA.
type dialogIDs struct {
	callID  string
	fromTag string
	cseq    uint32
}

func newDialogIDs() *dialogIDs {
	return &dialogIDs{callID: randHex(12), fromTag: randHex(6), cseq: uint32(1 + randInt(1000))}
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func randInt(n int) int {
	b := make([]byte, 2)
	_, _ = rand.Read(b)
	return (int(b[0])<<8 | int(b[1])) % n
}

// requestSpec is what differs between the requests a probe sends.
type requestSpec struct {
	method  sip.RequestMethod
	ruri    sip.Uri
	from    sip.Uri
	to      sip.Uri
	toTag   string
	contact *sip.ContactHeader
	expires *int
	body    []byte
	ctype   string
	extra   []sip.Header
}

// buildRequest builds a complete request. Via, Contact and From carry our
// real local address and the Via asks for rport (RFC 3581), so the server's
// answer tells us whether a NAT sits between us.
func (s *session) buildRequest(l *link, ids *dialogIDs, spec requestSpec) *sip.Request {
	req := sip.NewRequest(spec.method, spec.ruri)
	via := &sip.ViaHeader{
		ProtocolName: "SIP", ProtocolVersion: "2.0", Transport: l.viaTransport(),
		Host: l.laddr.Addr().String(), Port: int(l.laddr.Port()), Params: sip.NewParams(),
	}
	via.Params.Add("branch", sip.GenerateBranch())
	via.Params.Add("rport", "")
	req.AppendHeader(via)
	req.AppendHeader(sip.NewHeader("Max-Forwards", "70"))
	fromParams := sip.NewParams()
	fromParams.Add("tag", ids.fromTag)
	req.AppendHeader(&sip.FromHeader{Address: spec.from, Params: fromParams})
	toParams := sip.NewParams()
	if spec.toTag != "" {
		toParams.Add("tag", spec.toTag)
	}
	req.AppendHeader(&sip.ToHeader{Address: spec.to, Params: toParams})
	callID := sip.CallIDHeader(ids.callID)
	req.AppendHeader(&callID)
	ids.cseq++
	req.AppendHeader(&sip.CSeqHeader{SeqNo: ids.cseq, MethodName: spec.method})
	if spec.contact != nil {
		req.AppendHeader(spec.contact)
	}
	if spec.expires != nil {
		req.AppendHeader(sip.NewHeader("Expires", strconv.Itoa(*spec.expires)))
	}
	req.AppendHeader(sip.NewHeader("User-Agent", s.cfg.UserAgent))
	for _, h := range spec.extra {
		req.AppendHeader(h)
	}
	if len(spec.body) > 0 {
		req.AppendHeader(sip.NewHeader("Content-Type", spec.ctype))
	}
	req.SetBody(spec.body) // also sets Content-Length, required on streams
	if req.ContentLength() == nil {
		cl := sip.ContentLengthHeader(0)
		req.AppendHeader(&cl)
	}
	return req
}

// localURI is our own address as a SIP URI, for Contact headers.
func (l *link) localURI(user string) sip.Uri {
	u := sip.Uri{Scheme: "sip", User: user, Host: l.laddr.Addr().String(), Port: int(l.laddr.Port()), UriParams: sip.NewParams()}
	switch {
	case isWS(l.transport):
		// RFC 7118 §5.2: a host under .invalid and transport=ws, for
		// WS and WSS alike; the server reaches us only over this socket.
		u.Host, u.Port = l.wsHost, 0
		u.UriParams.Add("transport", "ws")
	case l.transport != "udp":
		u.UriParams.Add("transport", l.transport)
	}
	return u
}
