package media

import (
	"math"
	"time"
)

// RFC 3550 Appendix A.1: a source is valid after minSequential packets in
// sequence; a jump of maxDropout or more (or back more than maxMisorder)
// is a restart once confirmed by the next packet.
const (
	maxDropout    = 3000
	maxMisorder   = 100
	minSequential = 2
	seqMod        = 1 << 16
	// seenWindow is how many recent sequence numbers a source remembers to
	// tell a duplicate from a late packet: more than maxMisorder, and a
	// fixed size, so a flood of packets costs no memory.
	seenWindow = 1024
)

// source is one SSRC's receive state: RFC 3550 A.1 (sequence), A.3
// (expected, lost, fraction) and A.8 (interarrival jitter), plus the
// duplicate and reorder counts A.1 leaves to the implementation.
type source struct {
	ssrc      uint32
	maxSeq    uint16
	cycles    uint32 // count of sequence number cycles, shifted (A.1)
	baseSeq   uint32
	badSeq    uint32
	probation int
	received  uint32
	// A.3: the state at our last report, for the interval fraction lost.
	expectedPrior, receivedPrior uint32

	// A.8: jitter in timestamp units, and the previous packet's arrival
	// and RTP timestamp (the transit difference needs no absolute clock).
	jitter      float64
	lastArrival time.Time
	lastTS      uint32
	haveTransit bool

	duplicates, reordered int
	seen                  [seenWindow]uint32 // extended seq + 1 at [ext % seenWindow]

	// From the source's Sender Reports: the middle 32 bits of its last
	// NTP timestamp and when it came (for our LSR/DLSR, RFC 3550 §6.4.1),
	// and the packets it says it sent.
	lastSR      uint32
	lastSRAt    time.Time
	packetsSent uint32
	haveSR      bool
}

// initSeq is A.1 init_seq.
func (s *source) initSeq(seq uint16) {
	s.baseSeq = uint32(seq)
	s.maxSeq = seq
	s.badSeq = seqMod + 1 // so seq == badSeq is false
	s.cycles = 0
	s.received = 0
	s.receivedPrior = 0
	s.expectedPrior = 0
	s.seen = [seenWindow]uint32{}
}

// newSource starts a source on its first packet (A.1: probation).
func newSource(ssrc uint32, seq uint16) *source {
	s := &source{ssrc: ssrc}
	s.initSeq(seq)
	s.maxSeq = seq - 1
	s.probation = minSequential
	return s
}

// extMax is the extended highest sequence number received (A.1).
func (s *source) extMax() uint32 { return s.cycles + uint32(s.maxSeq) }

// updateSeq is A.1 update_seq; it reports whether the packet counts. Its
// only additions: it remembers which sequence numbers came, to count a
// packet older than the highest as a duplicate or as reordered.
func (s *source) updateSeq(seq uint16) bool {
	udelta := seq - s.maxSeq
	if s.probation > 0 {
		if seq == s.maxSeq+1 {
			s.probation--
			s.maxSeq = seq
			if s.probation == 0 {
				s.initSeq(seq)
				s.received++
				s.mark(s.extMax())
				return true
			}
		} else {
			s.probation = minSequential - 1
			s.maxSeq = seq
		}
		return false
	}
	switch {
	case udelta < maxDropout:
		// In order, with a permissible gap.
		if udelta == 0 {
			s.duplicates++ // the highest again
		}
		if seq < s.maxSeq {
			s.cycles += seqMod // sequence number wrapped
		}
		s.maxSeq = seq
		s.mark(s.extMax())
	case uint32(udelta) <= seqMod-maxMisorder:
		// A very large jump: a restart if the next packet follows it.
		if uint32(seq) != s.badSeq {
			s.badSeq = (uint32(seq) + 1) & (seqMod - 1)
			return false
		}
		s.initSeq(seq)
		s.mark(s.extMax())
	default:
		// Behind the highest: a duplicate or a late (reordered) packet.
		ext := s.extMax() - uint32(s.maxSeq-seq)
		if s.isSeen(ext) {
			s.duplicates++
		} else {
			s.reordered++
			s.mark(ext)
		}
	}
	s.received++
	return true
}

func (s *source) mark(ext uint32)        { s.seen[ext%seenWindow] = ext + 1 }
func (s *source) isSeen(ext uint32) bool { return s.seen[ext%seenWindow] == ext+1 }

// expected is A.3's expected count: extended highest minus base, plus one.
func (s *source) expected() uint32 {
	if s.probation > 0 {
		return 0
	}
	return s.extMax() - s.baseSeq + 1
}

// lost is A.3's cumulative number of packets lost: negative when
// duplicates outnumber the losses.
func (s *source) lost() int64 { return int64(s.expected()) - int64(s.received) }

// fractionLost is A.3's fraction lost since the previous call, as the
// 8-bit fixed-point number a report block carries; it moves the interval.
func (s *source) fractionLost() uint8 {
	expected := s.expected()
	expectedInterval := expected - s.expectedPrior
	s.expectedPrior = expected
	receivedInterval := s.received - s.receivedPrior
	s.receivedPrior = s.received
	lostInterval := int64(expectedInterval) - int64(receivedInterval)
	if expectedInterval == 0 || lostInterval <= 0 {
		return 0
	}
	return uint8(min(255, (lostInterval<<8)/int64(expectedInterval)))
}

// updateJitter is A.8 for a packet with timestamp ts arriving at at, for
// a payload format of clock Hz: D(i-1,i) = (Rj - Ri) - (Sj - Si) in
// timestamp units, J += (|D| - J)/16.
func (s *source) updateJitter(at time.Time, ts uint32, clock uint32) {
	if clock == 0 {
		return
	}
	if s.haveTransit {
		arrival := at.Sub(s.lastArrival).Seconds() * float64(clock)
		d := arrival - float64(int32(ts-s.lastTS)) // the difference survives the timestamp wrapping
		s.jitter += (math.Abs(d) - s.jitter) / 16
	}
	s.lastArrival, s.lastTS, s.haveTransit = at, ts, true
}
