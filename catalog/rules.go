package catalog

import "strings"

// choice is what the rules decided: an entry, maybe a failure kind, and
// whether the reason phrase selected it.
type choice struct {
	id       string
	kind     string
	byPhrase bool
}

// Diagnose picks the entry that explains ex and adds the facts behind it
// as notes. It never fails: an exchange it cannot read is internal-error.
func (c *Catalog) Diagnose(ex Exchange, lang Lang) Diagnosis {
	ch := c.pick(ex)
	e := c.entryByID(ch.id)
	if e == nil {
		e = c.entryByID(idInternal)
	}
	v := c.varsOf(ex)
	switch {
	case ch.id == idCertExpiring:
		for k, val := range certVars(ex.Cert) {
			v[k] = val
		}
	case ch.kind == TLSPlainSIP:
		c.plainSIPVars(ex, v)
	}
	d := c.render(e, ch.kind, lang, v)
	d.Remedies = c.withoutTried(ex, ch, lang, v, d.Remedies)
	d.Notes = c.notesFor(ex, ch, lang, v)
	return d
}

// pick is the whole decision: the rules, then what holds whatever they
// chose (a certificate about to expire turns an OK into a warning).
func (c *Catalog) pick(ex Exchange) choice { return c.withCertExpiry(ex, c.choose(ex)) }

// choose applies the rules in order; the first that fits wins.
func (c *Catalog) choose(ex Exchange) choice {
	outcome := ex.Outcome
	if outcome == "" && ex.Final != nil {
		outcome = OutcomeResponse
	}
	if outcome == OutcomeCanceled {
		return choice{id: "canceled"} // whatever the plain-SIP check found meanwhile
	}
	if plainSIP(ex) {
		return choice{id: "tls-failure", kind: TLSPlainSIP}
	}
	switch outcome {
	case OutcomeResponse:
		if ex.Final == nil {
			return choice{id: idInternal}
		}
		return c.chooseResponse(ex)
	case OutcomeTimeout:
		return chooseSilence(ex)
	case OutcomePortUnreachable, OutcomeRefused:
		// fail2ban's default ban action REJECTs with icmp-port-unreachable,
		// so a ban after failures looks like a closed port.
		if banSuspected(ex) {
			return choice{id: "fail2ban-ban"}
		}
		// Closed for UDP, open for TCP: the server does not speak the
		// transport used (the seeds' UDP/TCP mismatch).
		if ex.Alt != nil && ex.Alt.Answered {
			return choice{id: "transport-mismatch"}
		}
		return choice{id: "port-unreachable"}
	case OutcomeHostUnreachable:
		if ex.Unreachable == UnreachProhibited {
			// Some fail2ban set-ups reject with icmp-host-prohibited.
			if banSuspected(ex) {
				return choice{id: "fail2ban-ban"}
			}
			return choice{id: "firewall-rejected"}
		}
		return choice{id: "host-unreachable", kind: ex.Unreachable}
	case OutcomeConnectTimeout:
		return chooseSilence(ex)
	case OutcomeClosed:
		return choice{id: "connection-closed"}
	case OutcomeTLS:
		return choice{id: "tls-failure", kind: ex.TLSFailure}
	case OutcomeWebSocket:
		if ex.WSFailure == WSNotFound {
			return choice{id: "websocket-not-found"}
		}
		return choice{id: "websocket-upgrade-refused", kind: ex.WSFailure}
	case OutcomeDNS:
		return choice{id: "dns-failure", kind: ex.DNSFailure}
	case OutcomeMalformed:
		return choice{id: "malformed-response"}
	case OutcomeTooLarge:
		return choice{id: "udp-message-too-large"}
	case OutcomeCanceled:
		return choice{id: "canceled"}
	}
	return choice{id: idInternal}
}

// chooseSilence explains a request that got no final response.
func chooseSilence(ex Exchange) choice {
	switch {
	case ex.RingTimeout:
		return choice{id: "no-answer"}
	case banSuspected(ex):
		return choice{id: "fail2ban-ban"}
	case len(ex.Provisional) > 0:
		// Something answered 1xx, so the path works; the final never came.
		return choice{id: "no-final-response"}
	case ex.Alt != nil && ex.Alt.Unreachable:
		// UDP got no answer and TCP was told there is no route: the
		// network fails, whatever the SIP service does.
		return choice{id: "host-unreachable"}
	case isUDP(ex.Transport) && ex.Alt != nil && ex.Alt.Silent:
		// DESIGN.md §3: silence on every transport tried is no-response;
		// the NAT/firewall story needs a transport that does get through
		// or at least is refused.
		return choice{id: "no-response"}
	case isUDP(ex.Transport) && !ex.LocalPeer:
		// UDP silence: nat-timeout; the notes say what the other transport did.
		// No NAT sits between us and a loopback or our own address: then
		// it is the plain silence below.
		return choice{id: "nat-timeout"}
	case ex.Alt != nil && ex.Alt.Answered:
		return choice{id: "transport-mismatch"}
	}
	return choice{id: "no-response"}
}

func isUDP(t string) bool { return t == "" || strings.EqualFold(t, "udp") }

