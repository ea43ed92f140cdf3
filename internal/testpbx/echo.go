package testpbx

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"
)

// Echo is an echo test like Asterisk's Echo() application, for
// ExtensionBehaviour.Echo. Unlike EchoRTP's mirror, it re-sends what it
// receives as its own stream: its own SSRC and continuous sequence
// numbers (a packet lost on the way in leaves no gap on the way out),
// every payload type (telephone-event too) with the marker and the
// timestamps' relations kept; and it sends RTCP reports about the
// caller's stream every second on the RTP port + 1, as Asterisk does.
type Echo struct {
	// NoRTCP sends no RTCP.
	NoRTCP bool
	// NoSend receives (and reports on) the caller's RTP but sends none:
	// one-way audio, the caller hears nothing.
	NoSend bool
	// NoReceive ignores the caller's RTP and sends a stream of its own
	// (silence in the answer's first codec) to the offer's address: one-way
	// audio, the far end hears nothing.
	NoReceive bool
}

// echoReportEvery is Asterisk's RTCP interval as the tests want it.
const echoReportEvery = time.Second

// echo is one call's echo: the RTP socket and the RTCP one next to it.
type echo struct {
	opts       Echo
	rtp, rtcp  *net.UDPConn
	offer      netip.AddrPort // the offer's RTP address (NoReceive)
	pt         uint8          // the answer's first payload type
	clock      float64        // and its clock rate
	done       chan struct{}
	closeOnce  sync.Once
	mu         sync.Mutex
	peer       netip.AddrPort // where the caller's RTP comes from
	peerRTCP   netip.AddrPort
	ssrc       uint32
	seq        uint16
	tsOffset   uint32
	sentPkts   uint32
	sentOctets uint32
	lastTS     uint32
	lastAt     time.Time
	in         inStats
	lastSR     uint32 // middle 32 bits of the caller's last SR
	lastSRAt   time.Time
}

// inStats is a small RFC 3550 receiver of the caller's stream, written
// apart from probe/media so the PBX does not grade that code with itself.
type inStats struct {
	ssrc                uint32
	started             bool
	base, ext           uint32 // first and highest extended sequence numbers
	received            uint32
	priorExp, priorRecv uint32
	jitter              float64
	prevArrival         time.Time
	prevTS              uint32
}

func (s *inStats) add(h rtp.Header, at time.Time, clock float64) {
	if !s.started || h.SSRC != s.ssrc {
		*s = inStats{ssrc: h.SSRC, started: true, base: uint32(h.SequenceNumber), ext: uint32(h.SequenceNumber)}
	} else {
		// Unwrap relative to the highest: within ±32768 of it.
		ext := s.ext + uint32(int32(int16(h.SequenceNumber-uint16(s.ext))))
		if int32(ext-s.ext) > 0 {
			s.ext = ext
		}
	}
	s.received++
	if clock == 0 {
		return // telephone-events keep one timestamp per event
	}
	if !s.prevArrival.IsZero() {
		d := at.Sub(s.prevArrival).Seconds()*clock - float64(int32(h.Timestamp-s.prevTS))
		s.jitter += (math.Abs(d) - s.jitter) / 16
	}
	s.prevArrival, s.prevTS = at, h.Timestamp
}

func (s *inStats) block(lsr uint32, dlsr uint32) rtcp.ReceptionReport {
	expected := s.ext - s.base + 1
	lost := int64(expected) - int64(s.received)
	expInt, recvInt := expected-s.priorExp, s.received-s.priorRecv
	s.priorExp, s.priorRecv = expected, s.received
	var frac uint8
	if li := int64(expInt) - int64(recvInt); expInt > 0 && li > 0 {
		frac = uint8(min(255, li*256/int64(expInt)))
	}
	return rtcp.ReceptionReport{SSRC: s.ssrc, FractionLost: frac, TotalLost: uint32(max(0, lost)) & 0xffffff,
		LastSequenceNumber: s.ext, Jitter: uint32(s.jitter), LastSenderReport: lsr, Delay: dlsr}
}

