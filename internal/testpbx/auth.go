package testpbx

import (
	"crypto/rand"
	"crypto/subtle"
	"strings"

	"github.com/emiago/sipgo/sip"
	"github.com/icholy/digest"
)

// token returns a random lower-case string for tags, nonces and branches.
func token() string {
	return strings.ToLower(rand.Text()[:16])
}

// maxNonces bounds the memory a long-running demo PBX spends on nonces.
const maxNonces = 4096

// authOutcome is what checking a request's credentials found.
type authOutcome int

const (
	authMissing     authOutcome = iota // no usable credentials: challenge
	authOK                             // valid credentials for a known account
	authStale                          // valid credentials, but the nonce is not current
	authUnknownUser                    // credentials for a user that does not exist
	authWrongPass                      // credentials that do not verify
)

// authenticate checks the request's digest credentials and, when they do not
// pass, sends the answer the configured server style gives (challenge,
// stale challenge, 403, 404, …). It returns the account on success.
func (p *PBX) authenticate(tx *serverTx) (*account, bool) {
	acct, outcome := p.checkCredentials(tx.req)
	switch outcome {
	case authOK:
		if p.cfg.staleNonce && p.firstStale(acct.user) {
			p.challenge(tx, true)
			return nil, false
		}
		return acct, true
	case authMissing:
		p.challenge(tx, false)
	case authStale:
		p.challenge(tx, true)
	case authUnknownUser:
		p.failed(tx.pe)
		if p.cfg.asterisk {
			p.challenge(tx, false)
			return nil, false
		}
		tx.sendFinal(tx.response(p.cfg.unknownUser.code, p.cfg.unknownUser.reason))
	case authWrongPass:
		p.failed(tx.pe)
		switch {
		case acct.wrongPassword != nil:
			tx.sendFinal(tx.response(acct.wrongPassword.code, acct.wrongPassword.reason))
		case p.cfg.asterisk:
			p.challenge(tx, false)
		default:
			tx.sendFinal(tx.response(403, "Forbidden"))
		}
	}
	return nil, false
}

// firstStale reports true once per account: the first valid attempt is the
// one that gets stale=true.
func (p *PBX) firstStale(user string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stale[user] {
		return false
	}
	p.stale[user] = true
	return true
}

// failed counts a failed authentication from the peer's IP and bans the IP
// once WithBanAfter's threshold is reached. The failing request itself is
// still answered; the next one is not (fail2ban acts on the log line).
func (p *PBX) failed(pe *peer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ip := pe.ip()
	p.failures[ip]++
	if p.cfg.banAfter > 0 && p.failures[ip] >= p.cfg.banAfter {
		p.banned[ip] = true
	}
}

// challenge sends 401 WWW-Authenticate (or 407 Proxy-Authenticate) with a
// fresh nonce.
func (p *PBX) challenge(tx *serverTx, stale bool) {
	nonce := token()
	p.mu.Lock()
	if len(p.nonces) >= maxNonces {
		// Forget old nonces wholesale: a client answering one of them
		// gets stale=true, which is how real servers expire nonces.
		clear(p.nonces)
	}
	p.nonces[nonce] = struct{}{}
	p.mu.Unlock()
	chal := digest.Challenge{
		Realm:     p.cfg.realm,
		Nonce:     nonce,
		Algorithm: p.cfg.algorithm,
		Stale:     stale,
		Opaque:    "",
	}
	if p.cfg.qop {
		chal.QOP = []string{"auth"}
	}
	code, header := 401, "WWW-Authenticate"
	if p.cfg.proxyAuth {
		code, header = 407, "Proxy-Authenticate"
	}
	res := tx.response(code, "")
	res.AppendHeader(sip.NewHeader(header, chal.String()))
	tx.sendFinal(res)
}

// checkCredentials verifies the request's Authorization (or
// Proxy-Authorization) against the account's password by recomputing the
// digest response with icholy/digest (RFC 2617 / RFC 8760).
func (p *PBX) checkCredentials(req *sip.Request) (*account, authOutcome) {
	h := req.GetHeader("Authorization")
	if p.cfg.proxyAuth || h == nil {
		if ph := req.GetHeader("Proxy-Authorization"); ph != nil {
			h = ph
		}
	}
	if h == nil {
		return nil, authMissing
	}
	cred, err := digest.ParseCredentials(h.Value())
	if err != nil || cred.Realm != p.cfg.realm || cred.Nonce == "" {
		return nil, authMissing
	}
	acct := p.cfg.authIndex[cred.Username]
	if acct == nil {
		return nil, authUnknownUser
	}
	alg := strings.ToUpper(cred.Algorithm)
	if alg == "" {
		alg = "MD5"
	}
	if alg != p.cfg.algorithm || (p.cfg.qop && cred.QOP != "auth") || (!p.cfg.qop && cred.QOP != "") {
		return acct, authWrongPass
	}
	chal := &digest.Challenge{Realm: cred.Realm, Nonce: cred.Nonce, Algorithm: cred.Algorithm, Opaque: cred.Opaque}
	if cred.QOP != "" {
		chal.QOP = []string{cred.QOP}
		if cred.Cnonce == "" || cred.Nc == 0 {
			return acct, authWrongPass
		}
	}
	want, err := digest.Digest(chal, digest.Options{
		Method:   string(req.Method),
		URI:      cred.URI,
		Count:    cred.Nc,
		Cnonce:   cred.Cnonce,
		Username: acct.authUser,
		Password: acct.password,
	})
	if err != nil || subtle.ConstantTimeCompare([]byte(want.Response), []byte(strings.ToLower(cred.Response))) != 1 {
		return acct, authWrongPass
	}
	p.mu.Lock()
	_, known := p.nonces[cred.Nonce]
	p.mu.Unlock()
	if !known {
		// Right password, but a nonce we never issued (or forgot): the
		// standard answer is a new challenge with stale=true.
		return acct, authStale
	}
	return acct, authOK
}
