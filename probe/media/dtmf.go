package media

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/pion/rtp"
)

// Errors of the DTMF digits and events.
var (
	// ErrDTMFDigit: a character of --dtmf is no DTMF digit.
	ErrDTMFDigit = errors.New("not a DTMF digit")
	// ErrShortEvent: a telephone-event payload is shorter than 4 bytes.
	ErrShortEvent = errors.New("telephone-event payload shorter than 4 bytes")
)

// The sender's schedule of one digit, in 20 ms frames.
const (
	// dtmfLeadIn is the voice sent before the first digit, so an echo has
	// settled (jitter buffer, media path) when the digits start.
	dtmfLeadIn = 25
	// toneFrames: each digit is a ~100 ms tone, one update per frame with
	// the same timestamp and a growing duration (RFC 4733 §2.5.1.2).
	toneFrames = 5
	// endRepeats: the final packet goes out three times (RFC 4733 §2.5.1.4).
	endRepeats = 3
	// gapFrames is the pause from a tone's end to the next digit (~100
	// ms); the end retransmissions fall into it, voice fills the rest.
	gapFrames = 5
	// dtmfVolume is the tone's power level, -10 dBm0 (RFC 4733 §2.3.2).
	dtmfVolume = 10
	// eventClock is telephone-event's clock: we offer telephone-event/8000
	// and take only an answer with that rate.
	eventClock = 8000
	// eventStep is one frame in telephone-event timestamp units.
	eventStep = eventClock * Frame / time.Second
	// maxEvents bounds what the detector keeps, whatever the far end sends.
	maxEvents = 256
)

// dtmfDigits are the DTMF digits in the order of their event codes 0-15
// (RFC 4733 §3.2).
const dtmfDigits = "0123456789*#ABCD"

// ParseDigits checks a --dtmf string and returns it with A-D in upper
// case; the error names the first character that is no DTMF digit.
func ParseDigits(s string) (string, error) {
	for _, r := range s {
		if !strings.ContainsRune(dtmfDigits, unicode.ToUpper(r)) {
			return "", fmt.Errorf("%w: %q (want 0-9, *, #, A-D)", ErrDTMFDigit, r)
		}
	}
	return strings.ToUpper(s), nil
}

// DTMFLength is how long the schedule of digits takes once voice flows,
// lead-in included.
func DTMFLength(digits string) time.Duration {
	if digits == "" {
		return 0
	}
	return time.Duration(dtmfLeadIn+len(digits)*(toneFrames+gapFrames)) * Frame
}

// Event is one telephone-event payload (RFC 4733 §2.3).
type Event struct {
	Code   uint8  // 0-9, 10 *, 11 #, 12-15 A-D for DTMF (§3.2)
	End    bool   // the E bit: this packet ends the event
	Volume uint8  // the power level in -dBm0, 0-63
	Length uint16 // the duration so far, in timestamp units
}

// Append writes e's four bytes after dst:
//
//	|     event     |E|R| volume    |          duration             |
func (e Event) Append(dst []byte) []byte {
	b := e.Volume & 0x3f
	if e.End {
		b |= 0x80
	}
	return binary.BigEndian.AppendUint16(append(dst, e.Code, b), e.Length)
}

// ParseEvent reads a telephone-event payload. Bytes after the first four
// (RFC 2198 redundancy is not negotiated) are ignored; the R bit is
// ignored as the receiver must (§2.3).
func ParseEvent(b []byte) (Event, error) {
	if len(b) < 4 {
		return Event{}, ErrShortEvent
	}
	return Event{Code: b[0], End: b[1]&0x80 != 0, Volume: b[1] & 0x3f, Length: binary.BigEndian.Uint16(b[2:])}, nil
}

// Digit is the DTMF digit of the event, false for other events (flash,
// the modem and fax tones of RFC 4734).
func (e Event) Digit() (byte, bool) {
	if int(e.Code) >= len(dtmfDigits) {
		return 0, false
	}
	return dtmfDigits[e.Code], true
}

// step is one frame of the schedule: a telephone-event packet, or voice
// when digit is 0.
type step struct {
	digit  byte
	frames uint16 // tone frames so far: the duration in frames
	first  bool   // the event's first packet: marker bit, new timestamp
	end    bool
}

// schedule is the frames of digits after the lead-in: per digit the tone
// updates, its end packet three times, then voice to the next digit.
func schedule(digits string) []step {
	var out []step
	for range dtmfLeadIn {
		out = append(out, step{})
	}
	for i := 0; i < len(digits); i++ {
		d := digits[i]
		for n := 1; n <= toneFrames; n++ {
			out = append(out, step{digit: d, frames: uint16(n), first: n == 1})
		}
		for range endRepeats {
			out = append(out, step{digit: d, frames: toneFrames, end: true})
		}
		for range gapFrames - endRepeats {
			out = append(out, step{})
		}
	}
	return out
}