// openEcho binds an even RTP port with its RTCP neighbour and starts the
// echo.
func (p *PBX) openEcho(opts Echo, offer, answer []byte) (*echo, error) {
	e := &echo{opts: opts, done: make(chan struct{}), ssrc: rand.Uint32(), seq: uint16(rand.IntN(1 << 16)), tsOffset: rand.Uint32()}
	e.offer, _ = offerAddr(offer)
	e.pt, e.clock = firstPT(answer)
	for i := 0; i < 32 && e.rtcp == nil; i++ {
		m, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			return nil, fmt.Errorf("%w: media: %v", ErrListen, err)
		}
		port := m.LocalAddr().(*net.UDPAddr).Port
		if port%2 == 0 {
			if r, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port + 1}); err == nil {
				e.rtp, e.rtcp = m, r
				break
			}
		}
		defer m.Close() // held so the next try gets another port
	}
	if e.rtcp == nil {
		return nil, fmt.Errorf("%w: media: no RTP/RTCP port pair", ErrListen)
	}
	if !p.track(e) {
		e.Close()
		return nil, ErrClosed
	}
	for _, f := range []func(){e.serveRTP, e.serveRTCP, e.report, e.play} {
		if !p.spawn(f) {
			p.untrack(e)
			e.Close()
			return nil, ErrClosed
		}
	}
	return e, nil
}

// Close stops the echo.
func (e *echo) Close() error {
	e.closeOnce.Do(func() {
		close(e.done)
		_ = e.rtp.Close()
		_ = e.rtcp.Close()
	})
	return nil
}

// port is the RTP port the answer names.
func (e *echo) port() int { return e.rtp.LocalAddr().(*net.UDPAddr).Port }

func (e *echo) serveRTP() {
	buf := make([]byte, 2048)
	var p rtp.Packet
	for {
		n, from, err := e.rtp.ReadFromUDPAddrPort(buf)
		if err != nil {
			if isClosed(err) {
				return
			}
			continue
		}
		if e.opts.NoReceive || p.Unmarshal(buf[:n]) != nil || p.Version != 2 {
			continue
		}
		e.mu.Lock()
		e.peer = from
		clock := 0.0
		if p.PayloadType == e.pt {
			clock = e.clock
		}
		e.in.add(p.Header, time.Now(), clock)
		if e.opts.NoSend {
			e.mu.Unlock()
			continue
		}
		out := rtp.Packet{Header: rtp.Header{Version: 2, Marker: p.Marker, PayloadType: p.PayloadType,
			SequenceNumber: e.seq, Timestamp: p.Timestamp + e.tsOffset, SSRC: e.ssrc}, Payload: p.Payload}
		e.seq++
		e.sentPkts++
		e.sentOctets += uint32(len(p.Payload))
		e.lastTS, e.lastAt = out.Timestamp, time.Now()
		e.mu.Unlock()
		if b, err := out.Marshal(); err == nil {
			_, _ = e.rtp.WriteToUDPAddrPort(b, from)
		}
	}
}

func (e *echo) serveRTCP() {
	buf := make([]byte, 2048)
	for {
		n, from, err := e.rtcp.ReadFromUDPAddrPort(buf)
		if err != nil {
			if isClosed(err) {
				return
			}
			continue
		}
		pkts, err := rtcp.Unmarshal(buf[:n])
		if err != nil {
			continue
		}
		e.mu.Lock()
		e.peerRTCP = from
		for _, p := range pkts {
			if sr, ok := p.(*rtcp.SenderReport); ok && !e.opts.NoReceive {
				e.lastSR, e.lastSRAt = uint32(sr.NTPTime>>16), time.Now()
			}
		}
		e.mu.Unlock()
	}
}

// report sends an SR (or an RR when it sends nothing) every second.
func (e *echo) report() {
	if e.opts.NoRTCP {
		return
	}
	t := time.NewTicker(echoReportEvery)
	defer t.Stop()
	for {
		select {
		case <-e.done:
			return
		case <-t.C:
		}
		e.mu.Lock()
		to := e.peerRTCP
		if !to.IsValid() && e.peer.IsValid() {
			to = netip.AddrPortFrom(e.peer.Addr(), e.peer.Port()+1)
		}
		if !to.IsValid() && e.offer.IsValid() {
			to = netip.AddrPortFrom(e.offer.Addr(), e.offer.Port()+1)
		}
		now := time.Now()
		var blocks []rtcp.ReceptionReport
		if e.in.started {
			var dlsr uint32
			if !e.lastSRAt.IsZero() {
				dlsr = uint32(now.Sub(e.lastSRAt) * (1 << 16) / time.Second)
			}
			blocks = append(blocks, e.in.block(e.lastSR, dlsr))
		}
		var first rtcp.Packet = &rtcp.ReceiverReport{SSRC: e.ssrc, Reports: blocks}
		if e.sentPkts > 0 {
			first = &rtcp.SenderReport{SSRC: e.ssrc, NTPTime: ntp64(now), RTPTime: e.lastTS + uint32(now.Sub(e.lastAt).Seconds()*8000),
				PacketCount: e.sentPkts, OctetCount: e.sentOctets, Reports: blocks}
		}
		e.mu.Unlock()
		sdes := &rtcp.SourceDescription{Chunks: []rtcp.SourceDescriptionChunk{{Source: e.ssrc,
			Items: []rtcp.SourceDescriptionItem{{Type: rtcp.SDESCNAME, Text: "testpbx"}}}}}
		if b, err := rtcp.Marshal([]rtcp.Packet{first, sdes}); err == nil && to.IsValid() {
			_, _ = e.rtcp.WriteToUDPAddrPort(b, to)
		}
	}
}

