package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/sipprobe/sipprobe/internal/testpbx"
)

// Demo accounts. The passwords are public on purpose: the PBX lives on
// loopback for the few seconds the demo runs.
const (
	demoUser     = "100"
	demoPassword = "demo-100"
	// codecUser may call codecExt, which only takes G.722: an offer of
	// PCMU/PCMA gets 488 Not Acceptable Here.
	codecExt = "600"
	// answerExt answers any common codec and echoes the audio, as
	// Asterisk's Echo() does (its own SSRC, RTCP reports every second).
	answerExt = "700"
)

// lab is everything the demo probes talk to, all on 127.0.0.1 with ports
// the kernel picked:
//   - pbx: the built-in test PBX (UDP and TCP on one port);
//   - silent: a UDP socket that reads and never answers, with a TCP relay to
//     the PBX on the same port number: UDP to the server is lost, TCP to
//     the same address works (on loopback a transport mismatch, since no
//     NAT can sit on the path);
//   - closed: a UDP port where nothing listens (ICMP port unreachable).
type lab struct {
	pbx    *testpbx.PBX
	silent *silentPort
	closed string
}

func startLab(ctx context.Context) (*lab, error) {
	pbx, err := testpbx.New(
		testpbx.WithAccount(demoUser, demoPassword,
			// The phrase a real PBX (sipXecs, some Kamailio configs) sends:
			// the diagnosis must come from the whole exchange, not the code.
			testpbx.RejectWrongPassword(403, "Wrong Guess"),
			testpbx.Extension(codecExt, testpbx.ExtensionBehaviour{Codecs: []string{"G722"}}),
			testpbx.Extension(answerExt, testpbx.ExtensionBehaviour{Echo: &testpbx.Echo{}}),
		),
		testpbx.WithUnknownUser(404, "Not Found"),
	)
	if err != nil {
		return nil, fmt.Errorf("demo PBX: %w", err)
	}
	if err := pbx.Start(ctx); err != nil {
		return nil, fmt.Errorf("demo PBX: %w", err)
	}
	// Account 100 has a "phone" registered, so the credentials check shows
	// what it is for: the bindings are listed and left untouched.
	if err := pbx.AddBinding(demoUser, "sip:100@192.0.2.50:5062;transport=udp", time.Hour); err != nil {
		_ = pbx.Close()
		return nil, fmt.Errorf("demo PBX: %w", err)
	}
	l := &lab{pbx: pbx}
	if l.silent, err = newSilentPort(pbx.Addr("tcp")); err != nil {
		l.close()
		return nil, err
	}
	if l.closed, err = closedUDPPort(); err != nil {
		l.close()
		return nil, err
	}
	return l, nil
}

func (l *lab) close() {
	if l.silent != nil {
		l.silent.close()
	}
	if l.pbx != nil {
		_ = l.pbx.Close()
	}
}

// closedUDPPort returns an address where nothing listens: a port the kernel
// just gave us and we gave back. Loopback answers a datagram there with ICMP
// port unreachable.
func closedUDPPort() (string, error) {
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("demo closed port: %w", err)
	}
	addr := c.LocalAddr().String()
	return addr, c.Close()
}

// silentPort swallows UDP and relays TCP to the PBX on the same port number.
type silentPort struct {
	addr string
	udp  net.PacketConn
	tcp  net.Listener
	wg   sync.WaitGroup
	mu   sync.Mutex
	open map[net.Conn]struct{}
}

func newSilentPort(pbxTCP string) (*silentPort, error) {
	// Bind TCP first on a free port, then UDP on the same number; retry a
	// few times in case another process holds that UDP port.
	for range 10 {
		tl, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("demo silent port: %w", err)
		}
		uc, err := net.ListenPacket("udp4", tl.Addr().String())
		if err != nil {
			_ = tl.Close()
			continue
		}
		s := &silentPort{addr: tl.Addr().String(), udp: uc, tcp: tl, open: map[net.Conn]struct{}{}}
		s.wg.Go(s.swallow)
		s.wg.Go(func() { s.relay(pbxTCP) })
		return s, nil
	}
	return nil, errors.New("demo silent port: no free UDP and TCP port pair")
}

// swallow reads datagrams and drops them, like a firewall that eats SIP over
// UDP. Reading (rather than not listening) keeps the kernel from answering
// with ICMP port unreachable.
func (s *silentPort) swallow() {
	buf := make([]byte, 65535)
	for {
		if _, _, err := s.udp.ReadFrom(buf); err != nil {
			return
		}
	}
}

func (s *silentPort) relay(to string) {
	for {
		c, err := s.tcp.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp4", to)
		if err != nil {
			_ = c.Close()
			continue
		}
		if !s.track(c, up) {
			return
		}
		s.wg.Go(func() { pipe(c, up) })
		s.wg.Go(func() { pipe(up, c) })
	}
}

func (s *silentPort) track(cs ...net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open == nil { // closed
		for _, c := range cs {
			_ = c.Close()
		}
		return false
	}
	for _, c := range cs {
		s.open[c] = struct{}{}
	}
	return true
}

// pipe copies until either side ends, then closes both so the other pipe
// ends too.
func pipe(dst, src net.Conn) {
	_, _ = io.Copy(dst, src)
	_ = dst.Close()
	_ = src.Close()
}

func (s *silentPort) close() {
	_ = s.udp.Close()
	_ = s.tcp.Close()
	s.mu.Lock()
	for c := range s.open {
		_ = c.Close()
	}
	s.open = nil
	s.mu.Unlock()
	s.wg.Wait()
}
