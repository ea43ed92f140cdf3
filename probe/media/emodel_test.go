package media

import (
	"math"
	"testing"
	"time"
)

func TestMOSFromR(t *testing.T) {
	// G.107 Annex B points.
	tests := []struct{ r, mos float64 }{
		{-5, 1}, {0, 1}, {50, 2.575}, {60, 3.1}, {70, 3.597}, {80, 4.024}, {93.2, 4.409}, {100, 4.5}, {120, 4.5},
	}
	for _, tt := range tests {
		if got := MOSFromR(tt.r); math.Abs(got-tt.mos) > 0.001 {
			t.Errorf("R %g: MOS %.4f, want %.3f", tt.r, got, tt.mos)
		}
	}
}

func TestEModel(t *testing.T) {
	g711, _ := ImpairmentOf("PCMU")
	g729, _ := ImpairmentOf("G729")
	tests := []struct {
		name string
		in   EModelInputs
		r    float64
	}{
		{"G.711 clean, no delay", EModelInputs{Impairment: g711}, 93.2},
		// Ie,eff = 95*1/(1+25.1) = 3.640
		{"G.711 1% loss", EModelInputs{Impairment: g711, LossPercent: 1}, 93.2 - 95.0/26.1},
		// Ie,eff = 11 + 84*2/(2+19) = 19
		{"G.729 2% loss", EModelInputs{Impairment: g729, LossPercent: 2}, 93.2 - 19},
		// Id = 0.024*200 + 0.11*22.7 = 7.297
		{"G.711 200 ms", EModelInputs{Impairment: g711, Delay: 200 * time.Millisecond}, 93.2 - 7.297},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EModel(tt.in).R; math.Abs(got-tt.r) > 0.001 {
				t.Errorf("R %.3f, want %.3f", got, tt.r)
			}
		})
	}
	prev := 5.0
	for _, loss := range []float64{0, 1, 5, 20} {
		m := EModel(EModelInputs{Impairment: g711, LossPercent: loss}).MOS
		if m >= prev {
			t.Errorf("loss %g%%: MOS %.2f not below %.2f", loss, m, prev)
		}
		prev = m
	}
}
