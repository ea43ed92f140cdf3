package media

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
)

// ErrNoPort: no UDP port could be bound for RTP.
var ErrNoPort = errors.New("no RTP port")

// RTCP timing: RFC 3550 §6.2 scales the interval with the session; a test
// call has two members and a short life, so a report every second (as
// Asterisk sends), the first after half of it (§6.2's initial halving).
const (
	rtcpInterval = time.Second
	rtcpFirst    = rtcpInterval / 2
)

// Session is the call's RTP socket and the RTCP socket next to it. It is
// bound before the offer is written, so the port in our SDP is real, and
// it counts every RTP packet that comes back whether or not we send any
// (some PBXes play a greeting), with RFC 3550 statistics per source.
type Session struct {
	conn   *net.UDPConn
	rtcp   *net.UDPConn // RTP port + 1 (RFC 3550 §11); nil when it was taken
	port   int
	cipher cipherSlot
	cname  string

	received atomic.Int64
	sent     atomic.Int64
	dtmf     dtmf // RFC 4733 digits queued and detected (dtmf.go)
	wg       sync.WaitGroup
	closeMu  sync.Once

	mu       sync.Mutex // guards what follows
	snd      sender
	rcv      Receiver
	far      farEnd
	format   Format
	rtcpSent int
	// rtcpTo is where our RTCP goes: the far end's RTP port + 1 unless
	// its SDP said otherwise (SendWithRTCP).
	rtcpTo netip.AddrPort
	peer   peerFilter // whose packets count (strict.go)
}

// Open binds a UDP socket on ip and starts reading it. RTP ports should be
// even, RTCP the next odd one (RFC 3550 §11); a few tries usually find an
// even port whose neighbour is free. Without such a pair it keeps an even
// RTP port and goes without RTCP.
func Open(ip netip.Addr) (*Session, error) {
	var spare []*net.UDPConn
	defer func() {
		for _, c := range spare {
			_ = c.Close()
		}
	}()
	var even *net.UDPConn
	for i := 0; i < 16; i++ {
		c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(ip, 0)))
		if err != nil {
			return nil, err
		}
		port := c.LocalAddr().(*net.UDPAddr).Port
		if port%2 != 0 || port == 65534 {
			spare = append(spare, c) // held so the next try gets another port
			continue
		}
		r, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(ip, uint16(port+1))))
		if err == nil {
			return start(c, r), nil
		}
		if even == nil {
			even = c
		} else {
			spare = append(spare, c)
		}
	}
	if even == nil {
		return nil, ErrNoPort
	}
	return start(even, nil), nil
}

// start makes the Session of bound sockets and starts reading them.
func start(c, r *net.UDPConn) *Session {
	s := &Session{conn: c, rtcp: r, port: c.LocalAddr().(*net.UDPAddr).Port}
	// Random SSRC, initial sequence number and timestamp (RFC 3550 §5.1).
	s.snd = sender{ssrc: rand.Uint32(), seq: uint16(rand.IntN(1 << 16)), ts: rand.Uint32()}
	s.cname = "sipprobe-" + strconv.FormatUint(uint64(s.snd.ssrc), 16)
	s.wg.Add(1)
	go s.read(s.conn)
	if r != nil {
		s.wg.Add(1)
		go s.read(r)
	}
	return s
}

// Port is the local RTP port, the one our SDP names.
func (s *Session) Port() int { return s.port }

// Sent is how many RTP packets we sent.
func (s *Session) Sent() int { return int(s.sent.Load()) }

// Received is how many valid RTP packets came to our port.
func (s *Session) Received() int { return int(s.received.Load()) }

// read reads c until it is closed. RTP and RTCP are told apart by the
// packet type (RFC 5761 §4), so a far end multiplexing RTCP on the RTP
// port is understood as well.
func (s *Session) read(c *net.UDPConn) {
	defer s.wg.Done()
	buf := make([]byte, 1500)
	var clear []byte
	self := c.LocalAddr().(*net.UDPAddr).AddrPort()
	var p rtp.Packet
	for {
		n, from, err := c.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue // ICMP unreachable from the far end's port and the like
		}
		if from == self {
			continue // an answer pointing at our own port is no echo
		}
		at := time.Now()
		pkt := buf[:n]
		if isRTCP(pkt) {
			if c := s.cipher.load(); c != nil {
				if clear, err = c.DecryptRTCP(clear[:0], pkt); err != nil {
					continue
				}
				pkt = clear
			}
			s.mu.Lock()
			if s.peer.rtcp(from) {
				s.far.handle(pkt, at, s.snd.ssrc, s.settled(at))
			}
			s.mu.Unlock()
			continue
		}
		if c := s.cipher.load(); c != nil {
			if clear, err = c.DecryptRTP(clear[:0], pkt); err != nil {
				continue
			}
			pkt = clear
		}
		if p.Unmarshal(pkt) == nil && p.Version == 2 {
			s.mu.Lock()
			ok, relatch := s.peer.rtp(from)
			if relatch {
				s.rcv = Receiver{format: s.rcv.format}
				s.received.Store(0)
			}
			if ok {
				s.received.Add(1)
				s.rcv.Packet(&p.Header, at)
			}
			s.mu.Unlock()
			if ok {
				s.dtmf.observe(&p, at)
			}
		}
	}
}

