// Package transport holds the connection set-up sipprobe does itself rather
// than leaving it to sipgo, so that each failure can be named: here the
// WebSocket opening handshake of SIP over WebSocket (RFC 7118).
package transport

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha1" //nolint:gosec // RFC 6455 §4.2.2 fixes SHA-1 for Sec-WebSocket-Accept
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gobwas/ws"
)

// Upgrade failure kinds (UpgradeError.Kind).
const (
	// UpgradeStatus: the server answered with a status other than 101.
	UpgradeStatus = "status"
	// UpgradeNotFound: 404, the server has no WebSocket at that path.
	UpgradeNotFound = "not-found"
	// UpgradeNoSubprotocol: 101 without "Sec-WebSocket-Protocol: sip".
	UpgradeNoSubprotocol = "no-subprotocol"
	// UpgradeNoUpgrade: 101 without "Upgrade: websocket" or a valid
	// "Sec-WebSocket-Accept".
	UpgradeNoUpgrade = "no-upgrade"
)

// ErrUpgrade is wrapped by every UpgradeError.
var ErrUpgrade = errors.New("websocket upgrade refused")

// UpgradeError is an HTTP answer that did not open a SIP WebSocket.
type UpgradeError struct {
	Kind   string // Upgrade*
	Status int    // the HTTP status code
	Reason string // the HTTP reason phrase, as the server sent it
	// Header names the header that was missing or wrong, with the value
	// we needed ("Sec-WebSocket-Protocol: sip"); empty for a status refusal.
	Header string
}

func (e *UpgradeError) Error() string {
	if e.Header != "" {
		return fmt.Sprintf("%v: HTTP %d %s without %s", ErrUpgrade, e.Status, e.Reason, e.Header)
	}
	return fmt.Sprintf("%v: HTTP %d %s", ErrUpgrade, e.Status, e.Reason)
}

func (e *UpgradeError) Unwrap() error { return ErrUpgrade }

// Subprotocol is the WebSocket subprotocol of SIP (RFC 7118 §4).
const Subprotocol = "sip"

// DefaultPort is the port of a ws:// or wss:// URI without one (RFC 6455
// §3). RFC 7118 defines none of its own; Asterisk listens on 8088/8089 and
// Kamailio set-ups commonly on 80/443 or 8080/4443, so give the port.
func DefaultPort(secure bool) int {
	if secure {
		return 443
	}
	return 80
}

// Handshake performs the client's opening handshake (RFC 6455 §4.1) over c,
// asking for the sip subprotocol (RFC 7118 §4.1), and returns a connection
// that carries one SIP message per text frame (RFC 7118 §5.1): Write sends
// one masked frame per call, Read returns the frames' payloads in order.
// host is the Host header (host[:port]), path the request target.
func Handshake(ctx context.Context, c net.Conn, host, path string) (net.Conn, error) {
	if path == "" {
		path = "/"
	}
	var nonce [16]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return nil, err
	}
	key := base64.StdEncoding.EncodeToString(nonce[:])
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
		defer func() { _ = c.SetDeadline(time.Time{}) }()
	}
	stop := context.AfterFunc(ctx, func() { _ = c.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	req := "GET " + path + " HTTP/1.1\r\n" +
		"Host: " + host + "\r\n" +
		"Upgrade: websocket\r\n" +
		"Connection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + key + "\r\n" +
		"Sec-WebSocket-Version: 13\r\n" +
		"Sec-WebSocket-Protocol: " + Subprotocol + "\r\n\r\n"
	if _, err := io.WriteString(c, req); err != nil {
		return nil, ctxErr(ctx, err)
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodGet, URL: &url.URL{Path: path}})
	if err != nil {
		return nil, ctxErr(ctx, err)
	}
	_ = resp.Body.Close()
	if err := checkAnswer(resp, key); err != nil {
		return nil, err
	}
	return &Conn{Conn: c, r: br}, nil
}

// ctxErr reports the context's error when it ended the exchange, so a
// deadline reads as a timeout, not as an I/O error.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("websocket handshake: %w", ctx.Err())
	}
	return fmt.Errorf("websocket handshake: %w", err)
}