// chooseResponse explains a final response, using the method, whether we
// had authenticated, the reason phrase, the headers and the SDP findings.
func (c *Catalog) chooseResponse(ex Exchange) choice {
	f := ex.Final
	code, method := f.Code, strings.ToUpper(ex.Method)
	if code < 100 || code > 699 {
		return choice{id: "invalid-status-code"}
	}
	if code >= 200 && code < 300 {
		return chooseSuccess(ex)
	}
	if method == "RECEIVE" {
		// receive's final response is its REGISTER's: the test call's
		// own ending is a finding behind the 2xx.
		method = "REGISTER"
	}
	// We gave up ringing and sent CANCEL: whatever came back (487, or a
	// 1xx recorded as last) means nobody answered.
	if ex.RingTimeout {
		return choice{id: "no-answer"}
	}
	if ch, ok := c.chooseSRTP(ex); ok && method == "INVITE" {
		return ch
	}
	if method == "OPTIONS" {
		if ch, ok := chooseOptions(ex); ok {
			return ch
		}
	}
	if p, ok := c.matchPhrase(code, f.Reason); ok && p.specific {
		return choice{id: c.at(p.entry).id, byPhrase: true}
	}
	if ex.Alt != nil && ex.Alt.Answered && ex.Alt.Code >= 200 && ex.Alt.Code < 300 && code >= 400 {
		return choice{id: "transport-mismatch"}
	}
	switch code {
	case 401, 407:
		switch {
		case ex.AuthSent:
			return choice{id: "wrong-password"}
		case !ex.CredentialsGiven:
			return choice{id: "credentials-required"}
		}
		return choice{id: "auth-unsupported"}
	case 403:
		switch {
		case (method == "REGISTER" || method == "OPTIONS") && ex.AuthSent:
			return choice{id: "wrong-password"}
		case method == "REGISTER":
			return choice{id: "registration-forbidden"}
		case method == "INVITE":
			return choice{id: "call-forbidden"}
		}
	case 404:
		switch method {
		case "REGISTER":
			return choice{id: "unknown-user"}
		case "INVITE":
			return choice{id: "number-not-found"}
		}
	case 415:
		if method != "INVITE" && method != "" {
			return choice{id: "unsupported-media-type"}
		}
	}
	if method == "INVITE" || method == "" {
		if q, ok := c.q850Of(q850Cause(f.ReasonHdr)); ok && q.ID != "" && c.genericFor(code) {
			return choice{id: q.ID}
		}
	}
	if e := c.codeEntry(code); e != nil {
		return choice{id: e.id}
	}
	if e := c.classEntry(code / 100); e != nil {
		return choice{id: e.id}
	}
	return choice{id: idInternal}
}

// genericFor reports whether code alone says little about why a call
// failed, so a Q.850 cause in the Reason header is the better guide.
func (c *Catalog) genericFor(code int) bool {
	switch code {
	case 403, 404, 408, 410, 480, 484, 486, 500, 502, 503, 504, 600, 603, 604:
		return true
	}
	return c.codeEntry(code) == nil
}

// finding is a fact a probe reported behind a 2xx and the entry it means.
type finding struct {
	on bool
	id string
}

// successFindings lists what can make a 2xx a failure or a warning, worst
// first: the first one that is on is the diagnosis, the rest become notes.
// An array, not a slice: it stays on the stack, and every probe's
// diagnosis builds it (a sweep of 10,000 accounts, 10,000 times).
func successFindings(ex Exchange) [18]finding {
	return [18]finding{
		{ex.InboundNotDelivered, "inbound-not-delivered"},
		{ex.InboundACKLost, "inbound-ack-lost"},
		{ex.ACKNotReceived, "ack-not-received"},
		{ex.NoCommonCodec, "codec-mismatch"},
		{ex.MediaRejected, "media-rejected"},
		{ex.OneWayAudio != "", "one-way-audio"},
		{ex.SRTPNotAnswered, "srtp-not-supported"},
		{ex.NoRTPBack, "no-rtp-back"},
		{ex.ReinviteNoACK, "reinvite-ack-missing"},
		{ex.PrivateMediaAddr, "nat-media-private-address"},
		{ex.PoorAudio, "poor-audio-quality"},
		{ex.CredentialsNotChecked, "credentials-not-checked"},
		{ex.ContactEvicted, "contact-evicted"},
		{ex.UnbindFailed, "unbind-failed"},
		{ex.BindWouldEvict, "bind-would-evict"},
		{ex.BindingNotListed, "binding-not-listed"},
		{ex.DTMFNotNegotiated, "dtmf-not-negotiated"},
		{ex.DTMFNotEchoed, "dtmf-not-echoed"},
	}
}

// chooseSuccess looks behind a 2xx.
func chooseSuccess(ex Exchange) choice {
	for _, f := range successFindings(ex) {
		if f.on {
			if f.id == "inbound-not-delivered" && ex.InboundNATUnfixed {
				return choice{id: f.id, kind: InboundNAT}
			}
			if f.id == "one-way-audio" {
				return choice{id: f.id, kind: ex.OneWayAudio}
			}
			if f.id == "bind-would-evict" && ex.Method == "RECEIVE" {
				// receive's question (can it take calls?) went unasked.
				return choice{id: "receive-would-evict"}
			}
			return choice{id: f.id}
		}
	}
	return choice{id: "ok"}
}
