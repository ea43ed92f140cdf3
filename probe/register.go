package probe

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// unbindBudget is how long removing our --bind contact may take, even after
// the probe's own deadline or a Ctrl-C: a probe leaves the PBX as it found it.
const unbindBudget = 2 * time.Second

// register checks an account's credentials. It first sends no Contact,
// which asks the registrar for the current bindings and changes nothing
// (RFC 3261 §10.2.3). With --bind it then registers a unique contact,
// verifies it and removes exactly that contact afterwards — but only on an
// account without contacts unless --allow-evict (see bind).
func (s *session) register(ctx context.Context, l *link, r *results.Result, ex *catalog.Exchange) {
	s.registerWith(ctx, l, r, ex, nil)
	// A 2xx that no challenge preceded (RFC 3261 §22.1: the registrar
	// decides whether to ask) accepted the account without looking at the
	// password: the question register asks went unanswered. Without a
	// password it is IP authentication, which the user chose.
	ex.CredentialsNotChecked = s.cfg.Password != "" && ex.Challenges == 0 &&
		ex.Final != nil && ex.Final.Code >= 200 && ex.Final.Code < 300
}

// whileBound runs while our --bind contact is registered: ours is the
// contact we sent, ok the registrar's 2xx that bound it (receive takes its
// test call then).
type whileBound func(ours sip.Uri, ok *sip.Response)

// registerWith is register, with during run while the contact is bound.
func (s *session) registerWith(ctx context.Context, l *link, r *results.Result, ex *catalog.Exchange, during whileBound) {
	d := s.details(r)
	d.Mode = "check"
	if s.cfg.Bind {
		d.Mode = "bind"
	}
	ids := newDialogIDs()
	query := s.registerSpec()
	res := s.registerExchange(ctx, l, ids, &query, ex)
	queried := time.Now()
	if s.lastChallenge != nil {
		d.AuthAlgorithm = algorithmName(s.lastChallenge)
		d.AuthRealm = s.lastChallenge.chal.Realm
	}
	d.AuthAttempts = ex.Challenges
	if res == nil {
		return
	}
	s.setFinal(r, ex, res, l)
	if res.StatusCode < 200 || res.StatusCode >= 300 {
		return // refused credentials end the probe: nothing is bound
	}
	contacts := bindings(res, "")
	d.Contacts = contacts
	n := len(contacts)
	d.ContactCount = &n
	ex.Registered = n
	if !s.cfg.Bind {
		return
	}
	if n > 0 && !s.cfg.AllowEvict {
		// A registrar keeping one contact per account would replace the
		// phone's binding with ours, and one that rewrites contacts to the
		// source address would not let us put it back.
		d.BindSkipped = true
		ex.BindWouldEvict = true
		return
	}
	s.bind(ctx, l, r, ex, ids, contacts, queried, during)
}

// registerSpec is a REGISTER for the account, without Contact.
func (s *session) registerSpec() requestSpec {
	aor := s.accountURI()
	return requestSpec{method: sip.REGISTER, ruri: sip.Uri{Scheme: "sip", Host: s.domain()}, from: aor, to: aor}
}

// registerExchange sends REGISTER until it has a final answer: at most one
// authenticated attempt per challenge, one more on a stale nonce, one retry
// on 423 with Min-Expires. Rejected credentials are never retried: fail2ban
// bans an address after a few failures (DESIGN.md §4).
func (s *session) registerExchange(ctx context.Context, l *link, ids *dialogIDs, spec *requestSpec, ex *catalog.Exchange) *sip.Response {
	req := s.buildRequest(l, ids, *spec)
	ex.AuthSent = false
	staleRetried, intervalRetried := false, false
	for {
		res, err := s.do(ctx, l, req, nil)
		if err != nil {
			s.setError(ex, err)
			return nil
		}
		switch code := res.StatusCode; {
		case code == 401 || code == 407:
			ex.Challenges++
			if s.cfg.Password == "" {
				return res // credentials required; the diagnosis says so
			}
			if ex.AuthSent {
				c, cerr := pickChallenge(res)
				if cerr != nil || !c.chal.Stale || staleRetried {
					return res // credentials refused
				}
				// stale=true: the password was right, the nonce old (RFC 2617 §3.2.1).
				staleRetried = true
			}
			next, aerr := s.authenticated(l, ids, *spec, res)
			if aerr != nil {
				setNote(ex, noteOf(aerr))
				return res
			}
			req, ex.AuthSent = next, true
		case code == 423 && spec.expires != nil && !intervalRetried:
			min, _ := strconv.Atoi(strings.TrimSpace(headerValue(res, "Min-Expires")))
			if min <= *spec.expires {
				return res
			}
			intervalRetried = true
			spec.expires = &min
			// A fresh request: the server challenges it, and we answer that challenge.
			req, ex.AuthSent = s.buildRequest(l, ids, *spec), false
		default:
			return res
		}
	}
}

// unbind removes exactly our contact (Expires: 0 on it, never "*") and
// returns the bindings the registrar lists afterwards.
func (s *session) unbind(ctx context.Context, l *link, ids *dialogIDs, contact sip.Uri, token string) (bool, []results.Contact) {
	left, ok := s.unregister(ctx, l, ids, contact, token)
	if !ok {
		return false, nil
	}
	for _, b := range left {
		if b.Ours {
			return false, left
		}
	}
	return true, left
}

// unregister sends Expires: 0 on exactly contact (never "*"), within its
// own budget so that it runs after a deadline or Ctrl-C too, and returns
// the bindings the 2xx lists (token marks ours); ok is false without a 2xx.
func (s *session) unregister(ctx context.Context, l *link, ids *dialogIDs, contact sip.Uri, token string) ([]results.Contact, bool) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), unbindBudget)
	defer cancel()
	zero := 0
	c := &sip.ContactHeader{Address: contact, Params: sip.NewParams()}
	c.Params.Add("expires", "0")
	spec := s.registerSpec()
	spec.contact, spec.expires = c, &zero
	var scratch catalog.Exchange
	res := s.registerExchange(cctx, l, ids, &spec, &scratch)
	if res == nil || res.StatusCode < 200 || res.StatusCode >= 300 {
		return nil, false
	}
	return bindings(res, token), true
}

// bindings lists the Contact headers of a 2xx to REGISTER; token marks ours.
func bindings(res *sip.Response, token string) []results.Contact {
	defExp, _ := strconv.Atoi(strings.TrimSpace(headerValue(res, "Expires")))
	var out []results.Contact
	for _, h := range res.GetHeaders("Contact") {
		ch, ok := h.(*sip.ContactHeader)
		if !ok {
			continue
		}
		c := results.Contact{URI: ch.Address.String(), Expires: defExp}
		if v, ok := ch.Params.Get("expires"); ok {
			c.Expires, _ = strconv.Atoi(v)
		}
		c.Ours = token != "" && ch.Address.User == token
		out = append(out, c)
	}
	return out
}
