package testpbx

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"
)

// listenAttempts bounds the search for a port number free on both UDP and
// TCP: another process can take the TCP port between our two binds.
const listenAttempts = 50

// writeTimeout keeps a stuck TCP peer from blocking a handler forever.
const writeTimeout = 2 * time.Second

// listen binds UDP and TCP on the same loopback port, and TLS on its own.
// Caller holds p.mu.
func (p *PBX) listen() error {
	var lastErr error
	for range listenAttempts {
		u, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			return fmt.Errorf("%w: udp: %v", ErrListen, err)
		}
		port := u.LocalAddr().(*net.UDPAddr).Port
		t, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			lastErr = err
			_ = u.Close()
			continue
		}
		p.udp, p.tcp = u, t
		break
	}
	if p.udp == nil {
		return fmt.Errorf("%w: no port free on both udp and tcp: %v", ErrListen, lastErr)
	}
	if p.cfg.tlsCert != nil {
		l, err := tls.Listen("tcp4", "127.0.0.1:0", &tls.Config{
			Certificates: []tls.Certificate{*p.cfg.tlsCert},
			MinVersion:   tls.VersionTLS12,
		})
		if err != nil {
			_ = p.udp.Close()
			_ = p.tcp.Close()
			p.udp, p.tcp = nil, nil
			return fmt.Errorf("%w: tls: %v", ErrListen, err)
		}
		p.tls = l
	}
	return nil
}

// peer is where a request came from and how to answer it. Responses go back
// to the source address (rport behaviour, RFC 3581), or down the same
// connection for TCP/TLS.
type peer struct {
	transport string // "udp", "tcp" or "tls"
	remote    net.Addr
	local     net.Addr
	write     func([]byte) error
	hangup    func() // closes a stream connection; nil for UDP
}

// ip is the remote IP address, the unit fail2ban bans.
func (pe *peer) ip() string {
	if pe.remote == nil {
		return ""
	}
	host, _, err := net.SplitHostPort(pe.remote.String())
	if err != nil {
		return pe.remote.String()
	}
	return host
}

func isClosed(err error) bool { return errors.Is(err, net.ErrClosed) }

func (p *PBX) serveUDP() {
	conn := p.udp
	local := conn.LocalAddr()
	buf := make([]byte, 65535)
	for {
		n, from, err := conn.ReadFromUDP(buf)
		if err != nil {
			if p.ctx.Err() != nil || isClosed(err) {
				return
			}
			continue // e.g. ICMP errors surfacing on Linux; keep serving
		}
		data := append([]byte(nil), buf[:n]...)
		pe := &peer{
			transport: "udp",
			remote:    from,
			local:     local,
			write: func(b []byte) error {
				_, err := conn.WriteToUDP(b, from)
				return err
			},
		}
		p.handle(data, pe)
	}
}

func (p *PBX) serveStream(l net.Listener, transport string) {
	for {
		c, err := l.Accept()
		if err != nil {
			if p.ctx.Err() != nil || isClosed(err) {
				return
			}
			continue
		}
		if !p.track(c) {
			_ = c.Close()
			return
		}
		if !p.spawn(func() { p.serveConn(c, transport) }) {
			_ = c.Close()
		}
	}
}

// serveConn reads one TCP/TLS connection, splitting the stream into SIP
// messages with sipgo's stream parser (Content-Length framing, RFC 3261 §18.3).
func (p *PBX) serveConn(c net.Conn, transport string) {
	defer p.untrack(c)
	defer c.Close()
	var wmu sync.Mutex
	pe := &peer{
		transport: transport,
		remote:    c.RemoteAddr(),
		local:     c.LocalAddr(),
		write: func(b []byte) error {
			wmu.Lock()
			defer wmu.Unlock()
			_ = c.SetWriteDeadline(time.Now().Add(writeTimeout))
			_, err := c.Write(b)
			return err
		},
		hangup: func() { _ = c.Close() },
	}
	stream := p.parser.NewSIPStream()
	defer stream.Close()
	buf := make([]byte, 65535)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			if !p.handleStream(stream, buf[:n], pe) {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
