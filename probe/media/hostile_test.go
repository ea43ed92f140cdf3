package media

import (
	"math"
	"testing"
	"time"

	"github.com/pion/rtcp"
)

// TestRoundTripHostile: only a block about an SR we sent gives a round
// trip, and never a negative or enormous one.
func TestRoundTripHostile(t *testing.T) {
	sentAt := time.Unix(1e9, 0)
	at := sentAt.Add(300 * time.Millisecond)
	ours := middle32(ntpTime(sentAt))
	tests := []struct {
		name      string
		lsr, dlsr uint32
		want      time.Duration // 0: no RTT
	}{
		{"honest: 300 ms minus 100 ms held", ours, 1 << 16 / 10, 200 * time.Millisecond},
		{"LSR of no SR of ours", ours - 1<<16*1000, 0, 0},
		{"DLSR beyond the arrival: negative", ours, 1 << 16, 0},
		{"DLSR the whole clock", ours, math.MaxUint32, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f farEnd
			f.sentSR(ours)
			f.roundTrip(rtcp.ReceptionReport{SSRC: 7, LastSenderReport: tt.lsr, Delay: tt.dlsr}, at)
			if tt.want == 0 {
				if f.haveRTT {
					t.Errorf("RTT %v from a bogus block", f.rtt)
				}
				return
			}
			if !f.haveRTT || (f.rtt-tt.want).Abs() > time.Millisecond {
				t.Errorf("RTT %v (have %v), want %v", f.rtt, f.haveRTT, tt.want)
			}
		})
	}
}

// TestEModelBounded: whatever the inputs, R stays in 0..100 and the MOS
// in 1..4.5, finite, so a result always renders as JSON.
func TestEModelBounded(t *testing.T) {
	g711, _ := ImpairmentOf("PCMU")
	for _, in := range []EModelInputs{
		{Impairment: g711, Delay: 1 << 62},
		{Impairment: g711, LossPercent: math.NaN()},
		{Impairment: g711, LossPercent: math.Inf(1)},
		{Impairment: g711, LossPercent: 1e12},
		{Impairment: g711, LossPercent: -5},
		{Impairment: Impairment{Ie: 200}},
	} {
		e := EModel(in)
		if !(e.R >= 0 && e.R <= 100 && e.MOS >= 1 && e.MOS <= 4.5) {
			t.Errorf("%+v: R %v, MOS %v", in, e.R, e.MOS)
		}
	}
}
