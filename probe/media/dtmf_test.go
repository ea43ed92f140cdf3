package media

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/pion/rtp"
)

func TestEventEncodeDecode(t *testing.T) {
	cases := []struct {
		name  string
		ev    Event
		wire  []byte
		digit byte
	}{
		// RFC 4733 §2.3: event, E|R|volume, 16-bit duration.
		{name: "digit 1 start", ev: Event{Code: 1, Volume: 10, Length: 160}, wire: []byte{1, 0x0a, 0x00, 0xa0}, digit: '1'},
		{name: "hash end", ev: Event{Code: 11, End: true, Volume: 10, Length: 800}, wire: []byte{11, 0x8a, 0x03, 0x20}, digit: '#'},
		{name: "star", ev: Event{Code: 10, Volume: 63, Length: 65535}, wire: []byte{10, 0x3f, 0xff, 0xff}, digit: '*'},
		{name: "D", ev: Event{Code: 15, End: true, Length: 1}, wire: []byte{15, 0x80, 0x00, 0x01}, digit: 'D'},
		{name: "flash is no digit", ev: Event{Code: 16, Volume: 5, Length: 320}, wire: []byte{16, 0x05, 0x01, 0x40}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.ev.Append(nil); !bytes.Equal(got, tc.wire) {
				t.Errorf("Append = % x, want % x", got, tc.wire)
			}
			got, err := ParseEvent(tc.wire)
			if err != nil || got != tc.ev {
				t.Errorf("ParseEvent = %+v, %v; want %+v", got, err, tc.ev)
			}
			d, ok := got.Digit()
			if ok != (tc.digit != 0) || d != tc.digit {
				t.Errorf("Digit = %q %v, want %q", d, ok, tc.digit)
			}
		})
	}
	t.Run("R bit ignored", func(t *testing.T) {
		if got, _ := ParseEvent([]byte{5, 0x4a, 0, 160}); got != (Event{Code: 5, Volume: 10, Length: 160}) {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("short", func(t *testing.T) {
		if _, err := ParseEvent([]byte{1, 2, 3}); !errors.Is(err, ErrShortEvent) {
			t.Errorf("err %v", err)
		}
	})
}

func TestParseDigits(t *testing.T) {
	cases := []struct{ in, want, bad string }{
		{in: "1234#", want: "1234#"},
		{in: "0123456789*#ABCD", want: "0123456789*#ABCD"},
		{in: "abcd", want: "ABCD"},
		{in: "", want: ""},
		{in: "12x4", bad: "'x'"},
		{in: "1,2", bad: "','"},
		{in: "1 2", bad: "' '"},
		{in: "9é", bad: "'é'"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseDigits(tc.in)
			if tc.bad != "" {
				if !errors.Is(err, ErrDTMFDigit) || !bytes.Contains([]byte(err.Error()), []byte(tc.bad)) {
					t.Errorf("err %v, want %s named", err, tc.bad)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// TestScheduleOnTheWire plays a schedule through the sender's hook the way
// Send does, one voice packet per frame, and checks the packets RFC 4733
// §2.5.1 asks for.
func TestScheduleOnTheWire(t *testing.T) {
	var s Session
	s.SendDTMF("1#", 101)
	voice := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 0, SequenceNumber: 65530, Timestamp: 4294967000, SSRC: 7}, Payload: []byte{0xff}}
	var out []rtp.Packet
	for range dtmfLeadIn + 2*(toneFrames+gapFrames) + 3 {
		out = append(out, s.dtmf.during(voice))
		voice.SequenceNumber++
		voice.Timestamp += 160
	}
	for i, p := range out {
		if p.SequenceNumber != uint16(65530+i) || p.SSRC != 7 {
			t.Fatalf("packet %d: seq %d ssrc %d: events share the stream's numbering", i, p.SequenceNumber, p.SSRC)
		}
	}
	for i := range dtmfLeadIn {
		if out[i].PayloadType != 0 {
			t.Fatalf("packet %d of the lead-in is PT %d", i, out[i].PayloadType)
		}
	}
	for n, d := range []byte{'1', '#'} {
		start := dtmfLeadIn + n*(toneFrames+gapFrames)
		wantTS := uint32(4294967000) + uint32(start)*160 // wraps: the clock keeps running
		t.Run(string(d), func(t *testing.T) {
			for k := range toneFrames + endRepeats {
				p := out[start+k]
				ev, err := ParseEvent(p.Payload)
				if err != nil || p.PayloadType != 101 || p.Timestamp != wantTS {
					t.Fatalf("frame %d: PT %d ts %d (want %d) %v", k, p.PayloadType, p.Timestamp, wantTS, err)
				}
				if got, _ := ev.Digit(); got != d {
					t.Errorf("frame %d: digit %q", k, got)
				}
				if p.Marker != (k == 0) {
					t.Errorf("frame %d: marker %v: only the event's first packet has it", k, p.Marker)
				}
				wantLen, wantEnd := uint16(160*(k+1)), false
				if k >= toneFrames {
					wantLen, wantEnd = 800, true // the end packet, three times
				}
				if ev.Length != wantLen || ev.End != wantEnd || ev.Volume != dtmfVolume {
					t.Errorf("frame %d: %+v, want length %d end %v", k, ev, wantLen, wantEnd)
				}
			}
			for k := toneFrames + endRepeats; k < toneFrames+gapFrames; k++ {
				if p := out[start+k]; p.PayloadType != 0 || p.Timestamp != wantTS+uint32(k)*160 {
					t.Errorf("frame %d: PT %d ts %d: voice resumes on the running clock", k, p.PayloadType, p.Timestamp)
				}
			}
		})
	}
	if got := s.DTMF(); len(got) != 2 || got[0].Digit != '1' || got[1].Digit != '#' || got[0].Echoed {
		t.Errorf("sent %+v", got)
	}
	if d := DTMFLength("1#"); d != time.Duration(dtmfLeadIn+20)*Frame {
		t.Errorf("DTMFLength %v", d)
	}
}

func TestDetector(t *testing.T) {
	at := time.Unix(100, 0)
	pkt := func(_, _ uint32, ev Event) []byte { return ev.Append(nil) }
	type in struct {
		ssrc, ts uint32
		payload  []byte
	}
	cases := []struct {
		name string
		in   []in
		want string // digits, with + for an ended one
	}{
		{name: "retransmissions are one digit", in: []in{
			{1, 1000, pkt(1, 1000, Event{Code: 1, Length: 160})},
			{1, 1000, pkt(1, 1000, Event{Code: 1, Length: 320})},
			{1, 1000, pkt(1, 1000, Event{Code: 1, End: true, Length: 800})},
			{1, 1000, pkt(1, 1000, Event{Code: 1, End: true, Length: 800})},
		}, want: "1+"},
		{name: "end lost", in: []in{{1, 1000, pkt(1, 1000, Event{Code: 4, Length: 160})}}, want: "4"},
		{name: "only the end arrived", in: []in{{1, 1000, pkt(1, 1000, Event{Code: 11, End: true, Length: 800})}}, want: "#+"},
		{name: "the same digit twice", in: []in{
			{1, 1000, pkt(1, 1000, Event{Code: 5, End: true})},
			{1, 2600, pkt(1, 2600, Event{Code: 5, End: true})},
		}, want: "5+5+"},
		{name: "two streams", in: []in{
			{1, 1000, pkt(1, 1000, Event{Code: 2})},
			{2, 1000, pkt(2, 1000, Event{Code: 2})},
		}, want: "22"},
		{name: "no digit events and junk ignored", in: []in{
			{1, 1000, pkt(1, 1000, Event{Code: 16})},
			{1, 1100, []byte{1, 2}},
			{1, 1200, nil},
			{1, 1300, pkt(1, 1300, Event{Code: 12})},
		}, want: "A"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var d detector
			for _, p := range tc.in {
				d.observe(p.ssrc, p.ts, p.payload, at)
			}
			got := ""
			for _, e := range d.events {
				got += string(e.Digit)
				if e.Ended {
					got += "+"
				}
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("bounded", func(t *testing.T) {
		var d detector
		for ts := range uint32(10 * maxEvents) {
			d.observe(1, ts, []byte{1, 0, 0, 0}, at)
		}
		if len(d.events) != maxEvents || len(d.seen) != maxEvents {
			t.Errorf("kept %d events, %d keys", len(d.events), len(d.seen))
		}
	})
}

func TestMatchDigits(t *testing.T) {
	t0 := time.Unix(100, 0)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	sent := func(digits string) []SentDigit {
		var out []SentDigit
		for i := range len(digits) {
			out = append(out, SentDigit{Digit: digits[i], At: ms(200 * i)})
		}
		return out
	}
	got := func(digits string, delay int) []Detected {
		var out []Detected
		for i := range len(digits) {
			out = append(out, Detected{Digit: digits[i], At: ms(200*i + delay), Ended: true})
		}
		return out
	}
	cases := []struct {
		name   string
		sent   []SentDigit
		got    []Detected
		echoed string
		delay  time.Duration
	}{
		{name: "all back", sent: sent("1234#"), got: got("1234#", 40), echoed: "1234#", delay: 40 * time.Millisecond},
		{name: "none back", sent: sent("1234#"), echoed: ""},
		{name: "some lost", sent: sent("1234#"), got: []Detected{{Digit: '1', At: ms(30)}, {Digit: '3', At: ms(430)}, {Digit: '#', At: ms(830)}}, echoed: "13#", delay: 30 * time.Millisecond},
		{name: "repeated digit, one lost", sent: sent("11"), got: []Detected{{Digit: '1', At: ms(230)}}, echoed: "1"},
		{name: "an event before we sent is not an echo", sent: sent("5"), got: []Detected{{Digit: '5', At: ms(-10)}}, echoed: ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := matchDigits(tc.sent, tc.got)
			if len(res) != len(tc.sent) {
				t.Fatalf("%d results for %d digits", len(res), len(tc.sent))
			}
			echoed := ""
			for _, r := range res {
				if r.Echoed {
					echoed += string(r.Digit)
				}
			}
			if echoed != tc.echoed {
				t.Errorf("echoed %q, want %q", echoed, tc.echoed)
			}
			if tc.delay > 0 && res[0].Delay != tc.delay {
				t.Errorf("delay %v, want %v", res[0].Delay, tc.delay)
			}
		})
	}
}

// FuzzDTMFEvent: any payload the far end sends under the telephone-event
// payload type is parsed or refused without a panic, and the detector
// stays bounded.
func FuzzDTMFEvent(f *testing.F) {
	f.Add([]byte{1, 0x8a, 0x03, 0x20}, uint32(1), uint32(2))
	f.Add([]byte{}, uint32(0), uint32(0))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff}, uint32(1<<31), uint32(1<<32-1))
	f.Fuzz(func(t *testing.T, payload []byte, ssrc, ts uint32) {
		ev, err := ParseEvent(payload)
		if err == nil && !bytes.Equal(ev.Append(nil), append([]byte{payload[0], payload[1] &^ 0x40}, payload[2:4]...)) {
			t.Errorf("% x does not round-trip: %+v", payload, ev)
		}
		var d detector
		for i := range uint32(3) {
			d.observe(ssrc, ts+i%2, payload, time.Unix(0, 0))
		}
		if len(d.events) > 2 {
			t.Errorf("%d events from two timestamps", len(d.events))
		}
	})
}
