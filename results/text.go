package results

import (
	"fmt"
	"io"
	"strings"

	"github.com/sipprobe/sipprobe/catalog"
)

// TextOptions tune the human-readable renderer.
type TextOptions struct {
	Trace bool // print the message ladder first
	Color bool // ANSI colours (terminals only)
	// Lang is the language of the headings and labels (the diagnosis
	// comes in the language the probe ran with); empty means English.
	Lang catalog.Lang
	// ladderLast leaves the ladder out of WriteText for the caller to
	// write after the report (JUnit: the diagnosis first).
	ladderLast bool
}

const (
	ansiReset  = "\x1b[0m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiGreen  = "\x1b[32m"
	ansiDim    = "\x1b[2m"
)

func colorOf(s Status) string {
	switch s {
	case StatusOK:
		return ansiGreen
	case StatusWarning:
		return ansiYellow
	case StatusCritical:
		return ansiRed
	}
	return ansiYellow
}

// Paint wraps s in the status colour when colours are on.
func Paint(on bool, st Status, s string) string {
	if !on {
		return s
	}
	return colorOf(st) + s + ansiReset
}

// WriteText writes one result for a person: the verdict first, then the
// diagnosis with causes and remedies, then the supporting facts. Every
// string of the result passes through Safe (SafeLines in the ladder): much
// of it is what a server sent.
func WriteText(w io.Writer, r Result, o TextOptions) error {
	var b strings.Builder
	l := o.Lang
	if o.Trace && !o.ladderLast {
		writeLadder(&b, r.Messages, o.Color)
		b.WriteString("\n")
	}
	head := Safe(strings.ToUpper(r.Probe))
	if r.User != "" {
		head += " " + Safe(r.User)
	}
	head += " → " + Safe(r.Target) + " (" + Safe(r.Transport)
	if r.RemoteAddr != "" {
		head += " " + Safe(r.RemoteAddr)
	}
	if r.LocalAddr != "" {
		head += Msg(l, "from", Safe(r.LocalAddr))
	}
	head += ")"
	if r.Name != "" {
		head = Safe(r.Name) + ": " + head
	}
	b.WriteString(head + "\n")

	fmt.Fprintf(&b, "%s  ", Paint(o.Color, r.Status, Pad(StatusWord(l, r.Status), 8)))
	switch {
	case r.NotSent != nil:
		b.WriteString(Msg(l, "not-sent") + " (" + notSentText(r, l) + ")")
	case r.FinalCode != 0:
		fmt.Fprintf(&b, "%d %s", r.FinalCode, Safe(r.FinalReason))
	default:
		b.WriteString(Msg(l, "no-final"))
	}
	if r.NotSent == nil {
		b.WriteString(Msg(l, "took", fmtMs(r.Timings.Total)))
	}
	b.WriteString("\n")
	if r.Error != "" {
		b.WriteString(Msg(l, "error", Safe(r.Error)) + "\n")
	}
	d := r.Diagnosis
	if d.ID != "" {
		b.WriteString(Msg(l, "diagnosis", Safe(d.ID), Safe(d.Summary)) + "\n")
		if o := observedLine(r, l); o != "" {
			b.WriteString(o + "\n")
		}
		// The causes and remedies of a refusal a negative test expected
		// matter only when it is unexpected; --trace shows them anyway.
		if !(d.ID == "ok" && r.Status == StatusOK) && (!expectHeld(r) || o.Trace) {
			writeList(&b, Msg(l, "causes"), d.Causes)
			writeList(&b, Msg(l, "remedies"), d.Remedies)
		}
		writeList(&b, Msg(l, "observed"), d.Notes)
	}
	if r.Expect != nil {
		if r.Expect.Met {
			b.WriteString(expectMetLine(r, l) + "\n")
		} else {
			writeList(&b, Msg(l, "expect-unmet"), r.Expect.Reasons)
		}
	}
	writeDetails(&b, r, l)
	if len(r.Responses) > 0 {
		parts := make([]string, 0, len(r.Responses))
		for _, rs := range r.Responses {
			p := fmt.Sprintf("%d %s (%s)", rs.Code, Safe(rs.Reason), fmtMs(rs.AtMs))
			if rs.Method != "" && rs.Method != strings.ToUpper(r.Probe) {
				p = Safe(rs.Method) + " " + p
			}
			parts = append(parts, p)
		}
		b.WriteString(Msg(l, "responses", strings.Join(parts, ", ")) + "\n")
	}
	t := r.Timings
	if r.NotSent != nil {
		// Nothing was timed: zeros would read like a measurement.
		_, err := io.WriteString(w, b.String())
		return err
	}
	b.WriteString(Msg(l, "timings", fmtMs(t.Resolve), fmtMs(t.Connect), fmtMs(t.FirstResponse), fmtMs(t.Total)) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeList writes a heading and its items, each made Safe.
func writeList(b *strings.Builder, title string, items []string) {
	if len(items) == 0 {
		return
	}
	b.WriteString(title + ":\n")
	for _, it := range items {
		b.WriteString("  - " + Safe(it) + "\n")
	}
}

func writeDetails(b *strings.Builder, r Result, l catalog.Lang) {
	d := r.Details
	if d == nil {
		return
	}
	line := func(id string, args ...any) { b.WriteString(Msg(l, id, args...) + "\n") }
	if d.ServerAgent != "" && !mentioned(r.Diagnosis.Notes, d.ServerAgent) {
		line("server", Safe(d.ServerAgent))
	}
	if d.NAT != nil {
		if d.NAT.Detected {
			line("nat-detected", Safe(d.NAT.SentBy), Safe(d.NAT.Received), d.NAT.RPort)
		} else if d.NAT.Received != "" || d.NAT.RPort != 0 {
			line("nat-none", Safe(d.NAT.SentBy))
		}
	}
	if d.Mode != "" {
		switch d.Mode {
		case "check":
			line("mode-check")
		case "bind":
			if d.BindSkipped {
				line("mode-bind-skipped")
				break
			}
			b.WriteString(Msg(l, "mode-bind", Safe(d.BoundContact)))
			if d.BindingVerified != nil {
				b.WriteString(Msg(l, "bind-verified", yesNo(l, *d.BindingVerified)))
			}
			if d.Unbound != nil {
				b.WriteString(Msg(l, "bind-removed", yesNo(l, *d.Unbound)))
			}
			b.WriteString("\n")
		}
	}
	if d.ContactCount != nil {
		line("contacts", *d.ContactCount)
		for _, c := range d.Contacts {
			ours := ""
			if c.Ours {
				ours = " (sipprobe)"
			}
			line("contact", Safe(c.URI), c.Expires, ours)
		}
	}
	writeEvicted(b, d.Evicted, l)
	if len(d.Allow) > 0 {
		fmt.Fprintf(b, "Allow: %s\n", Safe(strings.Join(d.Allow, ", ")))
	}
	if d.AltTransport != nil {
		a := d.AltTransport
		if a.Answered {
			line("fallback-answered", Safe(strings.ToUpper(a.Transport)), a.Code, Safe(a.Reason), fmtMs(a.Ms))
		} else {
			line("fallback-silent", Safe(strings.ToUpper(a.Transport)), Safe(a.Error))
		}
	}
	if d.TLS != nil && d.TLS.Version != "" {
		// %q escapes control characters of the certificate's names itself.
		line("tls", Safe(d.TLS.Version), Safe(d.TLS.CipherSuite), d.TLS.ServerName, d.TLS.PeerSubject, d.TLS.PeerIssuer, Safe(d.TLS.NotAfter), tlsTrust(d.TLS, l))
	}
	if len(d.Resolution) > 0 && (r.Diagnosis.ID == "dns-failure") {
		line("dns-lookups")
		for _, lk := range d.Resolution {
			res := strings.Join(lk.Answer, ", ")
			if lk.Error != "" {
				res = lk.Error
			}
			at := ""
			if lk.Server != "" {
				at = " @" + lk.Server // as dig writes it
			}
			b.WriteString("  - " + Safe(lk.Type+" "+lk.Query+at+": "+res) + "\n")
		}
	}
	if d.Invite != nil {
		writeInvite(b, d.Invite, l)
	}
	// Without an SDP answer nothing was negotiated, encrypted or not.
	if d.SRTP != nil && (d.SRTP.Encrypted || d.Invite == nil || d.Invite.AnswerAddr != "") {
		writeSRTP(b, d.SRTP, l)
	}
	if d.Receive != nil {
		writeReceive(b, d.Receive, l)
	}
	if d.Media != nil {
		writeMedia(b, d.Media, l)
	}
	if d.DTMF != nil {
		writeDTMF(b, d.DTMF, l)
	}
}

func writeInvite(b *strings.Builder, in *InviteDetails, l catalog.Lang) {
	line := func(id string, args ...any) { b.WriteString(Msg(l, id, args...) + "\n") }
	list := func(s []string) string { return Safe(strings.Join(s, ", ")) }
	if len(in.OfferedCodecs) > 0 {
		line("offered-codecs", list(in.OfferedCodecs))
	}
	if len(in.AnsweredCodecs) > 0 || in.NegotiatedCodec != "" {
		line("answered-codecs", list(in.AnsweredCodecs), orDash(Safe(in.NegotiatedCodec)))
	}
	if in.AnswerAddr != "" {
		line("media-answer", Safe(in.AnswerAddr), in.AnswerPort)
	}
	if in.FirstProvisionalMs > 0 || in.RingingMs > 0 || in.AnswerMs > 0 || in.SetupMs > 0 {
		b.WriteString(Msg(l, "call-setup", fmtMs(in.FirstProvisionalMs), fmtMs(in.RingingMs), fmtMs(in.AnswerMs)))
		if in.SetupMs > 0 {
			b.WriteString(Msg(l, "setup-time", fmtMs(in.SetupMs)))
		}
		b.WriteString("\n")
	}
	if in.AnswerDirection != "" && in.AnswerDirection != "sendrecv" {
		line("one-way", Safe(in.AnswerDirection))
	}
	if in.EarlyMedia {
		line("early-media")
	}
	if in.OKRetransmissions > 0 {
		line("ok-retransmitted", in.OKRetransmissions)
	}
	if len(in.InDialogRequests) > 0 {
		line("in-dialog", list(in.InDialogRequests))
	}
	if in.HeldMs > 0 {
		b.WriteString(Msg(l, "held", fmtMs(in.HeldMs)))
		if in.ByeCode != 0 {
			b.WriteString(Msg(l, "bye-answered", in.ByeCode))
		}
		b.WriteString("\n")
	}
	if in.ACKConfirmed != nil {
		line("ack-reached", yesNo(l, *in.ACKConfirmed))
	}
	if in.EndedBy != "" {
		by := Safe(in.EndedBy)
		if _, ok := messages["ended-"+in.EndedBy]; ok {
			by = Msg(l, "ended-"+in.EndedBy)
		}
		line("ended-by", by)
	}
	if in.RTPSent > 0 || in.RTPReceived > 0 {
		line("rtp", in.RTPSent, in.RTPReceived)
	}
	if len(in.AcceptedCodecs) > 0 || len(in.RejectedCodecs) > 0 {
		line("sweep", orDash(list(in.AcceptedCodecs)), orDash(list(in.RejectedCodecs)))
		for _, a := range in.Sweep {
			verdict := Msg(l, "sweep-rejected")
			if a.Accepted {
				verdict = Msg(l, "sweep-accepted")
			}
			s := "  - " + Pad(Safe(a.Codec), 16) + " " + verdict
			if a.Code != 0 {
				s += fmt.Sprintf(" (%d %s)", a.Code, Safe(a.Reason))
			}
			if a.Detail != "" {
				s += ": " + Safe(a.Detail)
			}
			b.WriteString(s + "\n")
		}
	}
}

// writeLadder prints every message of the transcript: a header line with
// the time and the direction, then the message line by line. The message
// is what the peer sent, so its lines pass through SafeLines: the line
// structure stays, control characters inside a line are escaped.
func writeLadder(b *strings.Builder, msgs []Message, color bool) {
	for _, m := range msgs {
		raw := SafeLines(strings.TrimRight(m.Raw, "\r\n"))
		first, _, _ := strings.Cut(raw, "\n")
		arrow := fmt.Sprintf("%s → %s", Safe(m.Local), Safe(m.Remote))
		if m.Dir == DirIn {
			arrow = fmt.Sprintf("%s ← %s", Safe(m.Local), Safe(m.Remote))
		}
		line := fmt.Sprintf("%9s  %s  %s", fmtMs(m.AtMs), arrow, first)
		if color {
			line = ansiDim + line + ansiReset
		}
		b.WriteString(line + "\n")
		for _, l := range strings.Split(raw, "\n") {
			b.WriteString("           │ " + l + "\n")
		}
	}
}

func fmtMs(m Millis) string {
	switch {
	case m <= 0:
		return "-"
	case m < 10:
		return fmt.Sprintf("%.2f ms", float64(m))
	case m < 1000:
		return fmt.Sprintf("%.1f ms", float64(m))
	}
	return fmt.Sprintf("%.2f s", float64(m)/1000)
}

func yesNo(l catalog.Lang, b bool) string {
	if b {
		return Msg(l, "yes")
	}
	return Msg(l, "no")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// mentioned reports whether a diagnosis note already says s.
func mentioned(notes []string, s string) bool {
	for _, n := range notes {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// writeSRTP is the call's encryption line: the suite and key exchange, or
// that it ran unencrypted.
func writeSRTP(b *strings.Builder, in *SRTPInfo, l catalog.Lang) {
	if in.Encrypted {
		b.WriteString(Msg(l, "srtp-on", Safe(in.Suite)) + "\n")
		return
	}
	b.WriteString(Msg(l, "srtp-off") + "\n")
}

// expectHeld reports whether an expectation decided an OK status: the
// diagnosis is what was observed (a refusal, say), and it was the plan.
func expectHeld(r Result) bool {
	return r.Expect != nil && r.Expect.Met && r.Status == StatusOK
}

// expectMetLine says what was expected and that it held: "Expected 486
// Busy Here: the expectation holds".
func expectMetLine(r Result, l catalog.Lang) string {
	switch {
	case !expectHeld(r) || r.Diagnosis.ID == "ok":
		return Msg(l, "expect-met")
	case r.FinalCode != 0:
		return Msg(l, "expect-held", strings.TrimSpace(fmt.Sprintf("%d %s", r.FinalCode, Safe(r.FinalReason))))
	}
	return Msg(l, "expect-held", Safe(r.Diagnosis.ID))
}
