package media

import (
	"strings"
	"time"
)

// The E-model (ITU-T G.107) reduced as voice-quality monitors use it:
// with G.107's default values for everything a probe cannot measure
// (noise, loudness, sidetone, echo loss), R0 - Is = 93.2 and
//
//	R = 93.2 - Id - Ie,eff
//	Ie,eff = Ie + (95 - Ie) * Ppl / (Ppl/BurstR + Bpl)   (G.107 §3.6, Ppl in %)
//
// with Id from the one-way mouth-to-ear delay Ta in ms by Cole and
// Rosenbluth's fit of G.107's delay impairment (ACM CCR 31(2), 2001):
//
//	Id = 0.024*Ta + 0.11*(Ta - 177.3)*H(Ta - 177.3)
//
// The MOS is G.107 Annex B's mapping of R (MOSFromR).
const (
	rDefault = 93.2
	// burstRandom is BurstR for random loss: we do not model loss bursts.
	burstRandom = 1.0
)

// Impairment is a codec's E-model figures: the equipment impairment Ie,
// the packet-loss robustness Bpl, and its algorithmic delay (look-ahead)
// on top of our 20 ms packets; Source says where the figures come from.
type Impairment struct {
	Ie, Bpl float64
	Delay   time.Duration
	Source  string
}

// ImpairmentOf is the table for the codecs we offer (by rtpmap encoding
// name); false for any other.
//
//   - G.711 (PCMU, PCMA): Ie 0, Bpl 25.1: G.113 Appendix I, G.711 with the
//     packet loss concealment of G.711 Appendix I, as every PBX and phone
//     runs it.
//   - G.729: Ie 11, Bpl 19.0: G.113 Appendix I (G.729A with VAD); 5 ms
//     look-ahead.
//   - G.722: Ie 0, Bpl 25.1. The narrowband E-model cannot credit a
//     wideband codec (G.107.1 has the wideband scale), and at 64 kbit/s
//     its coding distortion is no worse than G.711's; G.113 gives no
//     narrowband Bpl for it, so we assume concealment as good as G.711
//     Appendix I (G.722 Appendices III/IV). 1.5 ms QMF delay.
//   - Opus: Ie 0, Bpl 25.1. No ITU-T figures exist; at VoIP bitrates
//     listening tests rate Opus at or above G.711, and its concealment at
//     least as good as G.711 Appendix I's, so the same values; 6.5 ms
//     look-ahead (RFC 6716 §2: 26.5 ms algorithmic delay at 20 ms frames).
func ImpairmentOf(encoding string) (Impairment, bool) {
	switch strings.ToUpper(encoding) {
	case "PCMU", "PCMA":
		return Impairment{Ie: 0, Bpl: 25.1, Source: "G.113 App. I (G.711 + PLC)"}, true
	case "G729":
		return Impairment{Ie: 11, Bpl: 19, Delay: 5 * time.Millisecond, Source: "G.113 App. I (G.729A + VAD)"}, true
	case "G722":
		return Impairment{Ie: 0, Bpl: 25.1, Delay: 1500 * time.Microsecond, Source: "assumed as G.711 + PLC (narrowband scale)"}, true
	case "OPUS":
		return Impairment{Ie: 0, Bpl: 25.1, Delay: 6500 * time.Microsecond, Source: "assumed as G.711 + PLC (no ITU-T values)"}, true
	}
	return Impairment{}, false
}

// EModelInputs is what an estimate was made of.
type EModelInputs struct {
	Codec string
	Impairment
	BurstR float64
	// LossPercent is Ppl: the worse direction's packet loss in percent.
	LossPercent float64
	// Delay is Ta, the one-way mouth-to-ear delay: half the RTT (zero when
	// no RTT was measured), the jitter buffer, our 20 ms packets and the
	// codec's look-ahead.
	Delay        time.Duration
	RTT          time.Duration
	HaveRTT      bool
	JitterBuffer time.Duration
}

// Estimate is an E-model estimate: R and the MOS it maps to.
type Estimate struct {
	R, MOS float64
	Inputs EModelInputs
}

// EModel computes R and the MOS for in.
func EModel(in EModelInputs) Estimate {
	ta := float64(in.Delay) / float64(time.Millisecond)
	id := 0.024 * ta
	if ta > 177.3 {
		id += 0.11 * (ta - 177.3)
	}
	burst := in.BurstR
	if burst <= 0 {
		burst = burstRandom
	}
	ppl := in.LossPercent
	if !(ppl > 0) { // NaN too: a far end's report is data
		ppl = 0
	}
	ppl = min(100, ppl)
	ieEff := in.Ie
	if ppl > 0 {
		ieEff = in.Ie + (95-in.Ie)*ppl/(ppl/burst+in.Bpl)
	}
	// R is 0 to 100 (G.107 §7.2); a delay of minutes, which a bogus RTCP
	// report can claim, would take the formula far below 0.
	r := rDefault - id - ieEff
	if !(r > 0) {
		r = 0
	}
	r = min(100, r)
	return Estimate{R: r, MOS: MOSFromR(r), Inputs: in}
}

// MOSFromR is G.107 Annex B (B-4): MOS 1 below R 0, 4.5 above R 100,
// 1 + 0.035R + R(R-60)(100-R)·7·10⁻⁶ between.
func MOSFromR(r float64) float64 {
	switch {
	case r <= 0:
		return 1
	case r >= 100:
		return 4.5
	}
	return 1 + 0.035*r + r*(r-60)*(100-r)*7e-6
}
