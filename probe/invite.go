package probe

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// invite places a test call and reports whether calls work and, if not,
// why. How long it may take:
//
//   - --timeout bounds the setup until the far end rings (resolution,
//     connect, the INVITE's first answer, the authenticated retry);
//   - after a 180/183, --ring-timeout bounds the wait for the answer, then
//     we CANCEL;
//   - after the answer, the call is held for --hold;
//   - ending the call (BYE, CANCEL) gets up to 2 s more, also after a
//     Ctrl-C, so no call is left up on the PBX.
//
// So the worst case is --timeout + --ring-timeout + --hold + 2 s; a PBX that
// never rings is given up after --timeout, as every other probe.
func (s *session) invite(ctx context.Context, l *link, r *results.Result, ex *catalog.Exchange) {
	in := &results.InviteDetails{}
	s.details(r).Invite = in
	offer, err := parseCodecs(s.cfg.Invite.Codecs)
	if err != nil {
		ex.Outcome, ex.Detail, r.Error = catalog.OutcomeInternal, err.Error(), err.Error()
		return
	}
	offer = s.cfg.Invite.withDTMF(offer)
	to, err := s.calleeURI()
	if err != nil {
		ex.Outcome, ex.Detail, r.Error = catalog.OutcomeInternal, err.Error(), err.Error()
		return
	}
	in.To = to.String()
	if s.cfg.Invite.CodecSweep {
		s.sweep(l, to, offer, r, ex)
		return
	}
	c, err := s.newCall(l, to, offer)
	if err != nil {
		ex.Outcome, r.Error = catalog.OutcomeInternal, err.Error()
		setNote(ex, catalog.NewNote("rtp-socket", "text", err.Error()))
		return
	}
	defer c.close()
	c.run(ctx, r, ex, in, true)
	s.srtpRetryAfter(l, to, offer, r, ex)
}

// calleeURI is --to as a SIP URI: an extension or number at the account's
// domain, or a full sip:/sips: URI.
func (s *session) calleeURI() (sip.Uri, error) {
	to := strings.TrimSpace(s.cfg.Invite.To)
	var u sip.Uri
	switch {
	case strings.HasPrefix(strings.ToLower(to), "sip:"), strings.HasPrefix(strings.ToLower(to), "sips:"):
		if err := sip.ParseUri(to, &u); err != nil {
			return u, fmt.Errorf("%w: --to %q: %v", ErrConfig, to, err)
		}
	case strings.Contains(to, "@"):
		user, host, _ := strings.Cut(to, "@")
		u = sip.Uri{Scheme: "sip", User: user, Host: host}
	default:
		u = sip.Uri{Scheme: "sip", User: to, Host: s.domain()}
	}
	if u.UriParams == nil {
		u.UriParams = sip.NewParams()
	}
	return u, nil
}

