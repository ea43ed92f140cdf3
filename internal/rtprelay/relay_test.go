package rtprelay

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/pion/rtp"
)

// The relay is the media tests' ground truth, so its record must be what
// actually crossed it: every packet it did not drop arrives, the loss is
// the configured fraction of the packets after the spare ones, the same
// seed drops the same packets, and an unimpaired direction loses nothing.
func TestRelayRecordIsTheTruth(t *testing.T) {
	const n = 200
	run := func(t *testing.T, seed uint64) (*Relay, int, int) {
		far := listen(t)
		r := Start(t, far.LocalAddr().(*net.UDPAddr).AddrPort(), WithSeed(seed),
			With(Out, Impairment{Loss: 0.1, Jitter: 2 * time.Millisecond}))
		caller := listen(t)
		to := net.UDPAddrFromAddrPort(r.Addr())
		for i := range n {
			b, _ := (&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: uint16(1000 + i), Timestamp: uint32(160 * i), SSRC: 7}}).Marshal()
			if _, err := caller.WriteToUDP(b, to); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Millisecond)
		}
		gotFar := drain(far, 300*time.Millisecond, func(b []byte, from netip.AddrPort) {
			_, _ = far.WriteToUDPAddrPort(b, from) // echo back through the relay (In)
		})
		gotCaller := drain(caller, 300*time.Millisecond, nil)
		return r, gotFar, gotCaller
	}
	r, gotFar, gotCaller := run(t, 7)
	ev := r.Events(Out)
	dropped := 0
	for _, e := range ev {
		if e.Dropped {
			dropped++
		}
	}
	if len(ev) != n {
		t.Fatalf("relay recorded %d packets out, sent %d", len(ev), n)
	}
	if gotFar != n-dropped {
		t.Errorf("far end got %d packets, relay says %d of %d dropped", gotFar, dropped, n)
	}
	if want := (n - 5) / 10; dropped < want || dropped > want+1 { // 5 spare packets never drop
		t.Errorf("dropped %d, want 10%% of the %d after the spare ones (%d)", dropped, n-5, want)
	}
	if gotCaller != gotFar {
		t.Errorf("the unimpaired way back lost packets: caller got %d of %d", gotCaller, gotFar)
	}
	for _, e := range r.Events(In) {
		if e.Dropped {
			t.Fatalf("unimpaired direction dropped seq %d", e.Seq)
		}
	}
	t.Run("same seed, same pattern", func(t *testing.T) {
		again, _, _ := run(t, 7)
		a, b := r.Events(Out), again.Events(Out)
		for i := range min(len(a), len(b)) {
			if a[i].Dropped != b[i].Dropped {
				t.Fatalf("packet %d: dropped %v then %v with the same seed", i, a[i].Dropped, b[i].Dropped)
			}
		}
	})
}

func listen(t *testing.T) *net.UDPConn {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// drain reads c until it has been quiet for idle and counts the packets.
func drain(c *net.UDPConn, idle time.Duration, each func([]byte, netip.AddrPort)) int {
	buf := make([]byte, 2048)
	got := 0
	for {
		_ = c.SetReadDeadline(time.Now().Add(idle))
		n, from, err := c.ReadFromUDPAddrPort(buf)
		if err != nil {
			return got
		}
		got++
		if each != nil {
			each(buf[:n], from)
		}
	}
}
