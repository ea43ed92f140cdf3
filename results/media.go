package results

import (
	"fmt"
	"strings"

	"github.com/sipprobe/sipprobe/catalog"
)

// MediaDetails is the audio of a test call with --rtp, per direction
// (issue 12): received is our measurement of the far end's stream (RFC
// 3550 A.1/A.3/A.8), sent what the far end's RTCP said of ours. MOS and
// RFactor are an ITU-T G.107 E-model estimate from the inputs in EModel,
// not a listening test.
type MediaDetails struct {
	Codec    string         `json:"codec,omitempty"`
	Received *MediaReceived `json:"received,omitempty"`
	// ReceivedNone is true when no RTP came from the far end at all.
	ReceivedNone bool      `json:"received_none,omitempty"`
	Sent         MediaSent `json:"sent"`
	// RTTMs is the round trip from the far end's RTCP (LSR/DLSR); absent
	// when it never reported on one of our Sender Reports.
	RTTMs *Millis `json:"rtt_ms,omitempty"`
	// RTCPSent and RTCPReceived count the compound RTCP packets.
	RTCPSent     int     `json:"rtcp_sent"`
	RTCPReceived int     `json:"rtcp_received"`
	MOS          float64 `json:"mos,omitempty"`
	RFactor      float64 `json:"r_factor,omitempty"`
	EModel       *EModel `json:"e_model,omitempty"`
	// OneWay names the direction that fails when audio goes one way:
	// "inbound" (the far end's RTP does not reach us) or "outbound".
	OneWay string `json:"one_way,omitempty"`
	// StrayPackets counts RTP from an address other than the far end's
	// (the answer's, or the one its RTP came from first): not counted in
	// received.
	StrayPackets int `json:"stray_packets,omitempty"`
}

// MediaReceived is our measurement of the far end's stream.
type MediaReceived struct {
	Expected   int64   `json:"expected"`
	Received   int64   `json:"received"`
	Lost       int64   `json:"lost"` // negative when duplicates outnumber losses
	LossRatio  float64 `json:"loss_ratio"`
	Duplicates int     `json:"duplicates"`
	Reordered  int     `json:"reordered"`
	JitterMs   Millis  `json:"jitter_ms"`
	// HighestSeq is the extended highest sequence number received.
	HighestSeq uint32 `json:"highest_seq"`
}

// MediaSent is our stream: what we sent and the far end's latest RTCP
// report block on it. Without one, the report fields are absent and
// NoReport says why: no-rtcp (the far end sent none), no-report (its
// RTCP did not mention our stream), no-rtcp-port (we had no RTCP port).
type MediaSent struct {
	Packets        int      `json:"packets"`
	Expected       *int64   `json:"expected,omitempty"`
	FractionLost   *float64 `json:"fraction_lost,omitempty"`
	CumulativeLost *int64   `json:"cumulative_lost,omitempty"`
	LossRatio      *float64 `json:"loss_ratio,omitempty"`
	JitterMs       *Millis  `json:"jitter_ms,omitempty"`
	NoReport       string   `json:"no_report,omitempty"`
	// HighestSeq is the far end's extended highest sequence number of
	// ours, as its report says.
	HighestSeq *uint32 `json:"highest_seq,omitempty"`
}

// EModel is what the MOS estimate was computed from: the codec's Ie and
// Bpl (and where those come from), BurstR (1: random loss), the worse
// direction's loss in percent (Ppl), and the one-way delay Ta: half the
// RTT (0 when not measured), a jitter buffer of twice the worse jitter,
// our 20 ms packets and the codec's look-ahead.
type EModel struct {
	Ie             float64 `json:"ie"`
	Bpl            float64 `json:"bpl"`
	BurstR         float64 `json:"burst_r"`
	LossPercent    float64 `json:"loss_percent"`
	DelayMs        Millis  `json:"delay_ms"`
	JitterBufferMs Millis  `json:"jitter_buffer_ms"`
	RTTMeasured    bool    `json:"rtt_measured"`
	Source         string  `json:"source"`
}

// writeMedia is the compact media block of the text report.
func writeMedia(b *strings.Builder, m *MediaDetails, l catalog.Lang) {
	line := func(id string, args ...any) { b.WriteString(Msg(l, id, args...) + "\n") }
	pct := func(r float64) string { return fmt.Sprintf("%.1f%%", 100*r) }
	switch {
	case m.Received != nil:
		r := m.Received
		line("media-received", r.Received, r.Expected, r.Lost, pct(r.LossRatio), fmtMs(r.JitterMs))
		if r.Duplicates > 0 || r.Reordered > 0 {
			line("media-dups", r.Duplicates, r.Reordered)
		}
	case m.ReceivedNone:
		line("media-received-none")
	}
	s := m.Sent
	if s.CumulativeLost != nil && s.LossRatio != nil && s.JitterMs != nil {
		line("media-sent", s.Packets, *s.CumulativeLost, pct(*s.LossRatio), fmtMs(*s.JitterMs))
	} else {
		why := Safe(s.NoReport)
		if _, ok := messages["media-"+s.NoReport]; ok {
			why = Msg(l, "media-"+s.NoReport)
		}
		line("media-sent-noreport", s.Packets, why)
	}
	rtt := Msg(l, "media-rtt-none")
	if m.RTTMs != nil {
		rtt = fmtMs(*m.RTTMs)
	}
	if m.EModel != nil {
		e := m.EModel
		line("media-mos", m.MOS, m.RFactor, rtt, Safe(m.Codec), e.Ie, e.Bpl, e.LossPercent, fmtMs(e.DelayMs))
	} else {
		line("media-rtt", rtt)
	}
	if m.StrayPackets > 0 {
		line("media-stray", m.StrayPackets)
	}
}
