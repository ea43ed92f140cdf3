package probe

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"strconv"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/probe/transport"
)

// wsDial is where the HTTP upgrade of a ws/wss probe goes (RFC 6455 §4.1).
type wsDial struct {
	Host string // the Host header
	Path string // the request target
}

// upgradeWS opens SIP over WebSocket on c, which is already connected (and
// TLS for wss). On failure c is closed and the error says why.
func upgradeWS(ctx context.Context, c net.Conn, ws wsDial) (net.Conn, error) {
	wc, err := transport.Handshake(ctx, c, ws.Host, ws.Path)
	if err != nil {
		_ = c.Close()
		return nil, classifyWS(err, c.RemoteAddr().String(), ws.Path)
	}
	return wc, nil
}

// classifyWS names why the upgrade failed: the server's HTTP answer
// (catalog.OutcomeWebSocket), a close or reset before any answer
// (catalog.OutcomeClosed), or our own deadline.
func classifyWS(err error, addr, path string) *dialError {
	var ue *transport.UpgradeError
	switch {
	case errors.As(err, &ue):
		code := strconv.Itoa(ue.Status)
		de := &dialError{outcome: catalog.OutcomeWebSocket, wsFailure: ue.Kind,
			err: wrapNote("ws-upgrade-status", err, "addr", addr, "req", path, "code", code, "reason", ue.Reason)}
		if ue.Header != "" {
			de.err = wrapNote("ws-upgrade-header", err, "addr", addr, "req", path, "code", code, "what", ue.Header)
		}
		return de
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return classifyDial(err)
	}
	return &dialError{outcome: catalog.OutcomeClosed, err: wrapNote("ws-no-answer", err, "addr", addr, "req", path)}
}

// wsContactHost is the Contact host of a WebSocket client: a random name
// under .invalid (RFC 7118 §5.2), as the client has no address the server
// could connect to; requests reach it only over this connection.
func wsContactHost() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:]) + ".invalid"
}

// wsDial is the upgrade request of a ws/wss probe: the Host header names
// the target (not the address it resolved to) and the path is the URL's.
func (s *session) wsDial(res resolution) wsDial {
	if !isWS(res.Transport) {
		return wsDial{}
	}
	path := s.target.Path
	if path == "" {
		path = "/"
	}
	return wsDial{Host: wsHostHeader(res.Host, int(res.Addr.Port()), res.Transport), Path: path}
}

// wsContactNote says what a WebSocket binding is worth: the registrar can
// reach a contact under .invalid only over the connection that registered
// it (RFC 7118 §5.2), which is why --bind removes it before closing.
func wsContactNote(contact string) catalog.Note {
	return catalog.NewNote("ws-contact-lives-with-connection", "text", contact)
}
