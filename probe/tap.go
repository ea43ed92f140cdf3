package probe

import (
	"errors"
	"io"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
)

// udpTap lets sipgo use our *connected* UDP socket as its listener. A
// connected socket is what makes the kernel report ICMP port unreachable
// (ECONNREFUSED on the next read); sipgo's own unconnected socket never
// does (DESIGN.md §4).
type udpTap struct {
	*net.UDPConn
	w       recorder
	local   string
	remote  string
	server  netip.Addr
	localIP netip.Addr

	icmpMu   sync.Mutex
	lastICMP *icmpReport // the newest report drained from the error queue

	// reading is closed when sipgo first reads: it has pooled the socket
	// by then, so a request can go out on it (see openLink).
	reading     chan struct{}
	readingOnce sync.Once

	scan lastScan // for sipgo's parse that follows each read (parseFailures)
}

func newUDPTap(c *net.UDPConn, w recorder) *udpTap {
	u := &udpTap{UDPConn: c, w: w, local: c.LocalAddr().String(), remote: c.RemoteAddr().String(), reading: make(chan struct{})}
	if a, ok := c.RemoteAddr().(*net.UDPAddr); ok {
		u.server = a.AddrPort().Addr().Unmap()
	}
	if a, ok := c.LocalAddr().(*net.UDPAddr); ok {
		u.localIP = a.AddrPort().Addr().Unmap()
	}
	return u
}

func (u *udpTap) ReadFrom(b []byte) (int, net.Addr, error) {
	u.readingOnce.Do(func() { close(u.reading) })
	for {
		n, err := u.UDPConn.Read(b)
		if err != nil {
			// An ICMP error is news for the transaction, not the end of
			// the socket: keep reading so a later answer still arrives.
			if errno, ok := icmpErrno(err); ok {
				u.icmp(errno, false)
				continue
			}
			return 0, nil, err
		}
		u.scan.set(u.w.inboundScan("udp", u.local, u.remote, b[:n]))
		return n, u.UDPConn.RemoteAddr(), nil
	}
}

// WriteTo ignores addr: the socket talks to one server only.
func (u *udpTap) WriteTo(b []byte, _ net.Addr) (int, error) {
	at := time.Now()
	n, err := u.UDPConn.Write(b)
	if err != nil {
		if errno, ok := icmpErrno(err); ok {
			// Either an earlier ICMP error reported on this send, or
			// this machine refused to send (no route, own firewall).
			u.icmp(errno, true)
		}
		return n, err
	}
	u.w.record(at, "out", "udp", u.local, u.remote, b[:n])
	return n, nil
}

// icmp records what the kernel reported, with the ICMP details when the
// error queue has them.
func (u *udpTap) icmp(errno syscall.Errno, onSend bool) {
	rep := u.report(errno, onSend)
	kind, port, ignore := rep.unreachKind()
	switch {
	case ignore:
	case port && (!rep.from.IsValid() || rep.from == u.server):
		u.w.addFault(faultUnreachable, catalog.NewNote("icmp-port-unreachable", "from", u.remote))
	case port && rep.from == u.localIP:
		// iptables -A OUTPUT ... -j REJECT answers from our own address.
		u.w.addUnreachable(catalog.UnreachProhibited, catalog.NewNote("firewall-local-rejects", "addr", u.remote).With("text", rep.note(u.remote)))
	case port:
		// Not from the server: a firewall on the path REJECTs, the
		// server never saw the request, so its port may well be open.
		u.w.addUnreachable(catalog.UnreachProhibited, catalog.NewNote("firewall-path-rejects").With("text", rep.note(u.remote)))
	default:
		u.w.addUnreachable(kind, rep.note(u.remote))
	}
}

// streamTap records a TCP or TLS connection's messages and notices when the
// server closes it under a transaction.
type streamTap struct {
	net.Conn
	w         recorder
	transport string
	local     string
	remote    string
	fr        framer
	frameErr  bool
	closing   atomic.Bool
}

func newStreamTap(c net.Conn, transport string, w recorder) *streamTap {
	return &streamTap{Conn: c, w: w, transport: transport, local: c.LocalAddr().String(), remote: c.RemoteAddr().String()}
}

func (s *streamTap) Read(b []byte) (int, error) {
	n, err := s.Conn.Read(b)
	if n > 0 && !s.frameErr {
		msgs, ferr := s.fr.feed(b[:n])
		for _, m := range msgs {
			s.w.inbound(s.transport, s.local, s.remote, m)
		}
		if ferr != nil {
			s.frameErr = true
			s.w.record(time.Now(), "in", s.transport, s.local, s.remote, s.fr.buf)
			s.w.addFault(faultMalformed, noteOf(ferr))
		}
	}
	if err != nil && !s.closing.Load() {
		why := catalog.NewNote("stream-closed")
		if !errors.Is(err, io.EOF) {
			why = catalog.NewNote("stream-failed", "text", err.Error())
		}
		if p := s.fr.pending(); p > 0 && !s.frameErr {
			s.w.record(time.Now(), "in", s.transport, s.local, s.remote, s.fr.buf)
			s.w.addFault(faultMalformed, catalog.NewNote("stream-truncated", "n", strconv.Itoa(p)))
		}
		s.w.addFault(faultClosed, why)
	}
	return n, err
}

func (s *streamTap) Write(b []byte) (int, error) {
	at := time.Now()
	n, err := s.Conn.Write(b)
	if n > 0 {
		s.w.record(at, "out", s.transport, s.local, s.remote, b[:n])
	}
	return n, err
}

func (s *streamTap) Close() error {
	s.closing.Store(true)
	return s.Conn.Close()
}

// oneConnListener hands one already-dialled connection to sipgo's stream
// transport, which then pools it by remote address; our requests reuse it.
// That way we dial (and classify refused/timeout/TLS errors) ourselves.
type oneConnListener struct {
	conn   net.Conn
	once   sync.Once
	closed chan struct{}
	close  sync.Once
}

func newOneConnListener(c net.Conn) *oneConnListener {
	return &oneConnListener{conn: c, closed: make(chan struct{})}
}

func (l *oneConnListener) Accept() (net.Conn, error) {
	var c net.Conn
	l.once.Do(func() { c = l.conn })
	if c != nil {
		return c, nil
	}
	<-l.closed
	return nil, net.ErrClosed
}

func (l *oneConnListener) Close() error {
	l.close.Do(func() { close(l.closed) })
	return nil
}

func (l *oneConnListener) Addr() net.Addr { return l.conn.LocalAddr() }

// report is the kernel's account of errno: the newest entry of the error
// queue, or, when a concurrent read and write both saw an error and the
// other one drained the queue, the last report that had this errno.
func (u *udpTap) report(errno syscall.Errno, onSend bool) icmpReport {
	u.icmpMu.Lock()
	defer u.icmpMu.Unlock()
	if rc, err := u.UDPConn.SyscallConn(); err == nil {
		if r, ok := readICMP(rc); ok {
			u.lastICMP = &r
			return r
		}
	}
	if u.lastICMP != nil && u.lastICMP.errno == errno {
		return *u.lastICMP
	}
	return icmpReport{errno: errno, local: onSend}
}