// play is NoReceive's own stream: 20 ms of silence in the answer's first
// codec, to the offer's address.
func (e *echo) play() {
	if !e.opts.NoReceive || !e.offer.IsValid() {
		return
	}
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	payload := make([]byte, 160)
	for i := range payload {
		payload[i] = 0xff
	}
	ts := rand.Uint32()
	for {
		select {
		case <-e.done:
			return
		case <-t.C:
		}
		e.mu.Lock()
		pkt := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: e.pt, SequenceNumber: e.seq, Timestamp: ts, SSRC: e.ssrc}, Payload: payload}
		e.seq++
		e.sentPkts++
		e.sentOctets += uint32(len(payload))
		e.lastTS, e.lastAt = ts, time.Now()
		e.mu.Unlock()
		ts += 160
		if b, err := pkt.Marshal(); err == nil {
			_, _ = e.rtp.WriteToUDPAddrPort(b, e.offer)
		}
	}
}

// ntp64 is t as an NTP timestamp (RFC 3550 §4).
func ntp64(t time.Time) uint64 {
	secs := uint64(t.Unix() + 2208988800)
	return secs<<32 | uint64(t.Nanosecond())<<32/uint64(time.Second)
}

// offerAddr is the first audio stream's RTP address in an SDP offer.
func offerAddr(body []byte) (netip.AddrPort, bool) {
	var s sdp.SessionDescription
	if s.Unmarshal(body) != nil {
		return netip.AddrPort{}, false
	}
	for _, md := range s.MediaDescriptions {
		if md.MediaName.Media != "audio" {
			continue
		}
		c := s.ConnectionInformation
		if md.ConnectionInformation != nil {
			c = md.ConnectionInformation
		}
		if c == nil || c.Address == nil {
			return netip.AddrPort{}, false
		}
		a, err := netip.ParseAddr(c.Address.Address)
		if err != nil {
			return netip.AddrPort{}, false
		}
		return netip.AddrPortFrom(a, uint16(md.MediaName.Port.Value)), true
	}
	return netip.AddrPort{}, false
}

// firstPT is the first payload type of the answer's audio stream and its
// clock rate.
func firstPT(body []byte) (uint8, float64) {
	var s sdp.SessionDescription
	if s.Unmarshal(body) != nil {
		return 0, 8000
	}
	for _, md := range s.MediaDescriptions {
		if md.MediaName.Media == "audio" && md.MediaName.Port.Value != 0 {
			for _, c := range offerCodecs(md) {
				return c.pt, float64(c.rate)
			}
		}
	}
	return 0, 8000
}

// prepareEcho is prepareAnswer for an Echo extension: the answer names
// the echo's port, or the address MediaVia puts in front of it.
func (c *call) prepareEcho() error {
	addr := c.b.MediaAddr
	if addr == "" {
		addr = "127.0.0.1"
	}
	// The payload type to play comes from the answer, the port from the
	// socket: build the answer once with a placeholder port to learn it.
	probe, err := answerSDP(c.tx.req.Body(), c.b, addr, 9)
	if err != nil {
		return err
	}
	e, err := c.p.openEcho(*c.b.Echo, c.tx.req.Body(), probe)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.echo = e
	c.mu.Unlock()
	port := e.port()
	if c.b.MediaVia != nil {
		via := c.b.MediaVia(netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), uint16(port)))
		addr, port = via.Addr().String(), int(via.Port())
	}
	body, err := answerSDP(c.tx.req.Body(), c.b, addr, port)
	c.mu.Lock()
	c.answer = body
	c.mu.Unlock()
	return err
}
