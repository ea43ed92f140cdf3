package probe

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// unknownExpiry stands in for a listed contact without an expiry (RFC 3261
// §10.3 step 8 requires one): the usual registrar default.
const unknownExpiry = 3600

// bind registers a unique contact, verifies that the 200 OK lists it and
// removes exactly that contact. before is what the query listed: a contact
// missing after our binding was evicted (a registrar keeping one contact
// per account, Asterisk max_contacts=1 with remove_existing=yes), and is
// re-registered on the phone's behalf once ours is gone.
func (s *session) bind(ctx context.Context, l *link, r *results.Result, ex *catalog.Exchange, ids *dialogIDs, before []results.Contact, queried time.Time, during whileBound) {
	d := s.details(r)
	token := "sipprobe-" + randHex(4)
	spec := s.registerSpec()
	spec.contact = &sip.ContactHeader{Address: l.localURI(token), Params: sip.NewParams()}
	exp := s.cfg.Expires
	if exp == 0 {
		exp = DefaultExpires
	}
	spec.expires = &exp
	d.BoundContact, d.Expires = spec.contact.Address.String(), exp
	res := s.registerExchange(ctx, l, ids, &spec, ex)
	d.AuthAttempts = ex.Challenges
	if res == nil {
		if ex.Outcome == catalog.OutcomeCanceled {
			// Interrupted while the REGISTER with our contact was on its
			// way: the registrar may have bound it all the same.
			unbound, _ := s.unbind(ctx, l, ids, spec.contact.Address, token)
			d.Unbound = &unbound
		}
		return
	}
	s.setFinal(r, ex, res, l)
	if res.StatusCode < 200 || res.StatusCode >= 300 {
		return
	}
	contacts := bindings(res, token)
	verified := false
	for _, c := range contacts {
		verified = verified || c.Ours
	}
	d.BindingVerified = &verified
	ex.BindingNotListed = !verified
	d.Contacts = contacts
	n := len(contacts)
	d.ContactCount = &n
	if during != nil {
		during(spec.contact.Address, res)
	}
	unbound, left := s.unbind(ctx, l, ids, spec.contact.Address, token)
	d.Unbound = &unbound
	ex.UnbindFailed = !unbound
	if isWS(l.transport) && unbound {
		addNote(ex, wsContactNote(d.BoundContact))
	}

	// Evicted: listed before, listed neither with our binding nor after
	// its removal.
	var evicted []results.Contact
	for _, c := range before {
		if !listed(contacts, c.URI) && !listed(left, c.URI) {
			evicted = append(evicted, c)
		}
	}
	if len(evicted) == 0 {
		return
	}
	ex.ContactEvicted, ex.Evicted = true, len(evicted)
	d.Evicted = s.restore(ctx, l, ids, evicted, left, queried)
	for _, e := range d.Evicted {
		if e.Restored {
			ex.Restored++
		}
	}
}

// restore re-registers each evicted contact on the phone's behalf: the
// same URI, the expiry it had left. A registrar that rewrites contacts to
// the request's source address (Asterisk rewrite_contact=yes, Kamailio
// fix_nated_contact) stores one pointing at us instead; that one is
// removed at once, and the phone comes back at its next refresh.
// listedNow is what the registrar listed after our unbind. Refused
// credentials or silence stop it: no retries.
func (s *session) restore(ctx context.Context, l *link, ids *dialogIDs, evicted, listedNow []results.Contact, queried time.Time) []results.EvictedContact {
	out := make([]results.EvictedContact, 0, len(evicted))
	elapsed := int(time.Since(queried).Seconds()) + 1 // never lengthen the phone's binding
	stop := ""
	for _, e := range evicted {
		exp := e.Expires
		if exp <= 0 {
			exp = unknownExpiry
		}
		ev := results.EvictedContact{URI: e.URI, Expires: max(exp-elapsed, 0)}
		var u sip.Uri
		switch {
		case stop != "":
			ev.Error = stop
		case ev.Expires == 0:
			ev.Error = "its registration lapsed meanwhile"
		case sip.ParseUri(e.URI, &u) != nil:
			ev.Error = "unparseable contact"
		default:
			now, err := s.reregister(ctx, l, ids, u, ev.Expires)
			if err != "" {
				ev.Error, stop = err, "not attempted after: "+err
				break
			}
			if listed(now, e.URI) {
				ev.Restored = true
				listedNow = now
				break
			}
			// Stored under another URI: the one that was not there before.
			for _, c := range now {
				if !listed(listedNow, c.URI) {
					ev.RewrittenAs = c.URI
					break
				}
			}
			listedNow = now
			if ev.RewrittenAs != "" {
				var w sip.Uri
				removed := false
				if sip.ParseUri(ev.RewrittenAs, &w) == nil {
					if left, ok := s.unregister(ctx, l, ids, w, ""); ok {
						removed, listedNow = !listed(left, ev.RewrittenAs), left
					}
				}
				ev.RewriteRemoved = &removed
			}
		}
		out = append(out, ev)
	}
	return out
}

// reregister binds contact for expires seconds, within its own budget like
// unbind, and returns the bindings the 2xx lists, or why there was none.
func (s *session) reregister(ctx context.Context, l *link, ids *dialogIDs, contact sip.Uri, expires int) ([]results.Contact, string) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), unbindBudget)
	defer cancel()
	spec := s.registerSpec()
	spec.contact = &sip.ContactHeader{Address: contact, Params: sip.NewParams()}
	spec.expires = &expires
	var scratch catalog.Exchange
	res := s.registerExchange(cctx, l, ids, &spec, &scratch)
	switch {
	case res == nil:
		why := "no answer"
		if d := s.catalogue().DetailText(scratch, catalog.EN); d != "" {
			why += ": " + d
		}
		return nil, why
	case res.StatusCode < 200 || res.StatusCode >= 300:
		return nil, fmt.Sprintf("%d %s", res.StatusCode, res.Reason)
	}
	return bindings(res, ""), ""
}

// listed reports whether uri is among contacts, comparing what routes a
// request (RFC 3261 §19.1.4: user, host, port, transport).
func listed(contacts []results.Contact, uri string) bool {
	for _, c := range contacts {
		if sameContactURI(c.URI, uri) {
			return true
		}
	}
	return false
}

func sameContactURI(a, b string) bool {
	var ua, ub sip.Uri
	if sip.ParseUri(a, &ua) != nil || sip.ParseUri(b, &ub) != nil {
		return a == b
	}
	tp := func(u sip.Uri) string {
		if u.UriParams == nil {
			return ""
		}
		v, _ := u.UriParams.Get("transport")
		return strings.ToLower(v)
	}
	return ua.Scheme == ub.Scheme && ua.User == ub.User && strings.EqualFold(ua.Host, ub.Host) &&
		ua.Port == ub.Port && tp(ua) == tp(ub)
}