// settled: our stream has been going long enough (a report interval and
// a half) for the far end's report to cover it. The caller holds s.mu.
func (s *Session) settled(at time.Time) bool {
	return s.snd.packets > 0 && at.Sub(s.snd.started) >= rtcpInterval+rtcpFirst
}

// Send streams a tone (G.711) or silence in f to dst every Frame until ctx
// ends, and RTCP reports to dst's port + 1 (RFC 3550 §11). An echo
// extension sends the RTP back, which the reader counts. A later Send
// continues the same stream (SSRC, sequence, timestamp) at a new address.
func (s *Session) Send(ctx context.Context, dst netip.AddrPort, f Format) {
	s.SendWithRTCP(ctx, dst, netip.AddrPortFrom(dst.Addr(), dst.Port()+1), f)
}

// SendWithRTCP is Send with the RTCP sent to rtcpDst: where the far end's
// SDP said (a=rtcp, RFC 3605; its RTP port with a=rtcp-mux, RFC 5761).
func (s *Session) SendWithRTCP(ctx context.Context, dst, rtcpDst netip.AddrPort, f Format) {
	s.mu.Lock()
	s.format, s.snd.clock = f, f.Clock
	s.rcv.SetFormat(f)
	s.rtcpTo = rtcpDst
	s.peer.answer = unmap(dst)
	s.mu.Unlock()
	s.wg.Add(2)
	go s.sendRTP(ctx, net.UDPAddrFromAddrPort(dst), f)
	go s.sendRTCP(ctx)
}

// sendRTP is Send's RTP stream.
func (s *Session) sendRTP(ctx context.Context, to *net.UDPAddr, f Format) {
	defer s.wg.Done()
	frame := frameOf(f)
	var out []byte
	t := time.NewTicker(Frame)
	defer t.Stop()
	for i := 0; ; i++ {
		s.mu.Lock()
		pkt := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: f.PT, SequenceNumber: s.snd.seq,
			Timestamp: s.snd.ts, SSRC: s.snd.ssrc, Marker: s.snd.packets == 0}, Payload: frame(i)}
		s.mu.Unlock()
		// A digit in play takes the voice frame's place (RFC 4733 §2.5.1).
		b, err := s.dtmf.during(pkt).Marshal()
		if c := s.cipher.load(); err == nil && c != nil {
			out, err = c.EncryptRTP(out[:0], b)
			b = out
		}
		if err == nil {
			if _, err := s.conn.WriteToUDP(b, to); err == nil {
				s.sent.Add(1)
				s.mu.Lock()
				now := time.Now()
				if s.snd.packets == 0 {
					s.snd.started, s.snd.firstSeq = now, s.snd.seq
				}
				s.snd.packets++
				s.snd.octets += uint32(len(pkt.Payload))
				s.snd.lastAt, s.snd.lastTS = now, s.snd.ts
				s.mu.Unlock()
			}
		}
		s.mu.Lock()
		s.snd.seq++
		s.snd.ts += f.samplesPerFrame()
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sendRTCP sends our reports while ctx lasts, and when it ends a last
// report with a BYE (RFC 3550 §6.6: a participant leaving says so, so the
// far end need not wait out its timeout to drop our SSRC).
func (s *Session) sendRTCP(ctx context.Context) {
	defer s.wg.Done()
	if s.rtcp == nil {
		return
	}
	var out []byte
	wait := rtcpFirst
	for bye := false; !bye; {
		select {
		case <-ctx.Done():
			bye = true
		case <-time.After(wait):
		}
		wait = rtcpInterval
		s.mu.Lock()
		pkts := report(&s.snd, &s.rcv, &s.far, time.Now(), s.cname)
		if bye {
			if s.snd.packets == 0 {
				s.mu.Unlock()
				return // never part of the session: nothing to leave
			}
			pkts = append(pkts, &rtcp.Goodbye{Sources: []uint32{s.snd.ssrc}})
		}
		b, err := rtcp.Marshal(pkts)
		to := s.rtcpTo
		s.mu.Unlock()
		if c := s.cipher.load(); err == nil && c != nil {
			out, err = c.EncryptRTCP(out[:0], b)
			b = out
		}
		if err != nil {
			continue
		}
		if _, err := s.rtcp.WriteToUDPAddrPort(b, to); err == nil {
			s.mu.Lock()
			s.rtcpSent++
			s.mu.Unlock()
		}
	}
}

// Close stops the readers and the senders and waits for them.
func (s *Session) Close() {
	s.closeMu.Do(func() {
		_ = s.conn.Close()
		if s.rtcp != nil {
			_ = s.rtcp.Close()
		}
	})
	s.wg.Wait()
}
