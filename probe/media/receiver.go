package media

import (
	"time"

	"github.com/pion/rtp"
)

// maxSources bounds the SSRCs a Receiver tracks: a call has one or two
// (a PBX switching sources); packets of further SSRCs are only counted.
const maxSources = 8

// Receiver keeps RFC 3550 receive statistics per SSRC for the packets of
// one call. It is not safe for concurrent use; Session guards it.
type Receiver struct {
	format  Format // our negotiated format: its PT's clock rate for the jitter
	sources []*source
	others  int // valid RTP packets of SSRCs beyond maxSources
}

// SetFormat tells the Receiver the negotiated format, whose payload type
// may be dynamic (its clock then comes only from the rtpmap).
func (r *Receiver) SetFormat(f Format) { r.format = f }

// Packet accounts one valid RTP packet that arrived at at.
func (r *Receiver) Packet(h *rtp.Header, at time.Time) {
	s := r.source(h.SSRC, h.SequenceNumber)
	if s == nil {
		r.others++
		return
	}
	s.updateSeq(h.SequenceNumber)
	// A.8 over the audio packets only: telephone-events keep one
	// timestamp for a whole event (RFC 4733 §2.5.1.2) and would read as
	// jitter.
	s.updateJitter(at, h.Timestamp, r.clockOf(h.PayloadType))
}

// clockOf is the RTP clock rate of payload type pt: the negotiated
// format's, or a static RFC 3551 audio type's; 0 when unknown.
func (r *Receiver) clockOf(pt uint8) uint32 {
	if r.format.Clock != 0 && pt == r.format.PT {
		return r.format.Clock
	}
	switch pt {
	case 0, 3, 4, 5, 7, 8, 9, 12, 13, 15, 18: // RFC 3551 Table 4, 8000 Hz (G.722 too, §4.5.2)
		return 8000
	}
	return 0
}

// source finds or starts the state of ssrc.
func (r *Receiver) source(ssrc uint32, seq uint16) *source {
	for _, s := range r.sources {
		if s.ssrc == ssrc {
			return s
		}
	}
	if len(r.sources) >= maxSources {
		return nil
	}
	s := newSource(ssrc, seq)
	r.sources = append(r.sources, s)
	return s
}

// main is the source the report is about: the one with the most packets
// (an echo has one; a PBX that switched sources mid-call, its latest
// busy one).
func (r *Receiver) main() *source {
	var best *source
	for _, s := range r.sources {
		if best == nil || s.received+uint32(s.probation) > best.received+uint32(best.probation) {
			best = s
		}
	}
	return best
}

// Stats is the receive statistics of the main source, and false when no
// RTP came.
func (r *Receiver) Stats() (StreamStats, bool) {
	s := r.main()
	if s == nil {
		return StreamStats{}, false
	}
	st := StreamStats{
		SSRC:       s.ssrc,
		Expected:   int64(s.expected()),
		Received:   int64(s.received),
		Lost:       s.lost(),
		Duplicates: s.duplicates,
		Reordered:  s.reordered,
		ExtHighest: s.extMax(),
	}
	if s.probation > 0 {
		// Still on probation (A.1): one packet, or none in sequence.
		st.Received = 0
	}
	if st.Expected > 0 && st.Lost > 0 {
		st.LossRatio = float64(st.Lost) / float64(st.Expected)
	}
	if c := r.clockOf(r.format.PT); c != 0 && s.haveTransit {
		st.Jitter = time.Duration(s.jitter / float64(c) * float64(time.Second))
	}
	return st, true
}

// StreamStats is what one side measured of a stream: RFC 3550 A.3's
// expected, received and lost (lost may be negative with duplicates), the
// loss ratio (0 when lost is not positive), A.8's jitter in time.
type StreamStats struct {
	SSRC       uint32
	Expected   int64
	Received   int64
	Lost       int64
	LossRatio  float64
	Duplicates int
	Reordered  int
	Jitter     time.Duration
	// ExtHighest is the extended highest sequence number received.
	ExtHighest uint32
}
