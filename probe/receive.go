package probe

import (
	"context"
	"fmt"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// receive answers "can this account receive calls?" (issue 11). It binds
// a unique contact exactly as register --bind does (the eviction guard
// included), and while that contact is bound places a call from a second
// account (--from-user) through the PBX to the account, waits for the
// INVITE at the contact, answers it, lets the caller hang up, and unbinds.
// Without --from-user it waits --wait for any inbound call.
func (s *session) receive(ctx context.Context, l *link, r *results.Result, ex *catalog.Exchange) {
	rd := &results.ReceiveDetails{From: s.cfg.Receive.FromUser}
	s.details(r).Receive = rd
	bound := false
	s.registerWith(ctx, l, r, ex, func(ours sip.Uri, ok *sip.Response) {
		bound = true
		s.takeCall(ctx, l, r, ex, rd, ours, ok)
	})
	if bound && s.cfg.Password != "" && ex.Challenges == 0 {
		// The question is the call, so no verdict of its own (as for
		// options); but an account anyone can register is worth saying.
		addNote(ex, catalog.NewNote("receive-credentials-unchecked"))
	}
}

// takeCall runs while our contact is bound: it triggers the call, answers
// it when it comes and fills the details and the exchange.
func (s *session) takeCall(ctx context.Context, l *link, r *results.Result, ex *catalog.Exchange, rd *results.ReceiveDetails, ours sip.Uri, ok *sip.Response) {
	rd.Contact = ours.String()
	for _, c := range bindings(ok, ours.User) {
		if c.Ours {
			rd.RegisteredAs = c.URI
			break
		}
	}
	rd.ContactRewritten = rd.RegisteredAs != "" && !sameContactURI(rd.RegisteredAs, rd.Contact)
	nat := s.details(r).NAT
	rd.BehindNAT = nat != nil && nat.Detected

	codecs, err := parseCodecs(s.cfg.Invite.Codecs)
	if err != nil {
		ex.Outcome, ex.Detail, r.Error = catalog.OutcomeInternal, err.Error(), err.Error()
		return
	}
	u := newInbound(s, l, ours, rd.RegisteredAs, codecs)
	l.onRequest(u.handle)
	defer l.onRequest(nil)
	defer u.close()

	start := time.Now()
	wait := s.cfg.Receive.wait()
	var trig <-chan struct{}
	if s.cfg.Receive.FromUser != "" {
		if trig, u.caller, err = s.trigger(ctx, l, rd); err != nil {
			ex.Outcome, r.Error = catalog.OutcomeInternal, err.Error()
			setNote(ex, noteOf(err))
			return
		}
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-u.invited:
	case <-trig: // the trigger call ended; its INVITE may have come all the same
	case <-timer.C:
	case <-s.parent.Done():
	}
	select {
	case <-u.invited:
		if q := u.converse(ctx, rd, ex, trig, timer.C); q != nil {
			s.details(r).Media = q
		}
		rd.InviteReceived = true
		rd.InviteMs = results.MillisOf(u.at.Sub(start))
	default:
	}
	if trig != nil {
		<-trig // bounded by --wait and the teardown budget
	}
	switch {
	case !rd.InviteReceived:
		ex.InboundNotDelivered = true
		ex.InboundNATUnfixed = rd.BehindNAT && !rd.ContactRewritten
		if rd.From != "" {
			addNote(ex, catalog.NewNote("receive-trigger", "from", rd.From).With("text", triggerEnding(rd)))
		} else {
			addNote(ex, catalog.NewNote("receive-no-trigger", "dur", wait.String()))
		}
	default:
		if other, reason := u.elsewhere(u.caller); other {
			addNote(ex, answeredElsewhere(u.at.Sub(start), reason))
		} else if !rd.ACKReceived {
			ex.InboundACKLost = true
		}
	}
}

// triggerEnding is how the trigger call ended, for the note.
func triggerEnding(rd *results.ReceiveDetails) catalog.Note {
	if rd.TriggerCode != 0 {
		return catalog.Text(fmt.Sprintf("%d %s", rd.TriggerCode, rd.TriggerReason))
	}
	if rd.TriggerError != "" {
		return catalog.Text(rd.TriggerError)
	}
	return catalog.NewNote("no-answer")
}

// trigger places the call from --from-user to the account on a second
// connection of its own, as invite does, and returns a channel closed when
// that call is over; the details get its ending then.
func (s *session) trigger(ctx context.Context, l *link, rd *results.ReceiveDetails) (<-chan struct{}, *call, error) {
	rc := s.cfg.Receive
	cfg := s.cfg
	cfg.User, cfg.AuthUser, cfg.Password = rc.FromUser, rc.FromAuthUser, rc.FromPassword
	cfg.Bind, cfg.AllowEvict = false, false
	// The caller hangs up soon after the answer; with --rtp it holds long
	// enough for media to flow both ways.
	hold := time.Second
	if rc.RTP {
		hold = DefaultHold
	}
	cfg.Invite = InviteConfig{To: rc.to(s.cfg.User), Codecs: s.cfg.Invite.Codecs, Hold: hold, RingTimeout: rc.wait(), RTP: rc.RTP}
	cs := newSession(KindInvite, cfg, WithCatalog(s.cat), WithResolver(s.resolver))
	cs.start, cs.parent, cs.target, cs.host, cs.wire, cs.tlsConf = s.start, s.parent, s.target, s.host, s.wire, s.tlsConf
	to, err := cs.calleeURI()
	if err != nil {
		return nil, nil, err
	}
	rd.To = to.String()
	offer, err := parseCodecs(cfg.Invite.Codecs)
	if err != nil {
		return nil, nil, err
	}
	// The caller's own connection, the same way as ours (a WebSocket
	// upgrade too for ws/wss).
	ws := s.wsDial(resolution{Transport: l.transport, Host: s.host, Addr: l.raddr})
	cl, err := openLink(ctx, l.transport, l.laddr.Addr().String(), l.raddr, s.tlsConf, ws, s.cfg.UserAgent, s.wire)
	if err != nil {
		return nil, nil, err
	}
	c, err := cs.newCall(cl, to, offer)
	if err != nil {
		cl.close()
		return nil, nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer cl.close()
		defer c.close()
		// Until the PBX rings us, --wait bounds the caller's setup too:
		// a PBX that cannot reach the contact may take long to give up.
		cctx, cancel := context.WithTimeout(s.parent, rc.wait())
		defer cancel()
		var scratch results.Result
		var cex catalog.Exchange
		c.run(cctx, &scratch, &cex, &results.InviteDetails{}, true)
		switch {
		case cex.Final != nil:
			rd.TriggerCode, rd.TriggerReason = cex.Final.Code, cex.Final.Reason
		case cex.RingTimeout:
			rd.TriggerError = "rang for " + rc.wait().String() + ", no answer"
		default:
			rd.TriggerError = string(cex.Outcome)
		}
	}()
	return done, c, nil
}
