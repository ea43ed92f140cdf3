package probe

import (
	"strings"

	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// wireMsg is one parsed message of a call, as the wire recorded it. Timings
// come from here, not from sipgo's channels: sipgo may drop or reorder
// provisional responses (DESIGN.md §4), the wire sees every datagram,
// retransmissions included, stamped where it was read.
type wireMsg struct {
	at     results.Millis
	dir    results.Direction
	req    *sip.Request
	res    *sip.Response
	cseq   uint32
	method sip.RequestMethod
}

// inviteMessages returns the messages of the call with callID in order.
func (s *session) inviteMessages(callID string) []wireMsg {
	var out []wireMsg
	for _, m := range s.wire.snapshot() {
		if !strings.Contains(m.Raw, callID) {
			continue
		}
		msg, err := sip.ParseMessage([]byte(m.Raw))
		if err != nil {
			continue
		}
		id := msg.CallID()
		cs := msg.CSeq()
		if id == nil || string(*id) != callID || cs == nil {
			continue
		}
		w := wireMsg{at: m.AtMs, dir: m.Dir, cseq: cs.SeqNo, method: cs.MethodName}
		switch v := msg.(type) {
		case *sip.Request:
			w.req = v
		case *sip.Response:
			w.res = v
		}
		out = append(out, w)
	}
	return out
}

// timeline is what the wire says about one INVITE (by CSeq number).
type timeline struct {
	sentAt      results.Millis // first transmission of the INVITE
	provisional []catalog.Reply
	firstProv   results.Millis // relative to sentAt, 0 when none
	ringing     results.Millis
	answer      results.Millis
	final       results.Millis // the first final response, 2xx or not
	earlyMedia  bool
	rtt         results.Millis // to the first response: a round-trip estimate
	ackAt       results.Millis // our first ACK, 0 when none
	// okRetransmits are the 2xx copies that arrived after our ACK could
	// have reached the far end: the ACK was lost (RFC 3261 §13.3.1.4).
	okRetransmits []results.Millis
	lastAt        results.Millis // the last message of the call
}

// ackSlack is how much later than a round trip a 2xx may still cross our
// ACK on the way: beyond that, a 2xx copy means the ACK was not received.
const ackSlack results.Millis = 100

// inviteTimeline reads the INVITE with CSeq cseq and its answers.
func inviteTimeline(msgs []wireMsg, cseq uint32) timeline {
	var t timeline
	sent, firstIn := false, false
	var oks []results.Millis
	answerTag := ""
	for _, m := range msgs {
		if m.at > t.lastAt {
			t.lastAt = m.at
		}
		if m.cseq != cseq {
			continue
		}
		// The far end numbers its own requests (RFC 3261 §12.2.1.1): its
		// re-INVITE may carry our INVITE's CSeq, so direction tells ours.
		ours, theirs := m.dir == results.DirOut, m.dir == results.DirIn
		switch {
		case ours && m.req != nil && m.method == sip.INVITE && !sent:
			sent, t.sentAt = true, m.at
		case ours && m.req != nil && m.req.IsAck() && t.ackAt == 0:
			t.ackAt = m.at
		case theirs && m.res != nil && m.method == sip.INVITE && sent:
			at := m.at - t.sentAt
			if !firstIn {
				firstIn, t.rtt = true, at
			}
			code := m.res.StatusCode
			if code >= 200 && t.final == 0 {
				t.final = at
			}
			switch {
			case code < 200:
				t.provisional = append(t.provisional, catalog.Reply{Code: int(code), Reason: m.res.Reason})
				if t.firstProv == 0 {
					t.firstProv = at
				}
				if (code == 180 || code == 183) && t.ringing == 0 {
					t.ringing = at
				}
				if code == 183 && len(m.res.Body()) > 0 {
					t.earlyMedia = true
				}
			case code < 300:
				// Only copies of the answer we took: another branch's 2xx
				// of a forked INVITE is a dialog of its own (invite_fork.go).
				if t.answer == 0 {
					t.answer, answerTag = at, toTagOf(m.res)
				} else if toTagOf(m.res) == answerTag {
					oks = append(oks, m.at)
				}
			}
		}
	}
	limit := t.ackAt + 2*t.rtt + ackSlack
	for _, at := range oks {
		if t.ackAt > 0 && at > limit {
			t.okRetransmits = append(t.okRetransmits, at)
		}
	}
	return t
}
