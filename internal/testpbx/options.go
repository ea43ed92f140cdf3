package testpbx

import (
	"crypto/tls"
	"fmt"
	"strings"
	"time"
)

// Option configures a PBX in New.
type Option func(*config) error

// AccountOption configures one account in WithAccount.
type AccountOption func(*account) error

// reply is a status code with its reason phrase.
type reply struct {
	code   int
	reason string
}

// config is everything New collected from the options. It is read-only once
// New returns, so handlers read it without locking.
type config struct {
	realm        string
	algorithm    string // "MD5" or "SHA-256"
	qop          bool
	asterisk     bool
	proxyAuth    bool
	optionsAuth  bool
	banAfter     int
	minExpires   int
	maxContacts  int
	staleNonce   bool
	unknownUser  reply
	t1           time.Duration
	tlsCert      *tls.Certificate
	accounts     map[string]*account // by AOR user
	authIndex    map[string]*account // by digest username
	faults       []faultRule
	serverHeader string
}

// account is one configured user. Its static fields come from options; its
// mutable registrar state lives in PBX.bindings under PBX.mu.
type account struct {
	user          string
	authUser      string
	password      string
	reject        *reply
	wrongPassword *reply
	extensions    map[string]ExtensionBehaviour
}

func defaultConfig() config {
	return config{
		realm:        "testpbx.local",
		algorithm:    "MD5",
		qop:          true,
		unknownUser:  reply{404, "Not Found"},
		t1:           500 * time.Millisecond,
		accounts:     map[string]*account{},
		authIndex:    map[string]*account{},
		serverHeader: "sipprobe-testpbx",
	}
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidOption, fmt.Sprintf(format, args...))
}

func validReply(code int, reason string) error {
	if code < 100 || code > 699 {
		return invalid("status code %d outside 100..699", code)
	}
	if strings.ContainsAny(reason, "\r\n") {
		return invalid("reason phrase %q contains a line break", reason)
	}
	return nil
}

// WithRealm sets the digest realm (default "testpbx.local").
func WithRealm(realm string) Option {
	return func(c *config) error {
		if realm == "" || strings.ContainsAny(realm, "\"\r\n") {
			return invalid("realm %q", realm)
		}
		c.realm = realm
		return nil
	}
}

// WithAccount adds a user that may register and call. Requests are
// authenticated with digest against password.
func WithAccount(user, password string, opts ...AccountOption) Option {
	return func(c *config) error {
		if user == "" || strings.ContainsAny(user, "@:;<> \r\n") {
			return invalid("account user %q", user)
		}
		if _, dup := c.accounts[user]; dup {
			return invalid("account %q defined twice", user)
		}
		a := &account{user: user, authUser: user, password: password, extensions: map[string]ExtensionBehaviour{}}
		for _, o := range opts {
			if err := o(a); err != nil {
				return err
			}
		}
		if _, dup := c.authIndex[a.authUser]; dup {
			return invalid("auth user %q used by two accounts", a.authUser)
		}
		c.accounts[user] = a
		c.authIndex[a.authUser] = a
		return nil
	}
}

// WithDigestAlgorithm selects the challenge algorithm: "MD5" (default) or
// "SHA-256" (RFC 8760).
func WithDigestAlgorithm(alg string) Option {
	return func(c *config) error {
		switch strings.ToUpper(alg) {
		case "MD5":
			c.algorithm = "MD5"
		case "SHA-256":
			c.algorithm = "SHA-256"
		default:
			return invalid("digest algorithm %q (want MD5 or SHA-256)", alg)
		}
		return nil
	}
}

// WithQop sets whether challenges carry qop="auth" (default true). Without
// it the RFC 2069 compatible digest (no cnonce, no nc) is expected.
func WithQop(on bool) Option {
	return func(c *config) error { c.qop = on; return nil }
}

// WithAsteriskStyle answers a wrong password and an unknown user alike with
// a fresh 401 challenge, as chan_pjsip does so that extensions cannot be
// enumerated.
func WithAsteriskStyle() Option {
	return func(c *config) error { c.asterisk = true; return nil }
}

// WithProxyAuth challenges with 407 Proxy-Authenticate instead of 401
// WWW-Authenticate, as a proxy (Kamailio proxy_challenge) does.
func WithProxyAuth() Option {
	return func(c *config) error { c.proxyAuth = true; return nil }
}

// WithOptionsAuth challenges out-of-dialog OPTIONS like any other request.
// By default OPTIONS is answered 200 without authentication.
func WithOptionsAuth() Option {
	return func(c *config) error { c.optionsAuth = true; return nil }
}

// WithBanAfter makes the PBX behave like fail2ban: after n failed
// authentication attempts from an IP address, every later packet from that
// address is dropped without an answer. 0 disables banning.
func WithBanAfter(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return invalid("ban after %d", n)
		}
		c.banAfter = n
		return nil
	}
}

