package media

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/pion/rtcp"
)

// TestRTCPByeOnStop: when the stream stops, the last RTCP compound ends
// with a BYE for our SSRC (RFC 3550 §6.6), after a report (§6.1: a
// compound starts with SR or RR).
func TestRTCPByeOnStop(t *testing.T) {
	lo := netip.MustParseAddr("127.0.0.1")
	for _, tc := range []struct {
		name string
		run  time.Duration
	}{
		{"after a second of audio", 1200 * time.Millisecond},
		{"after a few packets, before the first report", 100 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(lo)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			// The far end's RTP and RTCP ports, next to each other.
			var rtpConn, rtcpConn *net.UDPConn
			for range 50 {
				if rtpConn, err = net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(lo, 0))); err != nil {
					t.Fatal(err)
				}
				port := rtpConn.LocalAddr().(*net.UDPAddr).Port
				if rtcpConn, err = net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port + 1}); err == nil {
					break
				}
				rtpConn.Close()
			}
			if rtcpConn == nil {
				t.Fatal("no RTP/RTCP port pair")
			}
			defer rtpConn.Close()
			defer rtcpConn.Close()
			ctx, cancel := context.WithCancel(context.Background())
			s.Send(ctx, rtpConn.LocalAddr().(*net.UDPAddr).AddrPort(), Format{PT: 0, Encoding: "PCMU", Clock: 8000})
			time.Sleep(tc.run)
			cancel()
			var ssrc uint32
			gotBye := false
			buf := make([]byte, 1500)
			for {
				_ = rtcpConn.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
				n, err := rtcpConn.Read(buf)
				if err != nil {
					break
				}
				pkts, err := rtcp.Unmarshal(buf[:n])
				if err != nil || len(pkts) == 0 {
					t.Fatalf("bad RTCP: %v", err)
				}
				for i, p := range pkts {
					switch p := p.(type) {
					case *rtcp.SenderReport:
						ssrc = p.SSRC
					case *rtcp.Goodbye:
						if i == 0 || len(p.Sources) != 1 || p.Sources[0] != ssrc {
							t.Errorf("BYE %+v at %d of the compound, our SSRC %x", p, i, ssrc)
						}
						gotBye = true
					}
				}
			}
			if !gotBye {
				t.Error("no RTCP BYE when the stream stopped")
			}
		})
	}
}

// TestSendWithRTCP: the RTCP goes to the port the far end's SDP named,
// not to RTP + 1.
func TestSendWithRTCP(t *testing.T) {
	lo := netip.MustParseAddr("127.0.0.1")
	s, err := Open(lo)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	listen := func() *net.UDPConn {
		c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(lo, 0)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	rtpConn, rtcpConn := listen(), listen()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.SendWithRTCP(ctx, rtpConn.LocalAddr().(*net.UDPAddr).AddrPort(), rtcpConn.LocalAddr().(*net.UDPAddr).AddrPort(), Format{PT: 0, Encoding: "PCMU", Clock: 8000})
	buf := make([]byte, 1500)
	_ = rtcpConn.SetReadDeadline(time.Now().Add(3 * time.Second))
	n, err := rtcpConn.Read(buf)
	if err != nil {
		t.Fatalf("no RTCP at the given port: %v", err)
	}
	if pkts, err := rtcp.Unmarshal(buf[:n]); err != nil || len(pkts) == 0 {
		t.Fatalf("not RTCP: %v", err)
	}
}
