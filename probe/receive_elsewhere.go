package probe

import (
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/catalog"
)

// A registrar with several contacts for the account forks the INVITE to
// all of them (Kamailio's lookup, an Asterisk ring group). When another
// contact answers first, the PBX CANCELs our branch (typically with
// "Reason: SIP;cause=200;text=\"Call completed elsewhere\"", RFC 3326), or
// our 2xx crosses that CANCEL and the caller ACKs and hangs up our dialog
// (RFC 3261 §13.2.2.4). Either way the INVITE did reach our contact: the
// question receive asks is answered yes, and neither the missing ACK nor
// the audio of a call we did not take says anything about the account.

// onCancel records a CANCEL of the INVITE we took: sipgo answers it (200,
// and 487 to the INVITE while it is unanswered) when it matches the
// INVITE's transaction, or handle does when that is gone.
func (u *inbound) onCancel(req *sip.Request) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.cancel == nil {
		u.cancel = req
	}
}

// isOurCancel reports whether req CANCELs the INVITE we took (RFC 3261
// §9.2: the same Call-ID and CSeq number). The caller holds u.mu.
func (u *inbound) isOurCancel(req *sip.Request) bool {
	if u.req == nil || req.CallID() == nil || req.CSeq() == nil {
		return false
	}
	return req.CallID().Value() == u.req.CallID().Value() && req.CSeq().SeqNo == u.req.CSeq().SeqNo
}

// elsewhere reports whether another contact took the call: the PBX
// cancelled our branch because the call was completed elsewhere, or the
// trigger call confirmed another dialog than ours. It returns the CANCEL's Reason, if any, for the note.
func (u *inbound) elsewhere(caller *call) (bool, string) {
	u.mu.Lock()
	cancel, ours := u.cancel, ""
	if u.c != nil {
		ours = u.c.ids.fromTag
	}
	u.mu.Unlock()
	if cancel != nil {
		reason := ""
		if h := cancel.GetHeader("Reason"); h != nil {
			reason = h.Value()
		}
		// Only a CANCEL that says so: a caller that gives up (its ring
		// timeout, because our 2xx never reached it) CANCELs too, and that
		// is the failure receive exists to find (inbound-ack-lost).
		if completedElsewhere(reason) {
			return true, reason
		}
	}
	if caller != nil && ours != "" {
		if tag := caller.forks.taken(); tag != "" && tag != ours {
			return true, ""
		}
	}
	return false, ""
}

// answeredElsewhere is the note for a call another contact took: when the
// INVITE reached us, and the CANCEL's Reason (server text: the renderers
// escape it; long ones are cut).
func answeredElsewhere(after time.Duration, reason string) catalog.Note {
	n := catalog.NewNote("receive-answered-elsewhere", "dur", after.Round(time.Millisecond).String())
	if reason = strings.TrimSpace(reason); reason != "" {
		if len(reason) > 200 {
			reason = reason[:200] + "…"
		}
		n.Vars["text"] = reason
	}
	return n
}

// completedElsewhere reports whether a CANCEL's Reason header says the
// call was answered by another branch: "SIP;cause=200" (RFC 3326 §2,
// "Call completed elsewhere", as Kamailio and Asterisk send it) or
// "Q.850;cause=26" (non-selected user clearing). Several reasons may be
// given, comma-separated.
func completedElsewhere(reason string) bool {
	for _, r := range strings.Split(reason, ",") {
		parts := strings.Split(r, ";")
		proto := strings.ToLower(strings.TrimSpace(parts[0]))
		for _, p := range parts[1:] {
			name, val, _ := strings.Cut(strings.TrimSpace(p), "=")
			if !strings.EqualFold(strings.TrimSpace(name), "cause") {
				continue
			}
			val = strings.TrimSpace(val)
			if (proto == "sip" && val == "200") || (proto == "q.850" && val == "26") {
				return true
			}
		}
	}
	return false
}
