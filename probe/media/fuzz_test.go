package media

import (
	"testing"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
)

// FuzzRTPStats feeds arbitrary packets, as 12-byte headers and a gap in
// arrival, into the receiver statistics: no panic, the sources stay
// bounded, and the figures stay consistent.
func FuzzRTPStats(f *testing.F) {
	f.Add([]byte{0x80, 0, 0, 1, 0, 0, 0, 160, 0, 0, 0, 7, 0x80, 0, 0, 2, 0, 0, 1, 64, 0, 0, 0, 7})
	f.Add([]byte{0x80, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4})
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Receiver
		r.SetFormat(Format{PT: 0, Encoding: "PCMU", Clock: 8000})
		at := time.Unix(1e9, 0)
		for len(data) >= 12 {
			var h rtp.Header
			if _, err := h.Unmarshal(data[:12]); err == nil {
				at = at.Add(time.Duration(data[1]) * time.Millisecond)
				r.Packet(&h, at)
			}
			data = data[12:]
		}
		if len(r.sources) > maxSources {
			t.Fatalf("%d sources", len(r.sources))
		}
		if st, ok := r.Stats(); ok {
			if st.LossRatio < 0 || st.LossRatio > 1 || st.Jitter < 0 {
				t.Fatalf("stats %+v", st)
			}
		}
		for _, s := range r.sources {
			_ = s.fractionLost()
		}
	})
}

// FuzzRTCP feeds arbitrary compound RTCP packets to the far-end state and
// builds our report after: no panic.
func FuzzRTCP(f *testing.F) {
	sr, _ := rtcp.Marshal([]rtcp.Packet{&rtcp.SenderReport{SSRC: 1, NTPTime: 1 << 40, Reports: []rtcp.ReceptionReport{{SSRC: 7, TotalLost: 0xffffff, LastSenderReport: 5, Delay: 9}}}})
	rr, _ := rtcp.Marshal([]rtcp.Packet{&rtcp.ReceiverReport{SSRC: 1, Reports: []rtcp.ReceptionReport{{SSRC: 7, FractionLost: 255}}},
		&rtcp.SourceDescription{Chunks: []rtcp.SourceDescriptionChunk{{Source: 1, Items: []rtcp.SourceDescriptionItem{{Type: rtcp.SDESCNAME, Text: "x"}}}}}})
	f.Add(sr)
	f.Add(rr)
	f.Add([]byte{0x81, 200, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		var far farEnd
		now := time.Unix(1e9, 0)
		far.handle(data, now, 7, true)
		if isRTCP(data) {
			far.handle(data, now.Add(time.Second), 7, false)
		}
		var rcv Receiver
		rcv.Packet(&rtp.Header{SSRC: far.lastSRSSRC, SequenceNumber: 1}, now)
		rcv.Packet(&rtp.Header{SSRC: far.lastSRSSRC, SequenceNumber: 2}, now)
		snd := sender{ssrc: 7, packets: 1, clock: 8000, lastAt: now}
		if _, err := rtcp.Marshal(report(&snd, &rcv, &far, now.Add(time.Second), "sipprobe")); err != nil {
			t.Fatalf("our report does not marshal: %v", err)
		}
		if far.haveRTT && far.rtt < 0 {
			t.Fatalf("negative RTT %v", far.rtt)
		}
	})
}