// run places the call and, when answered, holds it (if hold) and hangs up.
// It fills the exchange and the details; every path ends with a final
// response, a CANCEL or a BYE.
func (c *call) run(ctx context.Context, r *results.Result, ex *catalog.Exchange, in *results.InviteDetails, hold bool) *answer {
	s, l := c.s, c.l
	in.OfferedCodecs = codecNames(c.offer)
	c.srtpOffered(s.details(r), ex)
	// The other answers of a forked INVITE are hung up by now (each BYE
	// bounded by the teardown budget); say so.
	defer func() { ex.DetailNotes = append(ex.DetailNotes, c.forks.end(c)...) }()
	res, err := c.setup(ctx, ex)
	defer c.report(in, ex)
	if c.s.lastChallenge != nil {
		s.details(r).AuthAlgorithm = algorithmName(c.s.lastChallenge)
		s.details(r).AuthRealm = c.s.lastChallenge.chal.Realm
	}
	s.details(r).AuthAttempts = ex.Challenges
	if err != nil {
		ringTimeout := errors.Is(err, errRingTimeout)
		if ringTimeout {
			ex.RingTimeout = true
			ex.Outcome = catalog.OutcomeTimeout
			setNote(ex, catalog.NewNote("ring-timeout", "dur", s.ringTimeout().String()))
		} else {
			s.setError(ex, err)
		}
		final, d := c.abandon(ctx)
		switch {
		case d != nil:
			in.EndedBy = "sipprobe-bye"
		case final != nil:
			in.EndedBy = "sipprobe-cancel"
			detail, notes, outcome := ex.Detail, ex.DetailNotes, ex.Outcome
			s.setFinal(r, ex, final, l)
			ex.Detail, ex.DetailNotes = detail, notes
			if outcome == catalog.OutcomeCanceled {
				// The 487 answers the CANCEL of an interrupted probe, not
				// the call: it stays the final code, the exchange stays
				// interrupted (what it was so far is its provisionals).
				ex.Outcome = outcome
			}
		case c.heardBack():
			in.EndedBy = "sipprobe-cancel"
		}
		return nil
	}
	s.setFinal(r, ex, res, l)
	if !res.IsSuccess() {
		in.EndedBy = "final-response"
		return nil
	}
	d := c.confirm(res)
	a := analyzeAnswer(c.offer, res.Body())
	c.secure(a, ex) // before any RTP is sent
	c.rtp.init(a)   // before serve can take a new SDP from the far end
	l.onRequest(c.serve(d))
	defer l.onRequest(nil)
	c.noteAnswer(a, in, ex)
	remoteBye := false
	if hold && !ex.NoCommonCodec && !ex.SRTPNotAnswered {
		remoteBye = c.hold(d, in, ex)
		if c.quality != nil {
			s.details(r).Media = c.quality
		}
		c.reportDTMF(s.details(r), ex)
	}
	if remoteBye {
		in.EndedBy = "remote-bye"
	} else {
		code, reason := c.bye(ctx, d)
		in.EndedBy, in.ByeCode = "sipprobe-bye", code
		if code == 0 || code >= 300 {
			addNote(ex, catalog.NewNote("bye-got").With("text", orNoAnswer(code, reason)))
		}
	}
	requests, notes, unacked := d.end()
	in.InDialogRequests = requests
	ex.ReinviteNoACK = unacked
	ex.DetailNotes = append(ex.DetailNotes, notes...)
	return &a
}

// noteAnswer records the SDP answer's findings.
func (c *call) noteAnswer(a answer, in *results.InviteDetails, ex *catalog.Exchange) {
	in.AnsweredCodecs = a.codecs
	c.dtmf = a.dtmf
	if len(a.common) > 0 {
		in.NegotiatedCodec = a.common[0]
	}
	in.AnswerAddr, in.AnswerPort, in.AnswerDirection = a.addr, a.port, a.direction
	// A rejected audio stream or no shared codec: no call can carry voice
	// (issue 4 reports both as codec-mismatch).
	ex.MediaRejected = a.rejected
	ex.NoCommonCodec = a.noCommonCodec() || a.rejected
	// A private media address is a problem only when the PBX itself is
	// reached over a public address: the far end is behind a NAT it did
	// not fix up (RFC 1918, RFC 6598).
	ex.PrivateMediaAddr = a.private && !isPrivateAddr(c.l.raddr.Addr())
	in.PrivateMediaAddr = ex.PrivateMediaAddr
	if a.problem != nil {
		addNote(ex, *a.problem)
	}
}

// report fills the timings and early-media finding from the wire.
func (c *call) report(in *results.InviteDetails, ex *catalog.Exchange) {
	if c.inv == nil {
		return
	}
	msgs := c.s.inviteMessages(c.ids.callID)
	t := inviteTimeline(msgs, c.inv.CSeq().SeqNo)
	in.FirstProvisionalMs, in.RingingMs, in.AnswerMs = t.firstProv, t.ringing, t.answer
	if in.EndedBy != "sipprobe-cancel" {
		// After our CANCEL the final response is the 487 we asked for:
		// the call was never set up, so it has no setup time.
		in.SetupMs = t.final
	}
	in.EarlyMedia = in.EarlyMedia || t.earlyMedia
	ex.Provisional = t.provisional
	in.RTPSent, in.RTPReceived = c.media.Sent(), c.media.Received()
}

func orNoAnswer(code int, reason string) catalog.Note {
	if code == 0 {
		return catalog.NewNote("no-answer")
	}
	return catalog.Text(fmt.Sprintf("%d %s", code, reason))
}
