package probe

import (
	"context"
	"math"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/rtprelay"
	"github.com/sipprobe/sipprobe/internal/testpbx"
	"github.com/sipprobe/sipprobe/results"
)

// relayed is a test PBX whose extension 600 is an Asterisk-like echo
// behind an impairment relay; relay returns the relay of the call.
func relayed(t *testing.T, echo testpbx.Echo, opts ...rtprelay.Option) (p *testpbx.PBX, relay func() *rtprelay.Relay) {
	t.Helper()
	var mu sync.Mutex
	var r *rtprelay.Relay
	via := func(m netip.AddrPort) netip.AddrPort {
		mu.Lock()
		defer mu.Unlock()
		r = rtprelay.Start(t, m, opts...)
		return r.Addr()
	}
	p = startPBX(t, testpbx.WithAccount("120", "pw",
		testpbx.Extension("600", testpbx.ExtensionBehaviour{Echo: &echo, MediaVia: via})))
	return p, func() *rtprelay.Relay {
		mu.Lock()
		defer mu.Unlock()
		if r == nil {
			t.Fatal("the call had no relay")
		}
		return r
	}
}

// mediaCall calls 600 with --rtp, holding for hold.
func mediaCall(t *testing.T, p *testpbx.PBX, hold time.Duration) (results.Result, *results.MediaDetails) {
	t.Helper()
	cfg := inviteConfig(p.Addr("udp"), func(c *Config) {
		c.Password, c.Invite.RTP, c.Invite.Hold = "pw", true, hold
		c.Invite.Codecs = []string{"pcmu"}
	})
	r := Run(context.Background(), KindInvite, cfg)
	if r.Details == nil || r.Details.Media == nil {
		t.Fatalf("no details.media: %s %+v", r.Diagnosis.ID, r.Diagnosis.Notes)
	}
	return r, r.Details.Media
}

// TestMediaQualityThroughRelay: loss exact to the packet in each direction
// against the relay's record, jitter within 10% of the relay's truth, and
// MOS falling as loss grows.
func TestMediaQualityThroughRelay(t *testing.T) {
	levels := []struct {
		name   string
		loss   float64
		wantID string
	}{
		{"0% loss", 0, "ok"},
		{"1% loss", 0.01, "ok"},
		{"5% loss", 0.05, "ok"},
		{"20% loss", 0.20, "poor-audio-quality"},
	}
	mos := make([]float64, len(levels))
	t.Run("levels", func(t *testing.T) {
		for i, lv := range levels {
			t.Run(lv.name, func(t *testing.T) {
				t.Parallel()
				imp := rtprelay.Impairment{Loss: lv.loss, Delay: 5 * time.Millisecond, Jitter: 20 * time.Millisecond}
				p, relay := relayed(t, testpbx.Echo{}, rtprelay.WithSeed(uint64(i+1)),
					rtprelay.With(rtprelay.Out, imp), rtprelay.With(rtprelay.In, imp))
				// 3 s: 150 packets, so even 1% drops at least one each way.
				r, m := mediaCall(t, p, 3*time.Second)
				if r.Diagnosis.ID != lv.wantID {
					t.Errorf("diagnosis %s, want %s: %s", r.Diagnosis.ID, lv.wantID, r.Diagnosis.Summary)
				}
				rl := relay()
				in := m.Received
				if in == nil {
					t.Fatal("nothing received")
				}
				dropped, total := rl.DroppedBefore(rtprelay.In, uint16(in.HighestSeq))
				if in.Lost != int64(dropped) || in.Expected != int64(total) {
					t.Errorf("received: lost %d of %d, relay dropped %d of %d", in.Lost, in.Expected, dropped, total)
				}
				if truth := rl.Jitter(rtprelay.In); math.Abs(float64(in.JitterMs.Duration()-truth)) > 0.1*float64(truth) {
					t.Errorf("received jitter %v, relay's truth %v", in.JitterMs.Duration(), truth)
				}
				s := m.Sent
				if s.CumulativeLost == nil || s.HighestSeq == nil {
					t.Fatalf("no RTCP report on our stream: %s", s.NoReport)
				}
				if dropped, _ := rl.DroppedBefore(rtprelay.Out, uint16(*s.HighestSeq)); *s.CumulativeLost != int64(dropped) {
					t.Errorf("sent: far end reports %d lost, relay dropped %d", *s.CumulativeLost, dropped)
				}
				if m.RTTMs == nil || m.EModel == nil || !m.EModel.RTTMeasured {
					t.Errorf("no RTT (rtcp sent %d, received %d)", m.RTCPSent, m.RTCPReceived)
				}
				if lv.loss > 0 && math.Abs(in.LossRatio-lv.loss) > lv.loss/2+0.005 {
					t.Errorf("received loss ratio %.3f for %g", in.LossRatio, lv.loss)
				}
				t.Logf("received %d/%d lost %d (%.1f%%) jitter %v (truth %v); sent: far lost %d (%.1f%%); rtt %v ms; MOS %.2f R %.1f",
					in.Received, in.Expected, in.Lost, 100*in.LossRatio, in.JitterMs.Duration(), rl.Jitter(rtprelay.In),
					*s.CumulativeLost, 100**s.LossRatio, *m.RTTMs, m.MOS, m.RFactor)
				mos[i] = m.MOS
			})
		}
	})
	for i := 1; i < len(mos); i++ {
		if !(mos[i] < mos[i-1]) {
			t.Errorf("MOS %v: not strictly falling with loss", mos)
		}
	}
}

