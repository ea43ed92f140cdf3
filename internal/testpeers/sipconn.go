package testpeers

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// ErrMalformed is returned when a peer's reply is not a SIP response.
var ErrMalformed = errors.New("testpeers: malformed SIP response")

// SIPConn is a deliberately tiny SIP client over UDP, TCP or TLS. It exists
// so that harness tests and readiness checks do not depend on the sipprobe
// engine they are meant to test. It is not a SIP stack: one request at a
// time, no retransmissions, no dialogs.
type SIPConn struct {
	net.Conn
	transport string // "udp", "tcp" or "tls"
	r         *bufio.Reader
	cseq      int
	callID    string
	tag       string
}

// DialSIP connects to addr over transport ("udp", "tcp" or "tls"). For TLS,
// tlsConf must carry RootCAs/ServerName as the test needs.
func DialSIP(ctx context.Context, transport, addr string, tlsConf *tls.Config) (*SIPConn, error) {
	var d net.Dialer
	var conn net.Conn
	var err error
	switch transport {
	case "udp", "tcp":
		conn, err = d.DialContext(ctx, transport, addr)
	case "tls":
		td := tls.Dialer{NetDialer: &d, Config: tlsConf}
		conn, err = td.DialContext(ctx, "tcp", addr)
	default:
		return nil, fmt.Errorf("testpeers: unknown transport %q", transport)
	}
	if err != nil {
		return nil, err
	}
	return &SIPConn{Conn: conn, transport: transport, r: bufio.NewReaderSize(conn, 65535),
		callID: randHex(8) + "@sipprobe.test", tag: randHex(4)}, nil
}

// Request builds a request with the mandatory headers (RFC 3261 §8.1.1)
// from this connection's local address. Every call uses the connection's
// Call-ID and a new CSeq, so consecutive REGISTERs form one registration
// like a phone's would. extra are full header lines without CRLF.
func (c *SIPConn) Request(method, ruri, from string, extra ...string) string {
	c.cseq++
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s SIP/2.0\r\n", method, ruri)
	fmt.Fprintf(&b, "Via: SIP/2.0/%s %s;branch=z9hG4bK%s;rport\r\n", strings.ToUpper(c.transport), c.LocalAddr(), randHex(8))
	fmt.Fprintf(&b, "Max-Forwards: 70\r\nFrom: <%s>;tag=%s\r\n", from, c.tag)
	to := from
	if method != "REGISTER" {
		to = ruri
	}
	fmt.Fprintf(&b, "To: <%s>\r\nCall-ID: %s\r\nCSeq: %d %s\r\n", to, c.callID, c.cseq, method)
	for _, h := range extra {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("User-Agent: sipprobe-harness\r\nContent-Length: 0\r\n\r\n")
	return b.String()
}

// RoundTrip sends msg and returns the first final (non-1xx) response.
func (c *SIPConn) RoundTrip(msg string, timeout time.Duration) (*Response, error) {
	if err := c.SetDeadline(time.Now().Add(timeout)); err != nil {
		return nil, err
	}
	if _, err := io.WriteString(c.Conn, msg); err != nil {
		return nil, err
	}
	for {
		resp, err := c.ReadResponse()
		if err != nil || resp.Code >= 200 {
			return resp, err
		}
	}
}

// ReadResponse reads one response (honouring the deadline already set).
func (c *SIPConn) ReadResponse() (*Response, error) {
	if c.transport == "udp" {
		buf := make([]byte, 65535)
		n, err := c.Read(buf)
		if err != nil {
			return nil, err
		}
		return ParseResponse(buf[:n])
	}
	return readStream(c.r)
}

// readStream reads headers up to the blank line, then Content-Length bytes
// (RFC 3261 §18.3: Content-Length is mandatory on streams).
func readStream(r *bufio.Reader) (*Response, error) {
	var head []byte
	for {
		line, err := r.ReadBytes('\n')
		head = append(head, line...)
		if err != nil {
			return nil, err
		}
		if string(line) == "\r\n" && len(head) > 2 {
			break
		}
	}
	resp, err := ParseResponse(head)
	if err != nil {
		return nil, err
	}
	n, _ := strconv.Atoi(resp.Header("Content-Length"))
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, err
	}
	resp.Body = string(body)
	resp.Raw += resp.Body
	return resp, nil
}

// Response is a parsed SIP response.
type Response struct {
	Code    int
	Reason  string
	Headers textproto.MIMEHeader // keys canonicalised, compact forms expanded
	Body    string
	Raw     string
}

// Header returns the first value of the named header.
func (r *Response) Header(name string) string { return r.Headers.Get(name) }

// compact maps SIP compact header forms (RFC 3261 §7.3.3) to full names.
var compact = map[string]string{"v": "Via", "f": "From", "t": "To", "i": "Call-ID",
	"m": "Contact", "l": "Content-Length", "c": "Content-Type", "k": "Supported"}

// ParseResponse parses a whole response datagram or head.
func ParseResponse(b []byte) (*Response, error) {
	head, body, _ := strings.Cut(string(b), "\r\n\r\n")
	lines := strings.Split(head, "\r\n")
	proto, rest, ok := strings.Cut(lines[0], " ")
	if !ok || proto != "SIP/2.0" {
		return nil, fmt.Errorf("%w: status line %q", ErrMalformed, lines[0])
	}
	codeStr, reason, _ := strings.Cut(rest, " ")
	code, err := strconv.Atoi(codeStr)
	if err != nil {
		return nil, fmt.Errorf("%w: status code %q", ErrMalformed, codeStr)
	}
	resp := &Response{Code: code, Reason: reason, Headers: textproto.MIMEHeader{}, Body: body, Raw: string(b)}
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		name = strings.TrimSpace(name)
		if full, ok := compact[strings.ToLower(name)]; ok {
			name = full
		}
		resp.Headers.Add(name, strings.TrimSpace(value))
	}
	return resp, nil
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails on Linux
	return hex.EncodeToString(b)
}
