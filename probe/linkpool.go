package probe

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"sync"

	"github.com/emiago/sipgo/sip"
)

// poolReadBuffer is the receive buffer asked for a shared UDP socket.
const poolReadBuffer = 4 << 20

// ErrLinkPoolClosed is returned to a probe that asks a closed pool for a link.
var ErrLinkPoolClosed = errors.New("link pool closed")

// LinkPool lets the probes of a sweep share their transport: one sipgo user
// agent and one connected UDP socket per server address, transport, local
// address and User-Agent, instead of a socket, a user agent and a reader
// goroutine per probe. sipgo's transaction layer tells the concurrent
// client transactions apart by Via branch (RFC 3261 §17.1.3); the socket's
// recording goes to each probe by Call-ID, so each transcript holds exactly
// its own messages. The socket stays connected, so ICMP port unreachable
// still reaches the probes (DESIGN.md §4): every probe on the socket hears
// of it, as the port is unreachable for all of them.
//
// Only REGISTER and OPTIONS probes over UDP use the pool; INVITE and
// receive, which answer requests from the server within their dialogs,
// and TCP, TLS and WebSocket probes keep a connection of their own. The
// ban-safety rules are per probe and unchanged.
//
// The caller creates the pool, passes it to every probe.Run of the sweep
// with WithLinkPool, and closes it when the last of them has returned.
type LinkPool struct {
	mu     sync.Mutex
	links  map[poolKey]*pooledLink
	closed bool
}

type poolKey struct {
	transport, localAddr, userAgent string
	raddr                           netip.AddrPort
}

type pooledLink struct {
	l *link
	d *demux
}

// NewLinkPool returns an empty pool; links open on first use.
func NewLinkPool() *LinkPool { return &LinkPool{links: make(map[poolKey]*pooledLink)} }

// WithLinkPool has a REGISTER or OPTIONS probe over UDP use p's shared link
// to its server (see LinkPool); other probes ignore it.
func WithLinkPool(p *LinkPool) Option { return func(s *session) { s.pool = p } }

// Close closes every shared link and waits for their reader goroutines.
// Call it after the last probe using the pool has returned.
func (p *LinkPool) Close() error {
	p.mu.Lock()
	links := p.links
	p.links, p.closed = nil, true
	p.mu.Unlock()
	for _, pl := range links {
		pl.l.close()
	}
	return nil
}

// pooled reports whether a probe of kind over transport uses the pool.
func (p *LinkPool) pooled(kind Kind, transport string) bool {
	return p != nil && transport == "udp" && (kind == KindRegister || kind == KindOptions)
}

// acquire returns a probe's view of the shared link to raddr, opening it
// on first use (or again, if its socket has failed). Messages reach w once
// the probe sends a request with their Call-ID.
func (p *LinkPool) acquire(ctx context.Context, transport, localAddr string, raddr netip.AddrPort, userAgent string, w *wire) (*link, error) {
	key := poolKey{transport: transport, localAddr: localAddr, userAgent: userAgent, raddr: raddr}
	// Opening a UDP link takes well under a millisecond, so the probes
	// that arrive meanwhile simply wait for it under the lock.
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, ErrLinkPoolClosed
	}
	pl := p.links[key]
	if pl != nil && pl.dead() {
		pl.l.close()
		pl = nil
	}
	if pl == nil {
		d := newDemux()
		l, err := openLink(ctx, transport, localAddr, raddr, nil, wsDial{}, userAgent, d)
		if err != nil {
			delete(p.links, key)
			return nil, err
		}
		if u, ok := l.conn.(*udpTap); ok {
			// The answers to hundreds of probes can arrive in one burst.
			// The default receive buffer holds only a couple of hundred
			// small datagrams by the kernel's accounting; beyond that
			// they are dropped, and each lost answer costs a 500 ms
			// retransmission (RFC 3261 Timer A). The kernel caps the
			// size at net.core.rmem_max.
			_ = u.SetReadBuffer(poolReadBuffer)
		}
		pl = &pooledLink{l: l, d: d}
		p.links[key] = pl
	}
	s := pl.l
	return &link{
		transport: s.transport, laddr: s.laddr, raddr: s.raddr,
		ua: s.ua, client: s.client, conn: s.conn, served: s.served,
		share: &linkShare{d: pl.d, w: w},
	}, nil
}

// dead reports whether the shared socket's reader has stopped.
func (pl *pooledLink) dead() bool {
	select {
	case <-pl.l.served:
		return true
	default:
		return false
	}
}

// linkShare is one probe's part of a pooled link: the Call-IDs it sent,
// whose messages the demux routes to the probe's wire.
type linkShare struct {
	d     *demux
	w     *wire
	calls []string
}

// route binds req's Call-ID to the probe before req goes out, so that the
// recording of the send and of every answer lands in its transcript.
// Nil-safe: a link of its own has no share.
func (sh *linkShare) route(req *sip.Request) {
	if sh == nil {
		return
	}
	h := req.CallID()
	if h == nil {
		return
	}
	id := h.Value()
	if slices.Contains(sh.calls, id) {
		return
	}
	sh.calls = append(sh.calls, id)
	sh.d.bind(id, sh.w)
}

// release ends the probe's part: later messages of its Call-IDs (a late
// retransmission) go into no transcript.
func (sh *linkShare) release() {
	for _, id := range sh.calls {
		sh.d.unbind(id)
	}
	sh.calls = nil
}
