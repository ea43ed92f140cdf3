package probe

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/probe/transport"
)

// link is one probe's connection to the server with a sipgo user agent on
// top of it. sipgo never dials: we give it the socket we opened.
type link struct {
	transport string
	laddr     netip.AddrPort
	raddr     netip.AddrPort
	ua        *sipgo.UserAgent
	client    *sipgo.Client
	conn      net.Conn
	listener  *oneConnListener
	served    chan struct{}
	tls       *tls.ConnectionState
	connected time.Duration // TCP connect plus TLS handshake (and WebSocket upgrade); 0 for UDP
	// wsHost is our Contact host over WebSocket (RFC 7118 §5.2).
	wsHost string
	// inbound handles requests the server sends us (see dispatch).
	inbound atomic.Pointer[requestHandler]
	// share is set on one probe's view of a pooled link (see LinkPool).
	share *linkShare
}

// poolYield bounds how long openLink yields to sipgo's serving goroutine
// (typically 50 µs: another thread wakes up for it) before it falls back
// to sleeping, for a machine too busy to run it soon.
const poolYield = 2 * time.Millisecond

// requestHandler answers one request the server sent on this link; sipgo
// made a server transaction for it.
type requestHandler func(req *sip.Request, tx sip.ServerTransaction)

func openLink(ctx context.Context, transport, localAddr string, raddr netip.AddrPort, tlsConf *tls.Config, ws wsDial, userAgent string, w recorder) (*link, error) {
	configureSIPGo()
	dialStart := time.Now()
	c, err := dial(ctx, transport, localAddr, raddr, tlsConf, ws)
	if err != nil {
		return nil, err
	}
	l := &link{transport: transport, raddr: raddr, served: make(chan struct{})}
	if transport != "udp" {
		l.connected = time.Since(dialStart)
	}
	l.laddr, _ = netip.ParseAddrPort(c.LocalAddr().String())
	l.laddr = netip.AddrPortFrom(l.laddr.Addr().Unmap(), l.laddr.Port())
	if isWS(transport) {
		l.wsHost = wsContactHost()
	}
	if tc, ok := underlying(c).(*tls.Conn); ok {
		st := tc.ConnectionState()
		l.tls = &st
	}
	uaOpts := []sipgo.UserAgentOption{sipgo.WithUserAgent(userAgent)}
	var utap *udpTap
	if transport == "udp" {
		utap = newUDPTap(c.(*net.UDPConn), w)
		uaOpts = append(uaOpts, sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(slog.New(parseFailures{utap}))))
	}
	ua, err := sipgo.NewUA(uaOpts...)
	if err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("sipgo user agent: %w", err)
	}
	l.ua = ua
	// Requests from the server (a PBX's in-dialog BYE, OPTIONS, re-INVITE or
	// UPDATE during a test call) reach sipgo's transaction layer, which
	// hands each new server transaction to one handler. We install it here
	// instead of using sipgo.Server, whose handlers are fixed per UA.
	ua.TransactionLayer().OnRequest(l.dispatch)
	l.client, err = sipgo.NewClient(ua)
	if err != nil {
		_ = c.Close()
		_ = ua.Close()
		return nil, fmt.Errorf("sipgo client: %w", err)
	}
	tp := ua.TransportLayer()
	poolKey := l.laddr.String()
	network := l.sipNetwork()
	switch transport {
	case "udp":
		l.conn = utap
		go func() { defer close(l.served); _ = tp.ServeUDP(utap) }()
	default:
		tap := newStreamTap(c, transport, w)
		l.conn = tap
		l.listener = newOneConnListener(tap)
		// A WebSocket is framed by our transport.Conn, so sipgo reads
		// it as a TCP stream of SIP messages.
		serve := tp.ServeTCP
		if transport == "tls" {
			serve = tp.ServeTLS
		}
		go func() { defer close(l.served); _ = serve(l.listener) }()
		poolKey = raddr.String()
	}
	// sipgo registers the connection in its pool from the serving goroutine;
	// a request sent before that would make it open a socket of its own.
	// Over UDP it does so just before its first read, which the tap
	// reports, so a probe need not poll (and sleep) for it.
	if tap, ok := l.conn.(*udpTap); ok {
		wait := time.NewTimer(time.Second)
		select {
		case <-tap.reading:
		case <-l.served:
		case <-wait.C:
		}
		wait.Stop()
	}
	// Otherwise the goroutine registers it as soon as it runs, so yield to it first:
	// a timer sleep lasts a millisecond or more (issue 13: a tenth of a
	// single check).
	start := time.Now()
	for deadline := start.Add(time.Second); ; {
		if _, err := tp.GetConnection(network, poolKey); err == nil {
			break
		}
		if time.Now().After(deadline) {
			l.close()
			return nil, fmt.Errorf("sipgo did not take the %s connection", transport)
		}
		if time.Since(start) < poolYield {
			runtime.Gosched()
			continue
		}
		time.Sleep(200 * time.Microsecond)
	}
	return l, nil
}

