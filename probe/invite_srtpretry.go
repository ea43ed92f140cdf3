package probe

import (
	"context"

	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// A 488/606 to an INVITE says the offer's media was not acceptable (RFC
// 3261 §21.4.26, §21.6.4), not why: no common codec and the wrong media
// encryption get the same answer. One more offer of the same call, with
// the other encryption, tells them apart; the mode of the refused
// offer (--srtp) says which. The user who expects the refusal
// (NoSRTPRetry) asked for one call, and gets one.
func (s *session) srtpRetryAfter(l *link, to sip.Uri, offer []codec, r *results.Result, ex *catalog.Exchange) {
	if s.cfg.Invite.NoSRTPRetry || !refusedMedia(ex) || s.parent.Err() != nil {
		return
	}
	switch s.srtpMode() {
	case SRTPNone:
		s.srtpRetry(l, to, offer, ex)
	case SRTPSDES:
		s.plainRetry(l, to, offer, ex)
	case SRTPOptional:
		s.savpRetry(l, to, offer, r, ex)
	}
}

// retried is what came of a probing retry (retryOffer).
type retried struct {
	// accepted: answered with a usable offer (a common codec, and SRTP
	// keys when it offered them); the call was hung up at once.
	accepted bool
	// rang: a 180/183, then CANCELed by us: the offer got past the
	// media check the first one failed.
	rang bool
	// refused: refused as not acceptable too, or answered without a
	// common codec.
	refused bool
	// got is its final response ("no answer" without one).
	got catalog.Note
}

// retryOffer places one probing retry of the call, offering mode. It is a
// new INVITE with its own --timeout; it is CANCELed at its first 180/183
// (nobody asked to ring a phone for a second call, and the ringing is the
// evidence); a
// challenge gets one authenticated answer as always, and an answered call
// is hung up at once. ok is false when the call could not be built.
func (s *session) retryOffer(l *link, to sip.Uri, offer []codec, mode string, ex *catalog.Exchange) (retried, bool) {
	actx, cancel := context.WithTimeout(s.parent, s.cfg.timeout())
	defer cancel()
	c, err := s.newCallSRTP(l, to, offer, mode)
	if err != nil {
		return retried{}, false
	}
	c.retry = true
	defer c.close()
	aex := catalog.Exchange{Method: ex.Method, Transport: ex.Transport, User: ex.User, Target: ex.Target, CredentialsGiven: ex.CredentialsGiven}
	in := &results.InviteDetails{}
	a := c.run(actx, &results.Result{}, &aex, in, false)
	var rt retried
	code, reason := 0, ""
	if aex.Final != nil {
		code, reason = aex.Final.Code, aex.Final.Reason
	}
	rt.got = orNoAnswer(code, reason)
	usable := mode == SRTPNone || c.encrypted()
	rt.accepted = a != nil && usable && !aex.NoCommonCodec
	// Rang: our CANCEL ended it (attempt CANCELs a probing retry at its
	// first 180/183), not a refusal after the ringing (a 486, a 404
	// after an early-media announcement), which says nothing of SRTP.
	// A 2xx that crossed our CANCEL (then hung up: sipprobe-bye) shows
	// the same.
	ours := in.EndedBy == "sipprobe-cancel" || in.EndedBy == "sipprobe-bye"
	rt.rang = a == nil && c.ringed && ours && !refusedMedia(&aex) && s.parent.Err() == nil
	if f := aex.Final; rt.rang && f != nil && f.Code >= 300 && f.Code != 487 {
		rt.rang = false // a refusal of its own crossed our CANCEL
	}
	rt.refused = refusedMedia(&aex) || (a != nil && aex.NoCommonCodec)
	return rt, true
}

// srtpRetry follows a refused plain offer (--srtp none) with one SDES
// offer: a PBX that requires SRTP (Asterisk media_encryption=sdes) answers
// a plain offer with the same 488 as one without a common codec. Answered
// or ringing, it is srtp-required; otherwise the refusal keeps its own
// diagnosis.
func (s *session) srtpRetry(l *link, to sip.Uri, offer []codec, ex *catalog.Exchange) {
	rt, ok := s.retryOffer(l, to, offer, SRTPSDES, ex)
	switch {
	case !ok:
	case rt.accepted:
		ex.SRTPRequired = true
		addNote(ex, catalog.NewNote("srtp-retry-accepted").With("text", rt.got))
	case rt.rang:
		ex.SRTPRequired = true
		addNote(ex, catalog.NewNote("srtp-retry-rang"))
	default:
		addNote(ex, catalog.NewNote("srtp-retry-refused").With("text", rt.got))
	}
}

// plainRetry follows a refused SDES offer (--srtp sdes) with one plain
// RTP/AVP offer, the mirror of srtpRetry: answered or ringing, the far end
// refused the encryption (srtp-not-supported, now shown); refused as not
// acceptable too, the codecs are the cause and the refusal keeps its own
// diagnosis (codec-mismatch for a 488). Any other answer (busy, silence)
// shows neither, and srtp-not-supported stays with a note saying so.
func (s *session) plainRetry(l *link, to sip.Uri, offer []codec, ex *catalog.Exchange) {
	rt, ok := s.retryOffer(l, to, offer, SRTPNone, ex)
	switch {
	case !ok:
	case rt.accepted:
		addNote(ex, catalog.NewNote("srtp-plain-retry-accepted").With("text", rt.got))
	case rt.rang:
		addNote(ex, catalog.NewNote("srtp-plain-retry-rang"))
	case rt.refused:
		ex.SRTPPlainRefused = true
		addNote(ex, catalog.NewNote("srtp-plain-retry-refused").With("text", rt.got))
	default:
		addNote(ex, catalog.NewNote("srtp-plain-retry-unclear").With("text", rt.got))
	}
}

// savpRetry follows a refused best-effort offer (--srtp optional: RTP/AVP
// with a=crypto) with the same call offering RTP/SAVP with SDES: a far end
// that requires SRTP (baresip mediaenc=srtp-mand, Asterisk
// media_encryption=sdes) refuses RTP/AVP whatever its a=crypto lines say
// (RFC 3264 §6: the transport is the profile on the m= line). Unlike the
// probing retries this one is the test call the user asked for, in the one
// form this far end takes: it rings (--ring-timeout), is held and measured
// as the first would have been, and its result becomes the probe's. Refused
// as not acceptable too, the first refusal stays, with a note.
func (s *session) savpRetry(l *link, to sip.Uri, offer []codec, r *results.Result, ex *catalog.Exchange) {
	first := orNoAnswer(ex.Final.Code, ex.Final.Reason)
	ctx, cancel := context.WithTimeout(s.parent, s.cfg.timeout())
	defer cancel()
	c, err := s.newCallSRTP(l, to, offer, SRTPSDES)
	if err != nil {
		return
	}
	defer c.close()
	d := s.details(r)
	kept := *d // the refused call's details, should the retry be refused too
	aex := catalog.Exchange{Method: ex.Method, Transport: ex.Transport, User: ex.User, Target: ex.Target, CredentialsGiven: ex.CredentialsGiven}
	ain := &results.InviteDetails{To: kept.Invite.To}
	a := c.run(ctx, r, &aex, ain, true)
	switch {
	case refusedMedia(&aex) || (a != nil && aex.NoCommonCodec):
		code, reason := aex.Final.Code, aex.Final.Reason
		*d = kept
		addNote(ex, catalog.NewNote("srtp-savp-retry-refused").With("text", orNoAnswer(code, reason)))
	case a != nil && c.encrypted() || c.ringed && a == nil && s.parent.Err() == nil:
		*ex = aex
		d.Invite = ain
		addNote(ex, catalog.NewNote("srtp-savp-retry-accepted").With("text", first))
	default:
		*ex = aex
		d.Invite = ain
		addNote(ex, catalog.NewNote("srtp-savp-retry-other").With("text", first))
	}
}
