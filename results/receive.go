package results

import (
	"strconv"
	"strings"

	"github.com/sipprobe/sipprobe/catalog"
)

// ReceiveDetails is what the inbound-call test (receive) learned: did a
// call to the account reach the contact we bound, by which path, and how
// did it go.
type ReceiveDetails struct {
	// From is the trigger call's caller (--from-user); empty when the
	// probe waited for any inbound call.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// Contact is the contact we registered; RegisteredAs what the
	// registrar's 2xx listed for it. ContactRewritten: the two differ (the
	// PBX stored the source address: rewrite_contact, fix_nated_contact).
	Contact          string `json:"contact,omitempty"`
	RegisteredAs     string `json:"registered_as,omitempty"`
	ContactRewritten bool   `json:"contact_rewritten,omitempty"`
	// BehindNAT: the REGISTER's Via came back with a received/rport
	// that differs from our address.
	BehindNAT bool `json:"behind_nat,omitempty"`

	// InviteReceived: the INVITE reached our contact, InviteMs after the
	// trigger call was sent (or the wait began).
	InviteReceived bool   `json:"invite_received"`
	InviteMs       Millis `json:"invite_ms,omitempty"`
	// RequestURI is the inbound INVITE's; Targeted says which contact it
	// was: "registered" (ours as sent), "rewritten" (the address the PBX
	// saw) or "other".
	RequestURI  string   `json:"request_uri,omitempty"`
	Targeted    string   `json:"targeted,omitempty"`
	Via         []string `json:"via,omitempty"`
	RecordRoute []string `json:"record_route,omitempty"`
	// OfferedCodecs are the codecs the inbound INVITE's SDP offered us.
	OfferedCodecs []string `json:"offered_codecs,omitempty"`
	ACKReceived   bool     `json:"ack_received"`
	BYEReceived   bool     `json:"bye_received"`
	// EndedBy: remote-bye, sipprobe-bye, or none (the call was never
	// answered).
	EndedBy     string `json:"ended_by,omitempty"`
	RTPSent     int    `json:"rtp_sent,omitempty"`
	RTPReceived int    `json:"rtp_received,omitempty"`

	// The trigger call's own ending: its final status, or what happened
	// instead (timeout, ring-timeout...).
	TriggerCode   int    `json:"trigger_code,omitempty"`
	TriggerReason string `json:"trigger_reason,omitempty"`
	TriggerError  string `json:"trigger_error,omitempty"`
}

func writeReceive(b *strings.Builder, rd *ReceiveDetails, l catalog.Lang) {
	line := func(id string, args ...any) { b.WriteString(Msg(l, id, args...) + "\n") }
	if rd.Contact == "" {
		return // nothing bound, so no call was placed: the diagnosis says why
	}
	if rd.From != "" {
		trig := orDash(Safe(rd.TriggerError))
		if rd.TriggerCode != 0 {
			trig = Safe(strings.TrimSpace(strconv.Itoa(rd.TriggerCode) + " " + rd.TriggerReason))
		}
		line("recv-trigger", Safe(rd.From), Safe(rd.To), trig)
	}
	if rd.Contact != "" {
		line("recv-contact", Safe(rd.Contact), orDash(Safe(rd.RegisteredAs)), yesNo(l, rd.ContactRewritten))
	}
	if !rd.InviteReceived {
		line("recv-no-invite")
		return
	}
	line("recv-invite", fmtMs(rd.InviteMs), Safe(rd.RequestURI), Msg(l, "recv-target-"+rd.Targeted))
	for _, v := range rd.Via {
		line("recv-via", Safe(v))
	}
	for _, v := range rd.RecordRoute {
		line("recv-rr", Safe(v))
	}
	if len(rd.OfferedCodecs) > 0 {
		line("recv-codecs", Safe(strings.Join(rd.OfferedCodecs, ", ")))
	}
	line("recv-ack-bye", yesNo(l, rd.ACKReceived), yesNo(l, rd.BYEReceived))
	if rd.RTPSent > 0 || rd.RTPReceived > 0 {
		line("rtp", rd.RTPSent, rd.RTPReceived)
	}
}
