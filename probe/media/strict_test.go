package media

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/pion/rtp"
)

func TestPeerFilter(t *testing.T) {
	answer := netip.MustParseAddrPort("192.0.2.1:4000")
	nat := netip.MustParseAddrPort("198.51.100.7:31000")
	other := netip.MustParseAddrPort("203.0.113.9:5000")
	type pkt struct {
		from        netip.AddrPort
		ok, relatch bool
	}
	tests := []struct {
		name   string
		answer netip.AddrPort
		pkts   []pkt
		stray  int
	}{
		{"the answer's address", answer, []pkt{{answer, true, false}, {answer, true, false}, {other, false, false}}, 1},
		{"behind NAT: learnt", answer, []pkt{{nat, true, false}, {nat, true, false}, {other, false, false}}, 1},
		{"flood first, then the answer wins", answer, []pkt{{other, true, false}, {other, true, false}, {answer, true, true}, {other, false, false}, {answer, true, false}}, 1},
		{"before the answer is known", netip.AddrPort{}, []pkt{{nat, true, false}, {other, false, false}}, 1},
		{"IPv4-mapped", answer, []pkt{{netip.AddrPortFrom(netip.AddrFrom16(answer.Addr().As16()), 4000), true, false}, {answer, true, false}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := peerFilter{answer: tt.answer}
			for i, k := range tt.pkts {
				if ok, re := p.rtp(k.from); ok != k.ok || re != k.relatch {
					t.Errorf("packet %d from %v: ok %v relatch %v, want %v %v", i, k.from, ok, re, k.ok, k.relatch)
				}
			}
			if p.stray != tt.stray {
				t.Errorf("stray %d, want %d", p.stray, tt.stray)
			}
			if p.rtcp(other) {
				t.Error("RTCP from a stranger counts")
			}
		})
	}
}

// TestStrayRTPDoesNotPoison: a stranger flooding our RTP port with more
// packets of its own SSRC than the far end sends neither becomes the
// stream we report on nor adds to its counts.
func TestStrayRTPDoesNotPoison(t *testing.T) {
	lo := netip.MustParseAddr("127.0.0.1")
	s, err := Open(lo)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	far, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(lo, 0)))
	if err != nil {
		t.Fatal(err)
	}
	defer far.Close()
	stranger, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(lo, 0)))
	if err != nil {
		t.Fatal(err)
	}
	defer stranger.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.Send(ctx, far.LocalAddr().(*net.UDPAddr).AddrPort(), Format{PT: 0, Encoding: "PCMU", Clock: 8000})
	to := net.UDPAddrFromAddrPort(netip.AddrPortFrom(lo, uint16(s.Port())))
	send := func(c *net.UDPConn, ssrc uint32, seq uint16) {
		b, _ := (&rtp.Packet{Header: rtp.Header{Version: 2, SSRC: ssrc, SequenceNumber: seq, Timestamp: uint32(seq) * 160}, Payload: make([]byte, 160)}).Marshal()
		if _, err := c.WriteToUDP(b, to); err != nil {
			t.Fatal(err)
		}
	}
	// The stranger first: it is learnt, until the answer's address speaks.
	for i := range 50 {
		send(stranger, 0xbad, uint16(i*7))
	}
	for i := range 20 {
		send(far, 0x600d, uint16(100+i))
		send(stranger, 0xbad, uint16(1000+i*7))
	}
	// Its first packet is A.1's probation: 19 of the 20 are counted.
	deadline := time.Now().Add(5 * time.Second)
	for {
		rep := s.Report()
		if rep.Stray >= 20 && s.Received() == 20 || time.Now().After(deadline) {
			if rep.Received == nil || rep.Received.SSRC != 0x600d || rep.Received.Received != 19 || rep.Received.Lost != 0 || s.Received() != 20 {
				t.Fatalf("received %+v (%d packets), stray %d", rep.Received, s.Received(), rep.Stray)
			}
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}
