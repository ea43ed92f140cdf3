package results

import (
	"fmt"
	"io"
	"strings"
)

// TextOptions tune the human-readable renderer.
type TextOptions struct {
	Trace bool // print the message ladder first
	Color bool // ANSI colours (terminals only)
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
// diagnosis with causes and remedies, then the supporting facts.
func WriteText(w io.Writer, r Result, o TextOptions) error {
	var b strings.Builder
	if o.Trace {
		writeLadder(&b, r.Messages, o.Color)
		b.WriteString("\n")
	}
	head := strings.ToUpper(r.Probe)
	if r.User != "" {
		head += " " + r.User
	}
	head += " → " + r.Target + " (" + r.Transport
	if r.RemoteAddr != "" {
		head += " " + r.RemoteAddr
	}
	if r.LocalAddr != "" {
		head += " from " + r.LocalAddr
	}
	head += ")"
	if r.Name != "" {
		head = r.Name + ": " + head
	}
	b.WriteString(head + "\n")

	verdict := strings.ToUpper(string(r.Status))
	fmt.Fprintf(&b, "%s  ", Paint(o.Color, r.Status, fmt.Sprintf("%-8s", verdict)))
	if r.FinalCode != 0 {
		fmt.Fprintf(&b, "%d %s", r.FinalCode, r.FinalReason)
	} else {
		b.WriteString("no final response")
	}
	fmt.Fprintf(&b, "  in %s\n", fmtMs(r.Timings.Total))
	if r.Error != "" {
		fmt.Fprintf(&b, "Error: %s\n", r.Error)
	}
	d := r.Diagnosis
	if d.ID != "" {
		fmt.Fprintf(&b, "Diagnosis: %s — %s\n", d.ID, d.Summary)
		if o := observedLine(r); o != "" {
			b.WriteString(o + "\n")
		}
		if !(d.ID == "ok" && r.Status == StatusOK) {
			writeList(&b, "Likely causes", d.Causes)
			writeList(&b, "What to do", d.Remedies)
		}
		writeList(&b, "Observed", d.Notes)
	}
	if r.Expect != nil {
		if r.Expect.Met {
			b.WriteString("Expectation: met\n")
		} else {
			writeList(&b, "Expectation not met", r.Expect.Reasons)
		}
	}
	writeDetails(&b, r)
	if len(r.Responses) > 0 {
		parts := make([]string, 0, len(r.Responses))
		for _, rs := range r.Responses {
			p := fmt.Sprintf("%d %s (%s)", rs.Code, rs.Reason, fmtMs(rs.AtMs))
			if rs.Method != "" && rs.Method != strings.ToUpper(r.Probe) {
				p = rs.Method + " " + p
			}
			parts = append(parts, p)
		}
		fmt.Fprintf(&b, "Responses: %s\n", strings.Join(parts, ", "))
	}
	t := r.Timings
	fmt.Fprintf(&b, "Timings: resolve %s, connect %s, first response %s, total %s\n",
		fmtMs(t.Resolve), fmtMs(t.Connect), fmtMs(t.FirstResponse), fmtMs(t.Total))
	_, err := io.WriteString(w, b.String())
	return err
}

func writeList(b *strings.Builder, title string, items []string) {
	if len(items) == 0 {
		return
	}
	b.WriteString(title + ":\n")
	for _, it := range items {
		b.WriteString("  - " + it + "\n")
	}
}

func writeDetails(b *strings.Builder, r Result) {
	d := r.Details
	if d == nil {
		return
	}
	if d.ServerAgent != "" && !mentioned(r.Diagnosis.Notes, d.ServerAgent) {
		fmt.Fprintf(b, "Server: %s\n", d.ServerAgent)
	}
	if d.NAT != nil {
		if d.NAT.Detected {
			fmt.Fprintf(b, "NAT: detected — we sent from %s, the server saw %s:%d\n", d.NAT.SentBy, d.NAT.Received, d.NAT.RPort)
		} else if d.NAT.Received != "" || d.NAT.RPort != 0 {
			fmt.Fprintf(b, "NAT: none — the server saw us at our own address %s\n", d.NAT.SentBy)
		}
	}
	if d.Mode != "" {
		switch d.Mode {
		case "check":
			b.WriteString("Mode: credentials check (no Contact sent; bindings untouched)\n")
		case "bind":
			if d.BindSkipped {
				b.WriteString("Mode: bind skipped — the account has registered contacts that our binding could evict (--allow-evict binds anyway); bindings untouched\n")
				break
			}
			fmt.Fprintf(b, "Mode: bind %s", d.BoundContact)
			if d.BindingVerified != nil {
				fmt.Fprintf(b, ", listed in 200 OK: %s", yesNo(*d.BindingVerified))
			}
			if d.Unbound != nil {
				fmt.Fprintf(b, ", removed afterwards: %s", yesNo(*d.Unbound))
			}
			b.WriteString("\n")
		}
	}
	if d.ContactCount != nil {
		fmt.Fprintf(b, "Registered contacts: %d\n", *d.ContactCount)
		for _, c := range d.Contacts {
			ours := ""
			if c.Ours {
				ours = " (sipprobe)"
			}
			fmt.Fprintf(b, "  - %s expires %ds%s\n", c.URI, c.Expires, ours)
		}
	}
	writeEvicted(b, d.Evicted)
	if len(d.Allow) > 0 {
		fmt.Fprintf(b, "Allow: %s\n", strings.Join(d.Allow, ", "))
	}
	if d.AltTransport != nil {
		a := d.AltTransport
		if a.Answered {
			fmt.Fprintf(b, "Fallback: %s to the same server answered %d %s in %s\n", strings.ToUpper(a.Transport), a.Code, a.Reason, fmtMs(a.Ms))
		} else {
			fmt.Fprintf(b, "Fallback: %s to the same server did not answer either (%s)\n", strings.ToUpper(a.Transport), a.Error)
		}
	}
	if d.TLS != nil && d.TLS.Version != "" {
		fmt.Fprintf(b, "TLS: %s %s, server name %q, certificate %q issued by %q, valid until %s%s\n",
			d.TLS.Version, d.TLS.CipherSuite, d.TLS.ServerName, d.TLS.PeerSubject, d.TLS.PeerIssuer, d.TLS.NotAfter, tlsTrust(d.TLS))
	}
	if len(d.Resolution) > 0 && (r.Diagnosis.ID == "dns-failure") {
		b.WriteString("DNS lookups:\n")
		for _, l := range d.Resolution {
			res := strings.Join(l.Answer, ", ")
			if l.Error != "" {
				res = l.Error
			}
			at := ""
			if l.Server != "" {
				at = " @" + l.Server // as dig writes it
			}
			fmt.Fprintf(b, "  - %s %s%s: %s\n", l.Type, l.Query, at, res)
		}
	}
	if d.Invite != nil {
		writeInvite(b, d.Invite)
	}
}

func writeInvite(b *strings.Builder, in *InviteDetails) {
	if len(in.OfferedCodecs) > 0 {
		fmt.Fprintf(b, "Offered codecs: %s\n", strings.Join(in.OfferedCodecs, ", "))
	}
	if len(in.AnsweredCodecs) > 0 || in.NegotiatedCodec != "" {
		fmt.Fprintf(b, "Answered codecs: %s (negotiated: %s)\n", strings.Join(in.AnsweredCodecs, ", "), orDash(in.NegotiatedCodec))
	}
	if in.AnswerAddr != "" {
		fmt.Fprintf(b, "Media answer: %s:%d\n", in.AnswerAddr, in.AnswerPort)
	}
	if in.FirstProvisionalMs > 0 || in.RingingMs > 0 || in.AnswerMs > 0 || in.SetupMs > 0 {
		fmt.Fprintf(b, "Call setup: first provisional %s, ringing %s, answer %s", fmtMs(in.FirstProvisionalMs), fmtMs(in.RingingMs), fmtMs(in.AnswerMs))
		if in.SetupMs > 0 {
			fmt.Fprintf(b, " (setup %s)", fmtMs(in.SetupMs))
		}
		b.WriteString("\n")
	}
	if in.AnswerDirection != "" && in.AnswerDirection != "sendrecv" {
		fmt.Fprintf(b, "Media direction in the answer: %s (one-way audio)\n", in.AnswerDirection)
	}
	if in.EarlyMedia {
		b.WriteString("Early media: yes (183 with SDP)\n")
	}
	if in.OKRetransmissions > 0 {
		fmt.Fprintf(b, "200 OK retransmitted after our ACK: %d times\n", in.OKRetransmissions)
	}
	if len(in.InDialogRequests) > 0 {
		fmt.Fprintf(b, "Requests from the far end during the call: %s\n", strings.Join(in.InDialogRequests, ", "))
	}
	if in.HeldMs > 0 {
		fmt.Fprintf(b, "Call held for %s", fmtMs(in.HeldMs))
		if in.ByeCode != 0 {
			fmt.Fprintf(b, ", our BYE answered %d", in.ByeCode)
		}
		b.WriteString("\n")
	}
	if in.ACKConfirmed != nil {
		fmt.Fprintf(b, "ACK reached the server: %s\n", yesNo(*in.ACKConfirmed))
	}
	if in.EndedBy != "" {
		fmt.Fprintf(b, "Call ended by: %s\n", in.EndedBy)
	}
	if in.RTPSent > 0 || in.RTPReceived > 0 {
		fmt.Fprintf(b, "RTP: sent %d, received %d packets\n", in.RTPSent, in.RTPReceived)
	}
	if len(in.AcceptedCodecs) > 0 || len(in.RejectedCodecs) > 0 {
		fmt.Fprintf(b, "Codec sweep: accepted %s; rejected %s\n", orDash(strings.Join(in.AcceptedCodecs, ", ")), orDash(strings.Join(in.RejectedCodecs, ", ")))
		for _, a := range in.Sweep {
			verdict := "rejected"
			if a.Accepted {
				verdict = "accepted"
			}
			line := fmt.Sprintf("  - %-16s %s", a.Codec, verdict)
			if a.Code != 0 {
				line += fmt.Sprintf(" (%d %s)", a.Code, a.Reason)
			}
			if a.Detail != "" {
				line += ": " + a.Detail
			}
			b.WriteString(line + "\n")
		}
	}
}

func writeLadder(b *strings.Builder, msgs []Message, color bool) {
	for _, m := range msgs {
		first, _, _ := strings.Cut(m.Raw, "\n")
		first = strings.TrimRight(first, "\r")
		arrow := fmt.Sprintf("%s → %s", m.Local, m.Remote)
		if m.Dir == DirIn {
			arrow = fmt.Sprintf("%s ← %s", m.Local, m.Remote)
		}
		line := fmt.Sprintf("%9s  %s  %s", fmtMs(m.AtMs), arrow, first)
		if color {
			line = ansiDim + line + ansiReset
		}
		b.WriteString(line + "\n")
		for _, l := range strings.Split(strings.TrimRight(m.Raw, "\r\n"), "\n") {
			b.WriteString("           │ " + strings.TrimRight(l, "\r") + "\n")
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

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
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
