package testpbx

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"
)

// defaultExpires applies when a REGISTER names neither an expires parameter
// nor an Expires header (RFC 3261 §10.2.1.1 leaves it to the registrar).
const defaultExpires = 3600

// Binding is one registered contact of an account.
type Binding struct {
	URI     string    // the Contact URI as registered
	Expires time.Time // when the binding lapses
	CallID  string    // of the REGISTER that created or refreshed it
	CSeq    uint32
	Source  string // transport address the REGISTER came from
}

// binding is the stored form; uri is parsed once for comparisons.
type binding struct {
	Binding
	uri     sip.Uri
	created time.Time
}

// Bindings returns the account's unexpired bindings, oldest first.
func (p *PBX) Bindings(user string) []Binding {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Binding
	for _, b := range p.liveBindings(user, time.Now()) {
		out = append(out, b.Binding)
	}
	return out
}

// AddBinding registers contact for user as a real phone would, so a test
// can check that a probe leaves it alone.
func (p *PBX) AddBinding(user, contact string, expires time.Duration) error {
	if p.cfg.accounts[user] == nil {
		return fmt.Errorf("%w: %q", ErrUnknownAccount, user)
	}
	var u sip.Uri
	if err := sip.ParseUri(contact, &u); err != nil || u.Host == "" {
		return fmt.Errorf("%w: %q", ErrBadURI, contact)
	}
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.upsert(user, binding{
		Binding: Binding{URI: contact, Expires: now.Add(expires), CallID: "testpbx-" + token(), Source: "added-by-test"},
		uri:     u,
		created: now,
	})
	return nil
}

// liveBindings drops expired bindings and returns the rest. Caller holds p.mu.
func (p *PBX) liveBindings(user string, now time.Time) []binding {
	bs := slices.DeleteFunc(p.bindings[user], func(b binding) bool { return !b.Expires.After(now) })
	p.bindings[user] = bs
	return bs
}

// upsert adds or refreshes a binding, then evicts the oldest bindings beyond
// WithMaxContacts. Caller holds p.mu.
func (p *PBX) upsert(user string, nb binding) {
	bs := p.liveBindings(user, time.Now())
	if i := slices.IndexFunc(bs, func(b binding) bool { return sameContact(b.uri, nb.uri) }); i >= 0 {
		nb.created = bs[i].created
		bs[i] = nb
	} else {
		bs = append(bs, nb)
	}
	slices.SortStableFunc(bs, func(a, b binding) int { return a.created.Compare(b.created) })
	if n := p.cfg.maxContacts; n > 0 && len(bs) > n {
		bs = slices.Delete(bs, 0, len(bs)-n)
	}
	p.bindings[user] = bs
}

// sameContact compares contact URIs the way RFC 3261 §19.1.4 matters here:
// user, host (case-insensitive), port and transport.
func sameContact(a, b sip.Uri) bool {
	tp := func(u sip.Uri) string {
		if u.UriParams == nil {
			return ""
		}
		v, _ := u.UriParams.Get("transport")
		return strings.ToLower(v)
	}
	return a.User == b.User && strings.EqualFold(a.Host, b.Host) && a.Port == b.Port && tp(a) == tp(b)
}

// contactExpiry is the contact's expires parameter, else the Expires
// header, else the default (RFC 3261 §10.3 step 6).
func contactExpiry(c *sip.ContactHeader, req *sip.Request) (int, bool) {
	if v, ok := c.Params.Get("expires"); ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		return n, err == nil && n >= 0
	}
	return headerExpiry(req)
}

func headerExpiry(req *sip.Request) (int, bool) {
	h := req.GetHeader("Expires")
	if h == nil {
		return defaultExpires, true
	}
	n, err := strconv.Atoi(strings.TrimSpace(h.Value()))
	return n, err == nil && n >= 0
}

// register implements the registrar of RFC 3261 §10.3.
func (p *PBX) register(tx *serverTx) {
	req := tx.req
	acct, ok := p.authenticate(tx)
	if !ok {
		return
	}
	if req.To().Address.User != acct.user {
		tx.send(tx.response(403, "Forbidden"))
		return
	}
	if acct.reject != nil {
		tx.send(tx.response(acct.reject.code, acct.reject.reason))
		return
	}
	contacts := contactHeaders(req)
	if code, reason, extra := p.checkContacts(req, contacts); code != 0 {
		res := tx.response(code, reason)
		if extra != nil {
			res.AppendHeader(extra)
		}
		tx.send(res)
		return
	}
	now := time.Now()
	p.mu.Lock()
	for _, c := range contacts {
		if c.Address.Wildcard {
			p.bindings[acct.user] = nil // "*" with Expires: 0, validated above
			continue
		}
		exp, _ := contactExpiry(c, req)
		if exp == 0 {
			p.bindings[acct.user] = slices.DeleteFunc(p.bindings[acct.user], func(b binding) bool {
				return sameContact(b.uri, c.Address)
			})
			continue
		}
		p.upsert(acct.user, binding{
			Binding: Binding{
				URI:     c.Address.String(),
				Expires: now.Add(time.Duration(exp) * time.Second),
				CallID:  req.CallID().Value(),
				CSeq:    req.CSeq().SeqNo,
				Source:  req.Source(),
			},
			uri:     c.Address,
			created: now,
		})
	}
	live := slices.Clone(p.liveBindings(acct.user, now))
	p.mu.Unlock()

	// RFC 3261 §10.3 step 8: the 200 OK lists every current binding, which
	// is also the whole answer to a query (a REGISTER without Contact).
	res := tx.response(200, "OK")
	for _, b := range live {
		secs := int(time.Until(b.Expires).Round(time.Second) / time.Second)
		c := &sip.ContactHeader{Address: b.uri, Params: sip.NewParams()}
		c.Params.Add("expires", strconv.Itoa(max(secs, 1)))
		res.AppendHeader(c)
	}
	res.AppendHeader(sip.NewHeader("Date", now.UTC().Format(time.RFC1123)))
	tx.send(res)
}

func contactHeaders(req *sip.Request) []*sip.ContactHeader {
	var out []*sip.ContactHeader
	for _, h := range req.GetHeaders("Contact") {
		if c, ok := h.(*sip.ContactHeader); ok {
			out = append(out, c)
		}
	}
	return out
}

// checkContacts validates a REGISTER's Contact set before anything changes:
// "*" only alone and with Expires: 0 (§10.3 step 6), expiry values, the
// Min-Expires floor (step 7, 423).
func (p *PBX) checkContacts(req *sip.Request, contacts []*sip.ContactHeader) (int, string, sip.Header) {
	for _, c := range contacts {
		if c.Address.Wildcard {
			exp, ok := headerExpiry(req)
			if len(contacts) != 1 || !ok || exp != 0 || req.GetHeader("Expires") == nil {
				return 400, "Invalid Contact: * requires Expires: 0 and no other contact", nil
			}
			continue
		}
		if c.Address.Host == "" {
			return 400, "Invalid Contact", nil
		}
		exp, ok := contactExpiry(c, req)
		if !ok {
			return 400, "Invalid Expires", nil
		}
		if exp != 0 && exp < p.cfg.minExpires {
			return 423, "Interval Too Brief", sip.NewHeader("Min-Expires", strconv.Itoa(p.cfg.minExpires))
		}
	}
	return 0, "", nil
}
