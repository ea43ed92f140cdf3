package results

import (
	"strings"

	"github.com/sipprobe/sipprobe/catalog"
)

// DTMFDetails is what --dtmf found: the RFC 4733 digits sent after the
// answer and which of them an echo extension sent back.
type DTMFDetails struct {
	// Sent is the digits whose events went out, in order.
	Sent string `json:"sent"`
	// Negotiated: the SDP answer accepted telephone-event; without it no
	// digit is sent.
	Negotiated bool `json:"negotiated"`
	// PT is the payload type the answer gave telephone-event.
	PT      int    `json:"pt,omitempty"`
	Echoed  string `json:"echoed"`
	Missing string `json:"missing"`
	// MedianMs is the median of the echoed digits' DelayMs.
	MedianMs Millis      `json:"median_ms,omitempty"`
	Digits   []DTMFDigit `json:"digits,omitempty"`
}

// DTMFDigit is one sent digit: whether it came back, and the time from
// its first packet out to the first echoed one.
type DTMFDigit struct {
	Digit   string `json:"digit"`
	Echoed  bool   `json:"echoed"`
	DelayMs Millis `json:"delay_ms,omitempty"`
	// Ended: the echo's end packet (E bit) came back too.
	Ended bool `json:"ended,omitempty"`
}

// writeDTMF is the DTMF line of the text report.
func writeDTMF(b *strings.Builder, d *DTMFDetails, l catalog.Lang) {
	if !d.Negotiated {
		b.WriteString(Msg(l, "dtmf-not-negotiated") + "\n")
		return
	}
	echoed := Safe(d.Echoed)
	if echoed == "" {
		echoed = Msg(l, "dtmf-none")
	}
	b.WriteString(Msg(l, "dtmf", orDash(Safe(d.Sent)), echoed))
	if d.MedianMs > 0 {
		b.WriteString(Msg(l, "dtmf-median", fmtMs(d.MedianMs)))
	}
	if d.Missing != "" && d.Sent != "" {
		b.WriteString(Msg(l, "dtmf-missing", Safe(d.Missing)))
	}
	b.WriteString("\n")
}