// SentDigit is a digit whose first packet went out, and when.
type SentDigit struct {
	Digit byte
	At    time.Time
}

// Detected is one event the far end sent: one per (SSRC, timestamp),
// however often it was retransmitted (RFC 4733 §2.5.2).
type Detected struct {
	Digit     byte
	SSRC      uint32
	Timestamp uint32
	At        time.Time // the first packet seen
	Ended     bool      // an end packet arrived
}

// detector turns received telephone-event packets into digits.
type detector struct {
	seen   map[[2]uint32]int // (SSRC, timestamp) → index into events
	events []Detected
}

// observe takes the payload of one telephone-event packet.
func (d *detector) observe(ssrc, ts uint32, payload []byte, at time.Time) {
	e, err := ParseEvent(payload)
	if err != nil {
		return
	}
	digit, ok := e.Digit()
	if !ok {
		return
	}
	k := [2]uint32{ssrc, ts}
	if i, ok := d.seen[k]; ok {
		d.events[i].Ended = d.events[i].Ended || e.End
		return
	}
	if len(d.events) >= maxEvents {
		return
	}
	if d.seen == nil {
		d.seen = map[[2]uint32]int{}
	}
	d.seen[k] = len(d.events)
	d.events = append(d.events, Detected{Digit: digit, SSRC: ssrc, Timestamp: ts, At: at, Ended: e.End})
}

// DigitResult is what became of one sent digit.
type DigitResult struct {
	Digit  byte
	Echoed bool
	Ended  bool          // the echo's end packet came back too
	Delay  time.Duration // from our first packet of it to the first echoed one
}

// matchDigits pairs each sent digit, in order, with the next received
// event of the same digit seen after it went out; an echo keeps the order.
func matchDigits(sent []SentDigit, got []Detected) []DigitResult {
	out := make([]DigitResult, 0, len(sent))
	j := 0
	for _, s := range sent {
		r := DigitResult{Digit: s.Digit}
		for k := j; k < len(got); k++ {
			if got[k].Digit == s.Digit && !got[k].At.Before(s.At) {
				r.Echoed, r.Ended, r.Delay = true, got[k].Ended, got[k].At.Sub(s.At)
				j = k + 1
				break
			}
		}
		out = append(out, r)
	}
	return out
}

// dtmf is a Session's DTMF: the schedule SendDTMF queued for the sender,
// the digits that went out and the events that came back.
type dtmf struct {
	mu      sync.Mutex
	on      bool
	pt      uint8
	plan    []step
	eventTS uint32 // the RTP timestamp of the event in play
	sent    []SentDigit
	got     detector
}

// SendDTMF queues digits (checked by ParseDigits) as RFC 4733 events with
// payload type pt, the one the answer gave telephone-event. The sender
// plays them after half a second of voice; events that come back with pt
// are detected from now on.
func (s *Session) SendDTMF(digits string, pt uint8) {
	s.dtmf.mu.Lock()
	defer s.dtmf.mu.Unlock()
	s.dtmf.on, s.dtmf.pt, s.dtmf.plan = true, pt, schedule(digits)
}

// DTMF reports each digit sent so far and whether and how fast it came
// back.
func (s *Session) DTMF() []DigitResult {
	s.dtmf.mu.Lock()
	defer s.dtmf.mu.Unlock()
	return matchDigits(s.dtmf.sent, s.dtmf.got.events)
}

// during returns the packet to send in voice's place: voice itself, or
// the schedule's telephone-event packet while a digit plays. The event
// shares the stream's SSRC and sequence numbers; its timestamp is the
// event's start while the stream's clock runs on (RFC 4733 §2.5.1).
func (d *dtmf) during(voice rtp.Packet) rtp.Packet {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.plan) == 0 {
		return voice
	}
	st := d.plan[0]
	d.plan = d.plan[1:]
	if st.digit == 0 {
		return voice
	}
	if st.first {
		d.eventTS = voice.Timestamp
		d.sent = append(d.sent, SentDigit{Digit: st.digit, At: time.Now()})
	}
	code := uint8(strings.IndexByte(dtmfDigits, st.digit))
	ev := Event{Code: code, End: st.end, Volume: dtmfVolume, Length: st.frames * uint16(eventStep)}
	out := voice
	out.PayloadType, out.Timestamp, out.Marker = d.pt, d.eventTS, st.first
	out.Payload = ev.Append(nil)
	return out
}

// observe hands a received packet with the telephone-event payload type
// to the detector.
func (d *dtmf) observe(p *rtp.Packet, at time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.on && p.PayloadType == d.pt {
		d.got.observe(p.SSRC, p.Timestamp, p.Payload, at)
	}
}