// WithMinExpires answers a REGISTER whose expiry is below n seconds (but not
// 0) with 423 Interval Too Brief and a Min-Expires header (RFC 3261 §10.3
// step 7).
func WithMinExpires(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return invalid("min expires %d", n)
		}
		c.minExpires = n
		return nil
	}
}

// WithStaleNonce answers each account's first correctly authenticated
// request with 401 stale=true and a fresh nonce, as a server whose nonce
// expired between challenge and answer does.
func WithStaleNonce() Option {
	return func(c *config) error { c.staleNonce = true; return nil }
}

// WithMaxContacts keeps at most n bindings per account; a new binding evicts
// the oldest, as Asterisk does with max_contacts=n and remove_existing=yes.
// 0 means no limit.
func WithMaxContacts(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return invalid("max contacts %d", n)
		}
		c.maxContacts = n
		return nil
	}
}

// WithUnknownUser sets the answer to credentials for a user that does not
// exist (default 404 Not Found; a real server may say 403 "No Such User").
// WithAsteriskStyle overrides it with a fresh 401.
func WithUnknownUser(code int, reason string) Option {
	return func(c *config) error {
		if err := validReply(code, reason); err != nil {
			return err
		}
		c.unknownUser = reply{code, reason}
		return nil
	}
}

// WithT1 sets the RFC 3261 timer T1 used for the PBX's own retransmissions
// (default 500ms). T2 is 8×T1 and transactions give up after 64×T1, so a
// short T1 makes ACK-loss tests fast.
func WithT1(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return invalid("T1 %v", d)
		}
		c.t1 = d
		return nil
	}
}

// WithTLS also listens for SIP over TLS with the given certificate, on a
// port of its own (Addr("tls")).
func WithTLS(cert tls.Certificate) Option {
	return func(c *config) error {
		if len(cert.Certificate) == 0 {
			return invalid("TLS certificate is empty")
		}
		c.tlsCert = &cert
		return nil
	}
}

// WithFault makes the PBX misbehave on requests of the given methods (all
// methods when none is given). The first matching rule wins.
func WithFault(f Fault, methods ...string) Option {
	return WithFaultN(f, 0, methods...)
}

// WithFaultN is WithFault limited to the first n matching requests; later
// ones are handled normally. n = 0 means every request. It lets a test drop
// the first REGISTER and see that the retransmission gets through.
func WithFaultN(f Fault, n int, methods ...string) Option {
	return func(c *config) error {
		if f == nil {
			return invalid("nil fault")
		}
		spec := f.spec()
		if err := spec.validate(); err != nil {
			return err
		}
		if n < 0 {
			return invalid("fault count %d", n)
		}
		ms := make([]string, len(methods))
		for i, m := range methods {
			ms[i] = strings.ToUpper(m)
		}
		c.faults = append(c.faults, faultRule{spec: spec, methods: ms, limit: n})
		return nil
	}
}

// WithFaultAfter is WithFault from the (skip+1)th matching request on: the
// first skip are handled normally. It lets a test break the end of an
// exchange, say the REGISTER that removes a --bind contact.
func WithFaultAfter(f Fault, skip int, methods ...string) Option {
	return func(c *config) error {
		if skip < 0 {
			return invalid("fault skip %d", skip)
		}
		if err := WithFault(f, methods...)(c); err != nil {
			return err
		}
		c.faults[len(c.faults)-1].skip = skip
		return nil
	}
}

// AuthUser sets a digest username different from the account's user (the
// AOR), as with sipprobe's --auth-user.
func AuthUser(name string) AccountOption {
	return func(a *account) error {
		if name == "" || strings.ContainsAny(name, "\"\r\n") {
			return invalid("auth user %q", name)
		}
		a.authUser = name
		return nil
	}
}

// Reject answers every correctly authenticated REGISTER of the account with
// code and reason, e.g. 403 "User Disabled".
func Reject(code int, reason string) AccountOption {
	return func(a *account) error {
		if err := validReply(code, reason); err != nil {
			return err
		}
		a.reject = &reply{code, reason}
		return nil
	}
}

// RejectWrongPassword sets the answer to a wrong password for this account,
// e.g. 403 "Wrong Guess" (default 403 Forbidden, or a fresh 401 with
// WithAsteriskStyle).
func RejectWrongPassword(code int, reason string) AccountOption {
	return func(a *account) error {
		if err := validReply(code, reason); err != nil {
			return err
		}
		a.wrongPassword = &reply{code, reason}
		return nil
	}
}

// Extension defines what happens when the account calls number.
func Extension(number string, b ExtensionBehaviour) AccountOption {
	return func(a *account) error {
		if number == "" || strings.ContainsAny(number, "@:;<> \r\n") {
			return invalid("extension number %q", number)
		}
		if err := b.validate(); err != nil {
			return fmt.Errorf("extension %s: %w", number, err)
		}
		a.extensions[number] = b
		return nil
	}
}
