package media

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
)

// ErrNoPort: no UDP port could be bound for RTP.
var ErrNoPort = errors.New("no RTP port")

// Session is the call's RTP socket. It is bound before the offer is
// written, so the port in our SDP is real, and it counts every RTP packet
// that comes back whether or not we send any (some PBXes play a greeting).
type Session struct {
	conn   *net.UDPConn
	port   int
	cipher cipherSlot

	received atomic.Int64
	sent     atomic.Int64
	wg       sync.WaitGroup
	closeMu  sync.Once
}

// Open binds a UDP socket on ip and starts reading it. RTP ports should be
// even, RTCP the next odd one (RFC 3550 §11); a few tries usually find an
// even port.
func Open(ip netip.Addr, opts ...Option) (*Session, error) {
	var spare []*net.UDPConn
	defer func() {
		for _, c := range spare {
			_ = c.Close()
		}
	}()
	for i := 0; i < 8; i++ {
		c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(ip, 0)))
		if err != nil {
			return nil, err
		}
		port := c.LocalAddr().(*net.UDPAddr).Port
		if port%2 == 0 || i == 7 {
			s := &Session{conn: c, port: port}
			for _, o := range opts {
				o(s)
			}
			s.wg.Add(1)
			go s.read()
			return s, nil
		}
		spare = append(spare, c) // held so the next try gets another port
	}
	return nil, ErrNoPort // not reached
}

// Port is the local RTP port, the one our SDP names.
func (s *Session) Port() int { return s.port }

// Sent is how many RTP packets we sent.
func (s *Session) Sent() int { return int(s.sent.Load()) }

// Received is how many valid RTP packets came to our port.
func (s *Session) Received() int { return int(s.received.Load()) }

// read reads until the socket is closed and counts valid RTP (RFC 3550 §5.1).
func (s *Session) read() {
	defer s.wg.Done()
	buf := make([]byte, 1500)
	var clear []byte
	self := s.conn.LocalAddr().(*net.UDPAddr).AddrPort()
	var p rtp.Packet
	for {
		n, from, err := s.conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue // ICMP unreachable from the far end's RTP port and the like
		}
		if from == self {
			continue // an answer pointing at our own port is no echo
		}
		pkt := buf[:n]
		if c := s.cipher.load(); c != nil {
			if clear, err = c.DecryptRTP(clear[:0], pkt); err != nil {
				continue
			}
			pkt = clear
		}
		if p.Unmarshal(pkt) == nil && p.Version == 2 {
			s.received.Add(1)
		}
	}
}

// Send streams a tone (G.711) or silence in f to dst every Frame until ctx
// ends. An echo extension sends it back, which the reader counts.
func (s *Session) Send(ctx context.Context, dst netip.AddrPort, f Format) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		to := net.UDPAddrFromAddrPort(dst)
		frame := frameOf(f)
		// Random initial sequence number and timestamp (RFC 3550 §5.1).
		pkt := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: f.PT, SequenceNumber: uint16(rand.IntN(1 << 16)),
			Timestamp: rand.Uint32(), SSRC: rand.Uint32(), Marker: true}}
		var out []byte
		t := time.NewTicker(Frame)
		defer t.Stop()
		for i := 0; ; i++ {
			pkt.Payload = frame(i)
			if b, err := pkt.Marshal(); err == nil {
				if c := s.cipher.load(); c != nil {
					out, err = c.EncryptRTP(out[:0], b)
					b = out
				}
				if err == nil {
					if _, err := s.conn.WriteToUDP(b, to); err == nil {
						s.sent.Add(1)
					}
				}
			}
			pkt.Marker = false
			pkt.SequenceNumber++
			pkt.Timestamp += f.samplesPerFrame()
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// Close stops the reader and the senders and waits for them.
func (s *Session) Close() {
	s.closeMu.Do(func() { _ = s.conn.Close() })
	s.wg.Wait()
}
