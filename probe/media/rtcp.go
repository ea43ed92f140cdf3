package media

import (
	"time"

	"github.com/pion/rtcp"
)

// ntpEpochOffset is the seconds from 1900 (NTP's era 0) to 1970.
const ntpEpochOffset = 2208988800

// ntpTime is t as a 64-bit NTP timestamp (RFC 3550 §4).
func ntpTime(t time.Time) uint64 {
	secs := uint64(t.Unix() + ntpEpochOffset)
	frac := uint64(t.Nanosecond()) << 32 / uint64(time.Second)
	return secs<<32 | frac
}

// middle32 is the middle 32 bits of an NTP timestamp: the LSR of a report
// block and the unit (1/65536 s) of DLSR and RTT (RFC 3550 §6.4.1).
func middle32(ntp uint64) uint32 { return uint32(ntp >> 16) }

// ntpShort converts 1/65536 s units to a duration.
func ntpShort(v uint32) time.Duration {
	return time.Duration(uint64(v) * uint64(time.Second) >> 16)
}

// farEnd is what the far end's RTCP told us about our stream.
type farEnd struct {
	packets int // compound RTCP packets that parsed
	// reports counts its SR/RR after our stream had been going a while
	// (see Session.settled); aboutUs those with a block for our SSRC.
	reports, aboutUs int
	block            rtcp.ReceptionReport // the latest block about our SSRC
	haveBlock        bool
	// everReceived: a block said it got at least one packet of ours.
	everReceived bool
	packetsSent  uint32 // from its latest SR: its own stream
	haveSR       bool
	rtt          time.Duration
	haveRTT      bool
	// Its latest SR, for the LSR/DLSR of our report block about it.
	lastSRSSRC uint32
	lastSR     uint32
	lastSRAt   time.Time
	// ourSRs are the LSR values of the Sender Reports we sent last (a
	// ring): a block whose LSR is none of them is stale or bogus and gives
	// no round trip.
	ourSRs [8]uint32
	ourSRn int
}

// sentSR remembers the LSR value of a Sender Report of ours.
func (f *farEnd) sentSR(lsr uint32) {
	f.ourSRs[f.ourSRn%len(f.ourSRs)] = lsr
	f.ourSRn++
}

// isOurSR: lsr is one of the Sender Reports we sent last.
func (f *farEnd) isOurSR(lsr uint32) bool {
	for i := range min(f.ourSRn, len(f.ourSRs)) {
		if f.ourSRs[i] == lsr {
			return true
		}
	}
	return false
}

// handle takes one compound RTCP packet that arrived at at; ours is our
// SSRC, settled whether our stream has been going long enough for a
// report without a block about it to mean it does not arrive, firstSeq
// our stream's first (extended) sequence number.
func (f *farEnd) handle(b []byte, at time.Time, ours uint32, settled bool) {
	pkts, err := rtcp.Unmarshal(b)
	if err != nil {
		return
	}
	f.packets++
	for _, p := range pkts {
		var blocks []rtcp.ReceptionReport
		switch p := p.(type) {
		case *rtcp.SenderReport:
			f.lastSRSSRC, f.lastSR, f.lastSRAt = p.SSRC, middle32(p.NTPTime), at
			f.packetsSent, f.haveSR = p.PacketCount, true
			blocks = p.Reports
		case *rtcp.ReceiverReport:
			blocks = p.Reports
		default:
			continue
		}
		found := false
		for _, rr := range blocks {
			if rr.SSRC != ours {
				continue
			}
			found = true
			f.block, f.haveBlock = rr, true
			// A receiver reports only on sources it heard (§6.4): a block
			// about us means our RTP arrived.
			f.everReceived = true
			f.roundTrip(rr, at)
		}
		if settled {
			f.reports++
			if found {
				f.aboutUs++
			}
		}
	}
}