// TestMediaFaults: one-way audio either way names the direction; a far end
// without RTCP is no fault; a far end reporting high loss on our stream is
// poor audio although what we receive is clean.
func TestMediaFaults(t *testing.T) {
	cases := []struct {
		name   string
		echo   testpbx.Echo
		relay  []rtprelay.Option
		wantID string
		check  func(t *testing.T, m *results.MediaDetails)
	}{
		{name: "one-way inbound", echo: testpbx.Echo{NoSend: true}, wantID: "one-way-audio",
			check: func(t *testing.T, m *results.MediaDetails) {
				if m.OneWay != "inbound" || !m.ReceivedNone {
					t.Errorf("one way %q, received none %v", m.OneWay, m.ReceivedNone)
				}
			}},
		{name: "one-way outbound", echo: testpbx.Echo{NoReceive: true}, wantID: "one-way-audio",
			check: func(t *testing.T, m *results.MediaDetails) {
				if m.OneWay != "outbound" || m.Received == nil {
					t.Errorf("one way %q, received %+v", m.OneWay, m.Received)
				}
			}},
		{name: "no RTCP from the far end", echo: testpbx.Echo{NoRTCP: true}, wantID: "ok",
			check: func(t *testing.T, m *results.MediaDetails) {
				if m.Sent.NoReport != "no-rtcp" || m.Sent.CumulativeLost != nil || m.OneWay != "" || m.RTTMs != nil {
					t.Errorf("sent %+v, one way %q, rtt %v", m.Sent, m.OneWay, m.RTTMs)
				}
				if m.Received == nil || m.MOS < 4 {
					t.Errorf("received %+v, MOS %v", m.Received, m.MOS)
				}
			}},
		{name: "far end reports high loss", wantID: "poor-audio-quality",
			relay: []rtprelay.Option{rtprelay.With(rtprelay.Out, rtprelay.Impairment{Loss: 0.25})},
			check: func(t *testing.T, m *results.MediaDetails) {
				if m.Received == nil || m.Received.Lost != 0 || m.Sent.LossRatio == nil || *m.Sent.LossRatio < 0.2 {
					t.Errorf("received %+v, sent %+v", m.Received, m.Sent)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, _ := relayed(t, tc.echo, tc.relay...)
			r, m := mediaCall(t, p, 2500*time.Millisecond)
			if r.Diagnosis.ID != tc.wantID {
				t.Errorf("diagnosis %s, want %s: %s", r.Diagnosis.ID, tc.wantID, r.Diagnosis.Summary)
			}
			tc.check(t, m)
		})
	}
}
