package probe

import (
	"context"
	"strings"

	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// sweep offers each voice codec alone, one short call each (answered calls
// are hung up at once), so that a bare 488 becomes "the PBX accepts only
// PCMA and G722 for this account". Each call's setup has its own --timeout.
// A failure that is not about codecs (busy, wrong password, silence) stops
// the sweep and becomes the result: further calls would only repeat it.
func (s *session) sweep(l *link, to sip.Uri, offer []codec, r *results.Result, ex *catalog.Exchange) {
	in := s.details(r).Invite
	in.OfferedCodecs = codecNames(offer)
	var last, lastOK *catalog.Exchange
	var lastOKDetails *results.InviteDetails
	for _, cd := range offer {
		if cd.event {
			continue
		}
		if s.parent.Err() != nil {
			break
		}
		aex := catalog.Exchange{Method: ex.Method, Transport: ex.Transport, User: ex.User, Target: ex.Target, CredentialsGiven: ex.CredentialsGiven}
		ain := &results.InviteDetails{}
		att, stop := s.sweepOne(l, to, cd, r, &aex, ain)
		in.Sweep = append(in.Sweep, att)
		last = &aex
		if stop {
			*ex = aex
			addNote(ex, catalog.NewNote("sweep-stopped", "codec", cd.name))
			return
		}
		if att.Accepted {
			in.AcceptedCodecs = append(in.AcceptedCodecs, cd.name)
			lastOK, lastOKDetails = &aex, ain
		} else {
			in.RejectedCodecs = append(in.RejectedCodecs, cd.name)
		}
	}
	switch {
	case lastOK != nil:
		*ex = *lastOK
		setNote(ex, sweepSummary(in.AcceptedCodecs, in.RejectedCodecs))
		in.NegotiatedCodec, in.AnsweredCodecs = lastOKDetails.NegotiatedCodec, lastOKDetails.AnsweredCodecs
		in.AnswerAddr, in.AnswerPort = lastOKDetails.AnswerAddr, lastOKDetails.AnswerPort
	case last != nil:
		*ex = *last
		addNote(ex, sweepSummary(nil, in.RejectedCodecs))
	default:
		ex.Outcome = catalog.OutcomeCanceled
		setNote(ex, catalog.NewNote("interrupted"))
	}
}

// sweepOne places one single-codec call. stop: the call failed for a reason
// that is not its codec.
func (s *session) sweepOne(l *link, to sip.Uri, cd codec, r *results.Result, ex *catalog.Exchange, in *results.InviteDetails) (results.CodecAttempt, bool) {
	att := results.CodecAttempt{Codec: cd.name}
	actx, cancel := context.WithTimeout(s.parent, s.cfg.timeout())
	defer cancel()
	c, err := s.newCall(l, to, []codec{cd})
	if err != nil {
		ex.Outcome = catalog.OutcomeInternal
		setNote(ex, catalog.NewNote("rtp-socket", "text", err.Error()))
		return att, true
	}
	a := c.run(actx, r, ex, in, false)
	c.close()
	if ex.Final != nil {
		att.Code, att.Reason = ex.Final.Code, ex.Final.Reason
	}
	switch {
	case a != nil && !ex.NoCommonCodec:
		att.Accepted = true
		return att, false
	case a != nil:
		if a.problem != nil {
			att.Detail = s.catalogue().NoteText(*a.problem, s.cfg.Lang)
		}
		return att, false
	}
	d := s.catalogue().Diagnose(*ex, s.cfg.Lang)
	att.Detail = d.ID
	if d.ID == "codec-mismatch" || (ex.Final != nil && isCodecPhrase(ex.Final.Reason)) {
		return att, false
	}
	return att, true
}

func sweepSummary(accepted, rejected []string) catalog.Note {
	switch {
	case len(accepted) == 0:
		return catalog.NewNote("sweep-none", "codecs", strings.Join(rejected, ", "))
	case len(rejected) == 0:
		return catalog.NewNote("sweep-all", "codecs", strings.Join(accepted, ", "))
	}
	return catalog.NewNote("sweep-only", "codecs", strings.Join(accepted, ", "), "rejected", strings.Join(rejected, ", "))
}
