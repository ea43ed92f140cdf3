// Package testpbx is a fault-injecting SIP PBX for tests and for
// `sipprobe demo`: a registrar with digest authentication, an INVITE
// answerer with scripted extension behaviours, and wire-level faults
// (silence, garbage, truncated or Via-less responses, dropped TCP
// connections) that real servers do not produce on demand.
//
// It reads and writes raw sockets itself and uses sipgo only to parse and
// build messages, so that any byte sequence can be put on the wire. It never
// touches sipgo's package-level timers, tracer or logger.
package testpbx

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"

	"github.com/emiago/sipgo/sip"
)

// PBX is a loopback SIP server. Create it with New, then Start it; Close
// stops every goroutine and socket it owns.
type PBX struct {
	cfg    config
	parser *sip.Parser

	// ctx is cancelled by Close; every goroutine selects on it.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu        sync.Mutex
	started   bool
	closed    bool
	stopWatch func() bool
	udp       *net.UDPConn
	tcp       net.Listener
	tls       net.Listener
	closers   map[io.Closer]struct{} // TCP conns and media sockets to close on Close
	records   []RequestRecord
	bindings  map[string][]binding // by account user
	nonces    map[string]struct{}
	stale     map[string]bool // accounts already sent their stale=true
	failures  map[string]int  // failed auth attempts by IP
	banned    map[string]bool
	txs       map[string]*serverTx // server transactions by branch|method
	invites   map[string]*serverTx // INVITE transactions by Call-ID|CSeq, for ACK
	calls     map[string]*call     // dialogs by Call-ID|our tag
	uacs      map[string]*uacTx
	faultPool []faultRule
}

// New builds a PBX from options. It does not open sockets; Start does.
func New(opts ...Option) (*PBX, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if o == nil {
			return nil, invalid("nil option")
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &PBX{
		cfg:       cfg,
		parser:    sip.NewParser(),
		ctx:       ctx,
		cancel:    cancel,
		closers:   map[io.Closer]struct{}{},
		bindings:  map[string][]binding{},
		nonces:    map[string]struct{}{},
		stale:     map[string]bool{},
		failures:  map[string]int{},
		banned:    map[string]bool{},
		txs:       map[string]*serverTx{},
		invites:   map[string]*serverTx{},
		calls:     map[string]*call{},
		uacs:      map[string]*uacTx{},
		faultPool: cfg.faults,
	}
	return p, nil
}

// Start listens on 127.0.0.1: UDP and TCP on one free port number, and TLS
// on another when WithTLS was given. Cancelling ctx closes the PBX.
func (p *PBX) Start(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.closed:
		return ErrClosed
	case p.started:
		return ErrStarted
	}
	if err := p.listen(); err != nil {
		return err
	}
	p.started = true
	p.stopWatch = context.AfterFunc(ctx, func() { _ = p.Close() })
	p.goLocked(p.serveUDP)
	p.goLocked(func() { p.serveStream(p.tcp, "tcp") })
	if p.tls != nil {
		p.goLocked(func() { p.serveStream(p.tls, "tls") })
	}
	return nil
}

// Addr returns the host:port the PBX listens on for "udp", "tcp" or "tls",
// or "" when it does not listen on that transport.
func (p *PBX) Addr(transport string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch strings.ToLower(transport) {
	case "udp":
		if p.udp != nil {
			return p.udp.LocalAddr().String()
		}
	case "tcp":
		if p.tcp != nil {
			return p.tcp.Addr().String()
		}
	case "tls":
		if p.tls != nil {
			return p.tls.Addr().String()
		}
	}
	return ""
}

// Close stops the PBX and waits until every goroutine it started has
// returned. Calls in progress are dropped without BYE. It is safe to call
// more than once.
func (p *PBX) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	if p.stopWatch != nil {
		p.stopWatch()
	}
	p.cancel()
	var closers []io.Closer
	if p.udp != nil {
		closers = append(closers, p.udp)
	}
	for _, l := range []net.Listener{p.tcp, p.tls} {
		if l != nil {
			closers = append(closers, l)
		}
	}
	for c := range p.closers {
		closers = append(closers, c)
	}
	p.mu.Unlock()
	for _, c := range closers {
		_ = c.Close()
	}
	p.wg.Wait()
	return nil
}

// goLocked runs f in a goroutine that Close waits for. Caller holds p.mu.
// It reports false, without running f, once the PBX is closed.
func (p *PBX) goLocked(f func()) bool {
	if p.closed {
		return false
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		f()
	}()
	return true
}

// spawn is goLocked for callers that do not hold p.mu.
func (p *PBX) spawn(f func()) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.goLocked(f)
}

// track registers a socket for Close; it reports false (and the caller must
// close c itself) when the PBX is already closed.
func (p *PBX) track(c io.Closer) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.closers[c] = struct{}{}
	return true
}

func (p *PBX) untrack(c io.Closer) {
	p.mu.Lock()
	delete(p.closers, c)
	p.mu.Unlock()
}

func (p *PBX) String() string {
	return fmt.Sprintf("testpbx udp=%s tcp=%s tls=%s", p.Addr("udp"), p.Addr("tcp"), p.Addr("tls"))
}