// checkAnswer applies RFC 6455 §4.1's checks of the server's answer, and
// RFC 7118 §4.1's: the server must accept the sip subprotocol.
func checkAnswer(resp *http.Response, key string) error {
	reason := strings.TrimSpace(strings.TrimPrefix(resp.Status, fmt.Sprint(resp.StatusCode)))
	e := &UpgradeError{Kind: UpgradeStatus, Status: resp.StatusCode, Reason: reason}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		e.Kind = UpgradeNotFound
		return e
	case resp.StatusCode != http.StatusSwitchingProtocols:
		return e
	case !strings.EqualFold(resp.Header.Get("Upgrade"), "websocket"):
		e.Kind, e.Header = UpgradeNoUpgrade, "Upgrade: websocket"
		return e
	case resp.Header.Get("Sec-WebSocket-Accept") != acceptOf(key):
		e.Kind, e.Header = UpgradeNoUpgrade, "Sec-WebSocket-Accept"
		return e
	case !strings.EqualFold(strings.TrimSpace(resp.Header.Get("Sec-WebSocket-Protocol")), Subprotocol):
		e.Kind, e.Header = UpgradeNoSubprotocol, "Sec-WebSocket-Protocol: "+Subprotocol
		return e
	}
	return nil
}

// acceptOf is the Sec-WebSocket-Accept a server must answer to key.
func acceptOf(key string) string {
	h := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")) //nolint:gosec // RFC 6455 §4.2.2
	return base64.StdEncoding.EncodeToString(h[:])
}

// Conn is an open SIP WebSocket, client side. It looks like a stream to
// the SIP stack above: each SIP message is one frame (RFC 7118 §5.1).
type Conn struct {
	net.Conn
	r       *bufio.Reader // holds what the handshake read past the answer
	pending []byte        // the rest of a frame a short Read left
	partial []byte        // fragments of a message not yet complete
	wmu     sync.Mutex    // sipgo's writes and our pong answers
}

// Read returns the payload of the next data frame. Pings are answered,
// fragments joined, and a close frame ends the stream with io.EOF.
func (c *Conn) Read(b []byte) (int, error) {
	for len(c.pending) == 0 {
		f, err := ws.ReadFrame(c.r)
		if err != nil {
			return 0, err
		}
		if f.Header.Masked {
			ws.Cipher(f.Payload, f.Header.Mask, 0)
		}
		switch f.Header.OpCode {
		case ws.OpText, ws.OpBinary, ws.OpContinuation:
			c.partial = append(c.partial, f.Payload...)
			if f.Header.Fin {
				c.pending, c.partial = c.partial, nil
			}
		case ws.OpPing:
			if err := c.writeFrame(ws.OpPong, f.Payload); err != nil {
				return 0, err
			}
		case ws.OpClose:
			// RFC 6455 §5.5.1: answer the close, then the stream ends.
			_ = c.writeFrame(ws.OpClose, nil)
			return 0, io.EOF
		}
	}
	n := copy(b, c.pending)
	c.pending = c.pending[n:]
	return n, nil
}

// Write sends b as one text frame (RFC 7118 §5.1: SIP is UTF-8 text).
func (c *Conn) Write(b []byte) (int, error) {
	if err := c.writeFrame(ws.OpText, b); err != nil {
		return 0, err
	}
	return len(b), nil
}

// Close sends a close frame (RFC 6455 §5.5.1), best effort, then closes.
func (c *Conn) Close() error {
	_ = c.Conn.SetWriteDeadline(time.Now().Add(200 * time.Millisecond))
	_ = c.writeFrame(ws.OpClose, ws.NewCloseFrameBody(ws.StatusNormalClosure, ""))
	return c.Conn.Close()
}

// writeFrame writes one masked frame (RFC 6455 §5.3: a client masks) in a
// single write, so a pong never lands inside a SIP message's frame.
func (c *Conn) writeFrame(op ws.OpCode, payload []byte) error {
	var buf bytes.Buffer
	f := ws.MaskFrameInPlace(ws.NewFrame(op, true, append([]byte(nil), payload...)))
	if err := ws.WriteFrame(&buf, f); err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, err := c.Conn.Write(buf.Bytes())
	return err
}
