package media

import "time"

// Why the far end's view of our stream is missing (Report.FarMissing).
const (
	FarNoRTCPPort = "no-rtcp-port" // we could not bind RTP port + 1
	FarNoRTCP     = "no-rtcp"      // no RTCP came from the far end
	FarNoBlock    = "no-report"    // its RTCP said nothing about our stream
)

// One-way audio directions (Report.OneWay).
const (
	Inbound  = "inbound"  // our RTP arrives, the far end's does not reach us
	Outbound = "outbound" // the far end's RTP arrives, ours does not reach it
)

// FarStats is what the far end's latest RTCP report block said about our
// stream (RFC 3550 §6.4.1).
type FarStats struct {
	FractionLost   float64 // in its last report interval, 0 to 1
	CumulativeLost int64
	// Expected is how many of our packets it should have had by its
	// highest sequence number; LossRatio is CumulativeLost of it.
	Expected   int64
	LossRatio  float64
	Jitter     time.Duration
	ExtHighest uint32
}

// Report is the media side of a test call: per direction, the round trip
// and the E-model estimate. It knows nothing of SIP.
type Report struct {
	Codec string
	// Sent counts our RTP packets; Received is our measurement of the far
	// end's stream (nil when no RTP came).
	Sent     int
	Received *StreamStats
	// Far is the far end's report on our stream; nil with FarMissing
	// saying why.
	Far        *FarStats
	FarMissing string
	RTCPSent   int
	RTCPRecv   int
	RTT        time.Duration
	HaveRTT    bool
	// Stray counts RTP packets from an address other than the far end's
	// (strict.go): not in Received.
	Stray int
	// Estimate is the E-model estimate; nil when nothing was measured
	// or the codec has no E-model figures.
	Estimate *Estimate
}

// Report is the session's figures so far.
func (s *Session) Report() Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := Report{Codec: s.format.Encoding, Sent: s.Sent(), RTCPSent: s.rtcpSent, RTCPRecv: s.far.packets,
		RTT: s.far.rtt, HaveRTT: s.far.haveRTT, Stray: s.peer.stray}
	if st, ok := s.rcv.Stats(); ok && st.Received > 0 {
		r.Received = &st
	}
	switch {
	case s.far.haveBlock:
		b := s.far.block
		f := &FarStats{FractionLost: float64(b.FractionLost) / 256, CumulativeLost: lostOf(b.TotalLost),
			ExtHighest: b.LastSequenceNumber, Expected: int64(b.LastSequenceNumber-uint32(s.snd.firstSeq)) + 1}
		if s.snd.clock != 0 {
			f.Jitter = time.Duration(float64(b.Jitter) / float64(s.snd.clock) * float64(time.Second))
		}
		if f.Expected > 0 && f.CumulativeLost > 0 {
			f.LossRatio = min(1, float64(f.CumulativeLost)/float64(f.Expected))
		}
		r.Far = f
	case s.rtcp == nil:
		r.FarMissing = FarNoRTCPPort
	case s.far.packets == 0:
		r.FarMissing = FarNoRTCP
	default:
		r.FarMissing = FarNoBlock
	}
	r.Estimate = r.estimate()
	return r
}

// OneWay names the direction that fails when audio goes only one way,
// once we sent at least minSent packets: the far end's RTP never came
// while its RTCP shows ours arrived (Inbound), or its RTP came while its
// reports, a while into our stream, never mention ours (Outbound). ""
// when both flow, and when nothing tells (no RTP back and no RTCP: the
// caller's no-RTP-back case).
func (s *Session) OneWay(minSent int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Sent() < minSent {
		return ""
	}
	st, ok := s.rcv.Stats()
	got := ok && st.Received > 0
	switch {
	case !got && s.far.everReceived:
		return Inbound
	case got && !s.far.everReceived && s.far.reports > 0:
		return Outbound
	}
	return ""
}

// estimate is the E-model estimate from the worse direction's loss and
// the jitter buffer for the worse jitter (twice it, a common adaptive
// buffer's depth).
func (r Report) estimate() *Estimate {
	imp, ok := ImpairmentOf(r.Codec)
	if !ok || r.Received == nil && r.Far == nil {
		return nil
	}
	var loss float64
	var jitter time.Duration
	if r.Received != nil {
		loss, jitter = r.Received.LossRatio, r.Received.Jitter
	}
	if r.Far != nil {
		loss, jitter = max(loss, r.Far.LossRatio), max(jitter, r.Far.Jitter)
	}
	in := EModelInputs{Codec: r.Codec, Impairment: imp, BurstR: burstRandom, LossPercent: 100 * loss,
		RTT: r.RTT, HaveRTT: r.HaveRTT, JitterBuffer: 2 * jitter}
	in.Delay = r.RTT/2 + in.JitterBuffer + Frame + imp.Delay
	e := EModel(in)
	return &e
}