// roundTrip is RFC 3550 §6.4.1: RTT = A - LSR - DLSR, with A the arrival
// of the report, all in the middle 32 bits of NTP time. A block without
// LSR (no SR of ours arrived yet) tells nothing, nor does one whose LSR
// names no SR we sent: then A - LSR, the bound of an honest RTT, means
// nothing and a hostile DLSR could make the RTT anything.
func (f *farEnd) roundTrip(rr rtcp.ReceptionReport, at time.Time) {
	if rr.LastSenderReport == 0 || !f.isOurSR(rr.LastSenderReport) {
		return
	}
	since := middle32(ntpTime(at)) - rr.LastSenderReport // A - LSR
	if since >= 1<<31 || rr.Delay > since {
		return // negative: clocks or a bogus block
	}
	f.rtt, f.haveRTT = ntpShort(since-rr.Delay), true
}

// lostOf reads the signed 24-bit cumulative number of packets lost.
func lostOf(v uint32) int64 {
	v &= 0xffffff
	if v&0x800000 != 0 {
		return int64(v) - 1<<24
	}
	return int64(v)
}

// clampLost is the cumulative lost as the signed 24-bit field carries it.
func clampLost(n int64) uint32 {
	n = max(-1<<23, min(1<<23-1, n))
	return uint32(n) & 0xffffff
}

// sender is our stream's state, for RTP and for our Sender Reports.
type sender struct {
	ssrc     uint32
	seq      uint16
	ts       uint32
	clock    uint32
	packets  uint32
	octets   uint32
	firstSeq uint16
	started  time.Time // the first packet's send time
	lastAt   time.Time // the last packet's send time
	lastTS   uint32
}

// report builds our compound RTCP packet at now (RFC 3550 §6.1): an SR
// once we have sent RTP (else an RR), with a block about the main source
// we receive, and the SDES CNAME every compound packet must carry.
func report(snd *sender, rcv *Receiver, far *farEnd, now time.Time, cname string) []rtcp.Packet {
	var blocks []rtcp.ReceptionReport
	if s := rcv.main(); s != nil && s.probation == 0 {
		rr := rtcp.ReceptionReport{
			SSRC:               s.ssrc,
			FractionLost:       s.fractionLost(),
			TotalLost:          clampLost(s.lost()),
			LastSequenceNumber: s.extMax(),
			Jitter:             uint32(s.jitter),
		}
		if far.lastSRSSRC == s.ssrc && !far.lastSRAt.IsZero() {
			rr.LastSenderReport = far.lastSR
			rr.Delay = uint32(now.Sub(far.lastSRAt) * (1 << 16) / time.Second)
		}
		blocks = append(blocks, rr)
	}
	var first rtcp.Packet
	if snd.packets > 0 {
		// The RTP timestamp of now on our stream's clock (§6.4.1).
		ts := snd.lastTS + uint32(now.Sub(snd.lastAt).Seconds()*float64(snd.clock))
		far.sentSR(middle32(ntpTime(now)))
		first = &rtcp.SenderReport{SSRC: snd.ssrc, NTPTime: ntpTime(now), RTPTime: ts,
			PacketCount: snd.packets, OctetCount: snd.octets, Reports: blocks}
	} else {
		first = &rtcp.ReceiverReport{SSRC: snd.ssrc, Reports: blocks}
	}
	sdes := &rtcp.SourceDescription{Chunks: []rtcp.SourceDescriptionChunk{{
		Source: snd.ssrc, Items: []rtcp.SourceDescriptionItem{{Type: rtcp.SDESCNAME, Text: cname}},
	}}}
	return []rtcp.Packet{first, sdes}
}

// isRTCP tells RTCP from RTP on one port (RFC 5761 §4): RTCP packet types
// 192–223 fall where RTP would have a marker and payload type 64–95.
func isRTCP(b []byte) bool { return len(b) >= 2 && b[1] >= 192 && b[1] <= 223 }
