package probe

import (
	"fmt"
	"slices"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/probe/media"
	"github.com/sipprobe/sipprobe/results"
)

// dtmfSettle is how long the hold runs on after the last digit, for its
// echo to come back.
const dtmfSettle = 300 * time.Millisecond

// ValidateDTMF checks a --dtmf string; the CLI and scenario files use
// it. The error names the first character that is no DTMF digit.
func ValidateDTMF(digits string) error {
	_, err := media.ParseDigits(digits)
	return err
}

// validateDTMF checks --dtmf: a usage error names the bad character.
func (ic InviteConfig) validateDTMF() error {
	if ic.DTMF == "" {
		return nil
	}
	if err := ValidateDTMF(ic.DTMF); err != nil {
		return fmt.Errorf("%w: --dtmf %q: %w", ErrConfig, ic.DTMF, err)
	}
	if ic.CodecSweep {
		return fmt.Errorf("%w: --dtmf needs a held call; --codec-sweep holds none", ErrConfig)
	}
	return nil
}

// digits is --dtmf as sent (A-D in upper case); "" when none.
func (ic InviteConfig) digits() string {
	d, err := media.ParseDigits(ic.DTMF)
	if err != nil {
		return "" // Validate refused it before the call
	}
	return d
}

// sendsRTP: --rtp, or --dtmf, whose events travel in the RTP stream.
func (ic InviteConfig) sendsRTP() bool { return ic.RTP || ic.DTMF != "" }

// withDTMF adds telephone-event to the offer when --dtmf needs it and
// --codecs left it out: no digits can be sent without it (RFC 4733 §7).
func (ic InviteConfig) withDTMF(offer []codec) []codec {
	if ic.DTMF == "" || slices.ContainsFunc(offer, func(c codec) bool { return c.event }) {
		return offer
	}
	ev, _ := codecByName("telephone-event")
	return append(offer, ev)
}

// dtmfHold is the hold, made long enough for the digits (half a second
// of voice first, 200 ms per digit, then time for the last echo); a
// lengthened hold is noted.
func (c *call) dtmfHold(hold time.Duration, ex *catalog.Exchange) time.Duration {
	digits := c.s.cfg.Invite.digits()
	if digits == "" || c.dtmf == nil {
		return hold
	}
	need := media.DTMFLength(digits) + dtmfSettle
	if hold >= need {
		return hold
	}
	addNote(ex, catalog.NewNote("dtmf-hold-extended", "hold", hold.String(), "dur", need.String()))
	return need
}

// startDTMF queues the digits for the sender, with the payload type the
// answer gave telephone-event.
func (c *call) startDTMF() {
	if digits := c.s.cfg.Invite.digits(); digits != "" && c.dtmf != nil {
		c.media.SendDTMF(digits, c.dtmf.pt)
	}
}

// reportDTMF fills details.dtmf after the hold. A far end that did not
// negotiate telephone-event got no digits, so the DTMF check the user
// asked for did not run: dtmf-not-negotiated. Digits missing from an echo
// that returned RTP are dtmf-not-echoed. Without any RTP back,
// no-rtp-back says more.
func (c *call) reportDTMF(d *results.Details, ex *catalog.Exchange) {
	digits := c.s.cfg.Invite.digits()
	if digits == "" {
		return
	}
	out := &results.DTMFDetails{Negotiated: c.dtmf != nil}
	d.DTMF = out
	if c.dtmf == nil {
		ex.DTMFNotNegotiated = true
		return
	}
	out.PT = int(c.dtmf.pt)
	var delays []time.Duration
	for _, r := range c.media.DTMF() {
		dd := results.DTMFDigit{Digit: string(r.Digit), Echoed: r.Echoed, Ended: r.Ended}
		out.Sent += dd.Digit
		if r.Echoed {
			dd.DelayMs = results.MillisOf(r.Delay)
			delays = append(delays, r.Delay)
			out.Echoed += dd.Digit
		} else {
			out.Missing += dd.Digit
		}
		out.Digits = append(out.Digits, dd)
	}
	out.MedianMs = results.MillisOf(median(delays))
	if len(out.Sent) < len(digits) {
		addNote(ex, catalog.NewNote("dtmf-unsent", "text", digits[len(out.Sent):]))
	}
	if out.Missing != "" && c.media.Received() > 0 {
		ex.DTMFNotEchoed, ex.DTMFMissing = true, out.Missing
	}
}

// median of ds, 0 for none.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}
