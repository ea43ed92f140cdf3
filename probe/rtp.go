package probe

import (
	"context"
	"errors"
	"math"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
)

// rtpFrame is the packetisation interval we offer (a=ptime:20).
const rtpFrame = 20 * time.Millisecond

// media is the call's RTP socket. It is bound before the offer is written,
// so the port in our SDP is real, and it counts every RTP packet that comes
// back whether or not --rtp sends any (some PBXes play a greeting).
type media struct {
	conn *net.UDPConn
	port int

	received atomic.Int64
	sent     atomic.Int64
	wg       sync.WaitGroup
	closeMu  sync.Once
}

// openMedia binds a UDP socket on ip. RTP ports should be even, RTCP the
// next odd one (RFC 3550 §11); a few tries usually find an even port.
func openMedia(ip netip.Addr) (*media, error) {
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
			m := &media{conn: c, port: port}
			m.wg.Add(1)
			go m.count()
			return m, nil
		}
		spare = append(spare, c) // held so the next try gets another port
	}
	return nil, errors.New("no RTP port") // not reached
}

// count reads until the socket is closed and counts valid RTP (RFC 3550 §5.1).
func (m *media) count() {
	defer m.wg.Done()
	buf := make([]byte, 1500)
	self := m.conn.LocalAddr().(*net.UDPAddr).AddrPort()
	var p rtp.Packet
	for {
		n, from, err := m.conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue // ICMP unreachable from the far end's RTP port and the like
		}
		if from == self {
			continue // an answer pointing at our own port is no echo
		}
		if p.Unmarshal(buf[:n]) == nil && p.Version == 2 {
			m.received.Add(1)
		}
	}
}

// send streams a tone (G.711) or silence in c to dst every 20 ms until ctx
// ends. An echo extension sends it back, which count sees.
func (m *media) send(ctx context.Context, dst netip.AddrPort, c codec) {
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		to := net.UDPAddrFromAddrPort(dst)
		frame := frameOf(c)
		pkt := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: c.pt, SequenceNumber: uint16(randInt(1 << 15)), Timestamp: uint32(randInt(1 << 15)), SSRC: uint32(randInt(1<<15))<<16 | 0x5195, Marker: true}}
		t := time.NewTicker(rtpFrame)
		defer t.Stop()
		for i := 0; ; i++ {
			pkt.Payload = frame(i)
			if b, err := pkt.Marshal(); err == nil {
				if _, err := m.conn.WriteToUDP(b, to); err == nil {
					m.sent.Add(1)
				}
			}
			pkt.Marker = false
			pkt.SequenceNumber++
			pkt.Timestamp += c.clock / uint32(time.Second/rtpFrame)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// close stops the counter and the sender and waits for them.
func (m *media) close() {
	m.closeMu.Do(func() { _ = m.conn.Close() })
	m.wg.Wait()
}

// frameOf returns the payload of the i-th 20 ms frame: a 1 kHz tone at
// -20 dBFS in G.711 (audible on an echo test), codec-specific silence
// otherwise.
func frameOf(c codec) func(i int) []byte {
	switch c.encoding {
	case "PCMU", "PCMA":
		law := linearToULaw
		if c.encoding == "PCMA" {
			law = linearToALaw
		}
		// 1 kHz at 8 kHz repeats every 8 samples, so one frame serves all.
		f := make([]byte, 160)
		for n := range f {
			f[n] = law(int16(3277 * math.Sin(2*math.Pi*float64(n)/8)))
		}
		return func(int) []byte { return f }
	case "opus":
		// A 20 ms SILK-only silence frame (RFC 6716 §3.1, config 1, code 0).
		return func(int) []byte { return []byte{0xf8, 0xff, 0xfe} }
	case "G729":
		return func(int) []byte { return make([]byte, 20) }
	}
	f := make([]byte, 160) // G.722: 64 kbit/s for 20 ms
	return func(int) []byte { return f }
}

// linearToULaw is the G.711 μ-law encoder (ITU-T G.711, Sun's reference).
func linearToULaw(s int16) byte {
	const bias, clip = 0x84, 32635
	x := int(s)
	sign := 0
	if x < 0 {
		x, sign = -x, 0x80
	}
	if x > clip {
		x = clip
	}
	x += bias
	exp := 7
	for mask := 0x4000; x&mask == 0 && exp > 0; mask >>= 1 {
		exp--
	}
	mant := (x >> (exp + 3)) & 0x0f
	return ^byte(sign | exp<<4 | mant)
}

// linearToALaw is the G.711 A-law encoder.
func linearToALaw(s int16) byte {
	x := int(s) >> 3 // 13-bit
	mask := 0xd5
	if x < 0 {
		mask = 0x55
		x = -x - 1
	}
	seg := 0
	for end := 0x1f; seg < 8 && x > end; end = end<<1 | 1 {
		seg++
	}
	if seg >= 8 {
		return byte(0x7f ^ mask)
	}
	v := seg << 4
	if seg < 2 {
		v |= (x >> 1) & 0x0f
	} else {
		v |= (x >> seg) & 0x0f
	}
	return byte(v ^ mask)
}
