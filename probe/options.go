package probe

import (
	"context"
	"strings"

	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// options asks the server whether it is alive. A 401/407 without
// credentials still proves a SIP service answers; with a password we
// authenticate once.
func (s *session) options(ctx context.Context, l *link, r *results.Result, ex *catalog.Exchange) {
	ids := newDialogIDs()
	from := sip.Uri{Scheme: "sip", User: "sipprobe", Host: l.laddr.Addr().String()}
	if s.cfg.User != "" {
		from = s.accountURI()
	}
	// A user in the target asks whether that user is reachable: it goes in
	// the Request-URI and To, as sipsak and sipexer do.
	ruri := s.serverURI(l.transport)
	ruri.User = s.target.User
	ex.ToUser = s.target.User
	spec := requestSpec{
		method: sip.OPTIONS, ruri: ruri, from: from, to: ruri,
		extra: []sip.Header{sip.NewHeader("Accept", "application/sdp")},
	}
	res, err := s.do(ctx, l, s.buildRequest(l, ids, spec), nil)
	if err != nil {
		s.setError(ex, err)
		return
	}
	if (res.StatusCode == 401 || res.StatusCode == 407) && s.cfg.User != "" && s.cfg.Password != "" {
		ex.Challenges++
		req, cerr := s.authenticated(l, ids, spec, res)
		if cerr != nil {
			s.setFinal(r, ex, res, l)
			setNote(ex, noteOf(cerr))
			return
		}
		ex.AuthSent = true
		if res, err = s.do(ctx, l, req, nil); err != nil {
			s.setError(ex, err)
			return
		}
	}
	s.setFinal(r, ex, res, l)
	if s.cfg.User != "" && s.cfg.Password != "" && ex.Challenges == 0 {
		// Kamailio and most proxies never challenge OPTIONS: the answer
		// says the service is alive, nothing about the password.
		addNote(ex, catalog.NewNote("options-credentials-unchecked"))
	}
	if allow := headerValue(res, "Allow"); allow != "" {
		for _, m := range strings.Split(allow, ",") {
			if m = strings.TrimSpace(m); m != "" {
				s.details(r).Allow = append(s.details(r).Allow, m)
			}
		}
	}
}

// authenticated builds the next request of the dialog answering res's
// challenge. It is called at most once per challenge.
func (s *session) authenticated(l *link, ids *dialogIDs, spec requestSpec, res *sip.Response) (*sip.Request, error) {
	c, err := pickChallenge(res)
	if err != nil {
		return nil, err
	}
	req := s.buildRequest(l, ids, spec)
	if err := authorize(req, c, s.authUser(), s.cfg.Password); err != nil {
		return nil, err
	}
	s.lastChallenge = c
	return req, nil
}
