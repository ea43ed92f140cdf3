package testpbx

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/icholy/digest"
)

// startPBX starts a PBX on loopback and closes it when the test ends.
func startPBX(t *testing.T, opts ...Option) *PBX {
	t.Helper()
	p, err := New(opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := p.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// rawClient speaks SIP over a plain socket so tests see exactly what the PBX
// puts on the wire, faults included.
type rawClient struct {
	t         *testing.T
	transport string
	conn      net.Conn
	stream    *sip.ParserStream
}

func dialRaw(t *testing.T, p *PBX, transport string) *rawClient {
	t.Helper()
	var c net.Conn
	var err error
	if transport == "tls" {
		// The test PBX's certificate is self-signed; the handshake is what
		// is under test here, not verification.
		c, err = tls.Dial("tcp", p.Addr("tls"), &tls.Config{InsecureSkipVerify: true}) //nolint:gosec
	} else {
		c, err = net.Dial(transport, p.Addr(transport))
	}
	if err != nil {
		t.Fatalf("dial %s: %v", transport, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return &rawClient{t: t, transport: transport, conn: c, stream: sip.NewParser().NewSIPStream()}
}

func (c *rawClient) local() (string, int) {
	host, port, _ := net.SplitHostPort(c.conn.LocalAddr().String())
	n, _ := strconv.Atoi(port)
	return host, n
}

func (c *rawClient) send(req *sip.Request) {
	c.t.Helper()
	c.sendBytes([]byte(req.String()))
}

func (c *rawClient) sendBytes(b []byte) {
	c.t.Helper()
	if _, err := c.conn.Write(b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// readRaw returns the next datagram (UDP) or whatever bytes arrive (TCP),
// or nil on timeout.
func (c *rawClient) readRaw(d time.Duration) []byte {
	_ = c.conn.SetReadDeadline(time.Now().Add(d))
	buf := make([]byte, 65535)
	n, err := c.conn.Read(buf)
	if err != nil {
		return nil
	}
	return buf[:n]
}

// readMsg returns the next SIP message, or nil on timeout or unparsable data.
func (c *rawClient) readMsg(d time.Duration) sip.Message {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if c.transport == "udp" {
			b := c.readRaw(time.Until(deadline))
			if b == nil {
				return nil
			}
			m, err := sip.ParseMessage(b)
			if err != nil {
				return nil
			}
			return m
		}
		if m, _, err := c.stream.ParseNext(); err == nil {
			return m
		}
		b := c.readRaw(time.Until(deadline))
		if b == nil {
			return nil
		}
		_, _ = c.stream.Write(b)
	}
	return nil
}

// readResponse skips requests and returns the next response, or fails.
func (c *rawClient) readResponse(d time.Duration) *sip.Response {
	c.t.Helper()
	deadline := time.Now().Add(d)
	for {
		m := c.readMsg(time.Until(deadline))
		if m == nil {
			c.t.Fatalf("no response within %v", d)
		}
		if res, ok := m.(*sip.Response); ok {
			return res
		}
	}
}

// finalResponse skips provisional responses.
func (c *rawClient) finalResponse(d time.Duration) *sip.Response {
	c.t.Helper()
	for {
		res := c.readResponse(d)
		if res.StatusCode >= 200 {
			return res
		}
	}
}

// finalTo is the next final response to method: with the short T1 of these
// tests, a retransmitted 2xx to the INVITE may come first on a busy
// machine (the PBX sent it before our ACK arrived), and is skipped.
func (c *rawClient) finalTo(method sip.RequestMethod, d time.Duration) *sip.Response {
	c.t.Helper()
	for {
		if res := c.finalResponse(d); res.CSeq() != nil && res.CSeq().MethodName == method {
			return res
		}
	}
}

// newRequest builds a request from user to ruriUser at the PBX, as a phone
// at the client's address would.
func (c *rawClient) newRequest(method sip.RequestMethod, user, ruriUser string, p *PBX) *sip.Request {
	host, port := c.local()
	phost, pport, _ := net.SplitHostPort(p.Addr(c.transport))
	pp, _ := strconv.Atoi(pport)
	req := sip.NewRequest(method, sip.Uri{Scheme: "sip", User: ruriUser, Host: phost, Port: pp})
	via := &sip.ViaHeader{ProtocolName: "SIP", ProtocolVersion: "2.0", Transport: strings.ToUpper(c.transport), Host: host, Port: port, Params: sip.NewParams()}
	via.Params.Add("branch", sip.GenerateBranch())
	via.Params.Add("rport", "")
	req.AppendHeader(via)
	from := &sip.FromHeader{Address: sip.Uri{Scheme: "sip", User: user, Host: phost}, Params: sip.NewParams()}
	from.Params.Add("tag", sip.GenerateTagN(8))
	req.AppendHeader(from)
	toUser := ruriUser
	if method == sip.REGISTER {
		toUser = user
	}
	req.AppendHeader(&sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: toUser, Host: phost}, Params: sip.NewParams()})
	callID := sip.CallIDHeader(sip.GenerateTagN(16))
	req.AppendHeader(&callID)
	req.AppendHeader(&sip.CSeqHeader{SeqNo: 1, MethodName: method})
	mf := sip.MaxForwardsHeader(70)
	req.AppendHeader(&mf)
	req.SetBody(nil)
	return req
}

// contact adds a Contact for the client's own address.
func (c *rawClient) contact(req *sip.Request, user string, params ...string) {
	host, port := c.local()
	v := fmt.Sprintf("<sip:%s@%s:%d>", user, host, port)
	for _, p := range params {
		v += ";" + p
	}
	var h sip.ContactHeader
	if _, err := sip.ParseAddressValue(v, &h.Address, &h.Params); err != nil {
		c.t.Fatalf("contact %q: %v", v, err)
	}
	req.AppendHeader(&h)
}

// authorize answers a challenge: a copy of req with a new branch, the next
// CSeq and the digest credentials for user/password.
func authorize(t *testing.T, req *sip.Request, chal *sip.Response, user, password string) *sip.Request {
	t.Helper()
	name, header := "WWW-Authenticate", "Authorization"
	if chal.StatusCode == 407 {
		name, header = "Proxy-Authenticate", "Proxy-Authorization"
	}
	h := chal.GetHeader(name)
	if h == nil {
		t.Fatalf("%d without %s", chal.StatusCode, name)
	}
	ch, err := digest.ParseChallenge(h.Value())
	if err != nil {
		t.Fatalf("parse challenge: %v", err)
	}
	cred, err := digest.Digest(ch, digest.Options{Method: string(req.Method), URI: req.Recipient.Addr(), Username: user, Password: password})
	if err != nil {
		t.Fatalf("digest: %v", err)
	}
	next := req.Clone()
	next.RemoveHeader("Authorization")
	next.RemoveHeader("Proxy-Authorization")
	next.AppendHeader(sip.NewHeader(header, cred.String()))
	next.CSeq().SeqNo++
	next.Via().Params.Add("branch", sip.GenerateBranch())
	return next
}

// do sends req and returns the final response; with a password it answers
// one challenge, as a well-behaved client does.
func (c *rawClient) do(req *sip.Request, user, password string) *sip.Response {
	c.t.Helper()
	c.send(req)
	res := c.finalResponse(2 * time.Second)
	if (res.StatusCode == 401 || res.StatusCode == 407) && password != "" {
		if req.Method == sip.INVITE {
			c.ackNon2xx(req, res)
		}
		next := authorize(c.t, req, res, user, password)
		*req = *next
		c.send(req)
		res = c.finalResponse(2 * time.Second)
	}
	return res
}

// dialogReq builds a request that follows an INVITE: ACK, CANCEL or an
// in-dialog request. to is the To header to use (with the PBX's tag once it
// answered); newBranch is false only for CANCEL and the non-2xx ACK, which
// belong to the INVITE's transaction (RFC 3261 §9.1, §17.1.1.3).
func dialogReq(method sip.RequestMethod, inv *sip.Request, to *sip.ToHeader, seq uint32, newBranch bool) *sip.Request {
	r := sip.NewRequest(method, inv.Recipient)
	via := inv.Via().Clone()
	if newBranch {
		via.Params.Add("branch", sip.GenerateBranch())
	}
	r.AppendHeader(via)
	r.AppendHeader(inv.From())
	r.AppendHeader(to)
	callID := *inv.CallID()
	r.AppendHeader(&callID)
	r.AppendHeader(&sip.CSeqHeader{SeqNo: seq, MethodName: method})
	r.SetBody(nil)
	return r
}

// ackNon2xx acknowledges a failure response to an INVITE (RFC 3261 §17.1.1.3).
func (c *rawClient) ackNon2xx(inv *sip.Request, res *sip.Response) {
	c.send(dialogReq(sip.ACK, inv, res.To(), inv.CSeq().SeqNo, false))
}

// ack2xx acknowledges a 2xx: a new transaction, same CSeq number (§13.2.2.4).
func (c *rawClient) ack2xx(inv *sip.Request, res *sip.Response) {
	c.send(dialogReq(sip.ACK, inv, res.To(), inv.CSeq().SeqNo, true))
}

// sipgoClient returns a sipgo client bound to loopback.
func sipgoClient(t *testing.T) *sipgo.Client {
	t.Helper()
	// sipgo logs per UA through these options; the package-level logger is
	// left alone (the probe engine owns it).
	quiet := slog.New(slog.DiscardHandler)
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("pbxtest"),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(quiet)),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerLogger(quiet)))
	if err != nil {
		t.Fatal(err)
	}
	cl, err := sipgo.NewClient(ua, sipgo.WithClientHostname("127.0.0.1"), sipgo.WithClientLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cl.Close(); _ = ua.Close() })
	return cl
}

func pbxURI(t *testing.T, p *PBX, transport, user string) sip.Uri {
	t.Helper()
	host, port, _ := net.SplitHostPort(p.Addr(transport))
	n, _ := strconv.Atoi(port)
	u := sip.Uri{Scheme: "sip", User: user, Host: host, Port: n, UriParams: sip.NewParams()}
	u.UriParams.Add("transport", transport)
	return u
}

func countAuth(recs []RequestRecord, method string) (plain, auth int) {
	for _, r := range recs {
		if r.Method != method || r.Retransmission {
			continue
		}
		if r.HasAuth {
			auth++
		} else {
			plain++
		}
	}
	return plain, auth
}
