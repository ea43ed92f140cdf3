package media

import (
	"math"
	"testing"
	"time"

	"github.com/pion/rtp"
)

// feed gives r packets of one SSRC with the sequence numbers seqs, 20 ms
// apart in arrival and timestamp.
func feed(r *Receiver, seqs ...uint16) {
	t0 := time.Unix(1e9, 0)
	for i, q := range seqs {
		r.Packet(&rtp.Header{SSRC: 7, SequenceNumber: q, Timestamp: uint32(q) * 160}, t0.Add(time.Duration(i)*Frame))
	}
}

func TestReceiverStats(t *testing.T) {
	tests := []struct {
		name                     string
		seqs                     []uint16
		expected, received, lost int64
		dups, reordered          int
		extHighest               uint32
	}{
		// A.1: the first packet is probation; counting starts at the second.
		{"in order", []uint16{10, 11, 12, 13}, 3, 3, 0, 0, 0, 13},
		{"probation only", []uint16{10}, 0, 0, 0, 0, 0, 0},
		{"probation restarts on a gap", []uint16{10, 12, 13, 14}, 2, 2, 0, 0, 0, 14},
		{"two lost", []uint16{1, 2, 3, 6, 7}, 6, 4, 2, 0, 0, 7},
		{"wraparound", []uint16{65533, 65534, 65535, 0, 1}, 4, 4, 0, 0, 0, 1<<16 + 1},
		{"wraparound with loss", []uint16{65534, 65535, 1, 2}, 4, 3, 1, 0, 0, 1<<16 + 2},
		// A.3: duplicates count as received, so lost may be negative.
		{"duplicates", []uint16{1, 2, 3, 3, 2, 4}, 3, 5, -2, 2, 0, 4},
		{"reordered", []uint16{1, 2, 4, 3, 5}, 4, 4, 0, 0, 1, 5},
		{"late across the wrap", []uint16{65534, 65535, 1, 0, 2}, 4, 4, 0, 0, 1, 1<<16 + 2},
		// A large jump is a restart only when the next packet follows it.
		{"restart confirmed", []uint16{1, 2, 3, 40000, 40001, 40002}, 2, 2, 0, 0, 0, 40002},
		{"stray jump ignored", []uint16{1, 2, 3, 40000, 4, 5}, 4, 4, 0, 0, 0, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r Receiver
			feed(&r, tt.seqs...)
			st, ok := r.Stats()
			if !ok {
				t.Fatal("no stats")
			}
			if st.Expected != tt.expected || st.Received != tt.received || st.Lost != tt.lost ||
				st.Duplicates != tt.dups || st.Reordered != tt.reordered || (tt.expected > 0 && st.ExtHighest != tt.extHighest) {
				t.Errorf("got expected %d received %d lost %d dups %d reordered %d ext %d, want %d %d %d %d %d %d",
					st.Expected, st.Received, st.Lost, st.Duplicates, st.Reordered, st.ExtHighest,
					tt.expected, tt.received, tt.lost, tt.dups, tt.reordered, tt.extHighest)
			}
		})
	}
}

func TestFractionLost(t *testing.T) {
	var r Receiver
	feed(&r, 1, 2, 3, 4, 6, 7, 8, 9) // 8 expected from 2, one lost
	s := r.main()
	if got := s.fractionLost(); got != 1<<8/8 {
		t.Errorf("fraction lost %d, want %d (1/8)", got, 1<<8/8)
	}
	if got := s.fractionLost(); got != 0 {
		t.Errorf("an empty interval: fraction lost %d, want 0", got)
	}
}

func TestJitter(t *testing.T) {
	t0 := time.Unix(1e9, 0)
	tests := []struct {
		name    string
		arrival func(i int) time.Duration
		want    float64 // timestamp units
	}{
		{"steady", func(i int) time.Duration { return time.Duration(i) * Frame }, 0},
		// Every other packet 4 ms late: |D| is 32 units each time, so J
		// tends to 32.
		{"alternating", func(i int) time.Duration { return time.Duration(i)*Frame + time.Duration(i%2)*4*time.Millisecond }, 32},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r Receiver
			r.SetFormat(Format{PT: 0, Encoding: "PCMU", Clock: 8000})
			for i := 0; i < 500; i++ {
				r.Packet(&rtp.Header{SSRC: 1, SequenceNumber: uint16(i), Timestamp: 4e9 + uint32(i)*160}, t0.Add(tt.arrival(i)))
			}
			if got := r.main().jitter; math.Abs(got-tt.want) > 0.5 {
				t.Errorf("jitter %.2f, want %.2f", got, tt.want)
			}
			st, _ := r.Stats()
			if want := time.Duration(tt.want / 8000 * float64(time.Second)); (st.Jitter - want).Abs() > 100*time.Microsecond {
				t.Errorf("jitter %v, want %v", st.Jitter, want)
			}
		})
	}
}

func TestManySSRCsBounded(t *testing.T) {
	var r Receiver
	for i := 0; i < 1000; i++ {
		r.Packet(&rtp.Header{SSRC: uint32(i), SequenceNumber: 1}, time.Unix(1, 0))
	}
	if len(r.sources) != maxSources || r.others != 1000-maxSources {
		t.Errorf("%d sources, %d others", len(r.sources), r.others)
	}
}