// send starts a client transaction for req over this link.
func (l *link) send(ctx context.Context, req *sip.Request) (sip.ClientTransaction, error) {
	l.share.route(req)
	req.SetTransport(l.sipNetwork())
	req.SetDestination(l.raddr.String())
	req.Laddr = sip.Addr{IP: net.IP(l.laddr.Addr().AsSlice()), Port: int(l.laddr.Port())}
	// The request is complete; the no-op option stops sipgo adding headers.
	return l.client.TransactionRequest(ctx, req, func(*sipgo.Client, *sip.Request) error { return nil })
}

// write sends a request outside a transaction (ACK).
func (l *link) write(req *sip.Request) error {
	l.share.route(req)
	req.SetTransport(l.sipNetwork())
	req.SetDestination(l.raddr.String())
	req.Laddr = sip.Addr{IP: net.IP(l.laddr.Addr().AsSlice()), Port: int(l.laddr.Port())}
	return l.client.WriteRequest(req, func(*sipgo.Client, *sip.Request) error { return nil })
}

// onRequest installs h for requests arriving from the server; nil restores
// the default answer.
func (l *link) onRequest(h requestHandler) {
	if h == nil {
		l.inbound.Store(nil)
		return
	}
	l.inbound.Store(&h)
}

// dispatch is sipgo's request handler. Without a probe's handler a request
// matches no dialog of ours: 481 (RFC 3261 §12.2.2); an ACK gets no answer
// (RFC 3261 §17.2.3). The transaction is released afterwards, as sipgo's
// own Server does, so none outlives the probe.
func (l *link) dispatch(req *sip.Request, tx *sip.ServerTx) {
	defer tx.TerminateGracefully()
	if h := l.inbound.Load(); h != nil {
		(*h)(req, tx)
		return
	}
	if req.IsAck() {
		return
	}
	_ = tx.Respond(sip.NewResponseFromRequest(req, 481, "Call/Transaction Does Not Exist", nil))
}

// close stops sipgo and the socket and waits for the reader goroutine.
func (l *link) close() {
	if l.share != nil {
		l.share.release() // the pool closes the shared link
		return
	}
	if st, ok := l.conn.(*streamTap); ok {
		st.closing.Store(true)
	}
	_ = l.ua.Close()
	_ = l.conn.Close()
	if l.listener != nil {
		_ = l.listener.Close()
	}
	select {
	case <-l.served:
	case <-time.After(2 * time.Second):
	}
}

// viaTransport is the Via transport token.
func (l *link) viaTransport() string { return strings.ToUpper(l.transport) }

// sipNetwork is the sipgo transport the link's connection is served by:
// WebSocket framing is ours, so sipgo sees a TCP stream.
func (l *link) sipNetwork() string {
	if isWS(l.transport) {
		return "TCP"
	}
	return strings.ToUpper(l.transport)
}

// underlying is the connection under a WebSocket, for its TLS state.
func underlying(c net.Conn) net.Conn {
	if wc, ok := c.(*transport.Conn); ok {
		return wc.Conn
	}
	return c
}
