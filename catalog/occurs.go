package catalog

import (
	"strconv"
	"time"
)

// Methods are the requests the probers send, in the order tables list them.
func Methods() []string { return []string{"OPTIONS", "REGISTER", "INVITE", "RECEIVE"} }

// Occurrences lists, per entry id, the methods whose probes can end with
// it. It is not written by hand: the rules are run over every kind of
// exchange a probe of that method reports (each outcome with its failure
// kinds, transports and fallback results; each status code and vendor
// reason phrase with and without credentials; each finding), so the list
// stays true when the rules change. Ids decided outside the rules (a
// failed expectation, a probe the runner never started) are added from
// decidedElsewhere.
func (c *Catalog) Occurrences() map[string][]string {
	seen := map[string]map[string]bool{}
	add := func(id, method string) {
		if seen[id] == nil {
			seen[id] = map[string]bool{}
		}
		seen[id][method] = true
	}
	for _, m := range Methods() {
		c.exchanges(m, func(ex Exchange) { add(c.pick(ex).id, m) })
		for _, id := range decidedElsewhere(m) {
			add(id, m)
		}
	}
	out := map[string][]string{}
	for id, ms := range seen {
		for _, m := range Methods() {
			if ms[m] {
				out[id] = append(out[id], m)
			}
		}
	}
	return out
}

// decidedElsewhere are the ids that results.Expectation and the scenario
// runner give, which the exchange rules never choose.
func decidedElsewhere(method string) []string {
	ids := []string{"expectation-failed", "slow-response", "not-run"}
	if method == "REGISTER" {
		ids = append(ids, "no-contacts") // expect.min_contacts
	}
	return ids
}

// exchanges calls yield with every kind of exchange a probe of method can
// report to the rules.
func (c *Catalog) exchanges(method string, yield func(Exchange)) {
	base := Exchange{Method: method}
	// Credentials: none given; given and sent; given but never sent (the
	// challenge could not be answered).
	type creds struct{ given, sent bool }
	credsOf := []creds{{false, false}, {true, true}, {true, false}}
	var users, rings []bool
	users, rings = []bool{false}, []bool{false}
	if method == "OPTIONS" {
		users = []bool{false, true}
	}
	if method == "INVITE" {
		rings = []bool{false, true}
	}
	response := func(code int, reason, reasonHdr string) {
		for _, cr := range credsOf {
			for _, u := range users {
				for _, ring := range rings {
					ex := base
					ex.Outcome, ex.Final = OutcomeResponse, &Reply{Code: code, Reason: reason, ReasonHdr: reasonHdr}
					ex.CredentialsGiven, ex.AuthSent, ex.RingTimeout = cr.given, cr.sent, ring
					if u {
						ex.ToUser = "120"
					}
					yield(ex)
				}
			}
		}
	}
	for code := 200; code <= 699; code++ { // a 1xx is never final
		response(code, c.StandardReason(code), "")
	}
	for _, e := range c.entries {
		for _, p := range e.phrases {
			code, reason, ok := splitPhrase(p)
			if !ok {
				continue
			}
			if code >= 100 && code < 200 {
				continue
			}
			codes := []int{code}
			if code == 0 { // "* Codec Mismatch": any 4xx-6xx
				codes = []int{400, 403, 480, 488, 500, 503, 603}
			}
			for _, cd := range codes {
				response(cd, reason, "")
			}
		}
	}
	if method == "INVITE" {
		for _, q := range c.q850 {
			for code := 400; code <= 699; code++ {
				response(code, c.StandardReason(code), "Q.850;cause="+strconv.Itoa(q.Code))
			}
		}
	}
	expiring := &CertExpiry{Subject: "pbx", DaysLeft: 1, Expiring: true}
	for _, cert := range []*CertExpiry{expiring, {Subject: "pbx", DaysLeft: -1, Expiring: true}} {
		ex := base
		ex.Outcome, ex.Final, ex.Transport, ex.Cert = OutcomeResponse, &Reply{Code: 200, Reason: "OK"}, "tls", cert
		yield(ex)
	}
	for _, f := range findingsOf(method) {
		ex := base
		ex.Outcome, ex.Final, ex.AuthSent, ex.CredentialsGiven = OutcomeResponse, &Reply{Code: 200, Reason: "OK"}, true, true
		f(&ex)
		yield(ex)
	}
	c.faults(base, yield)
	wsFaults(base, yield)
}

// faults yields the exchanges that end without a final response.
func (c *Catalog) faults(base Exchange, yield func(Exchange)) {
	alts := []*AltTransport{nil,
		{Transport: "tcp", Answered: true, Code: 200}, {Transport: "tcp"},
		{Transport: "tcp", Silent: true}, {Transport: "tcp", Unreachable: true}}
	outcomes := []Outcome{OutcomeTimeout, OutcomePortUnreachable, OutcomeRefused, OutcomeHostUnreachable,
		OutcomeConnectTimeout, OutcomeClosed, OutcomeTLS, OutcomeDNS, OutcomeMalformed, OutcomeTooLarge,
		OutcomeCanceled, OutcomeInternal}
	for _, o := range outcomes {
		for _, tr := range []string{"udp", "tcp", "tls"} {
			for _, alt := range alts {
				if alt != nil && tr == "tcp" {
					continue // the other transport is checked after UDP silence and a failed TLS handshake
				}
				for _, unreach := range []string{"", UnreachHost, UnreachNet, UnreachLocal, UnreachProhibited} {
					for _, refusals := range []Refusals{{}, {InWindow: banThreshold, Window: DefaultBanWindow, Last: time.Unix(1, 0)}} {
						for _, prov := range [][]Reply{nil, {{Code: 180, Reason: "Ringing"}}} {
							for _, ring := range []bool{false, base.Method == "INVITE"} {
								ex := base
								ex.Outcome, ex.Transport, ex.Alt, ex.Unreachable = o, tr, alt, unreach
								ex.Refusals, ex.Provisional, ex.RingTimeout = refusals, prov, ring
								yield(ex)
							}
						}
					}
				}
			}
		}
	}
}

// wsFaults yields the refused WebSocket upgrades, one per kind.
func wsFaults(base Exchange, yield func(Exchange)) {
	for _, kind := range []string{WSStatus, WSNotFound, WSNoSubprotocol, WSNoUpgrade} {
		for _, tr := range []string{"ws", "wss"} {
			ex := base
			ex.Outcome, ex.Transport, ex.WSFailure = OutcomeWebSocket, tr, kind
			yield(ex)
		}
	}
}

// findingsOf lists the findings a probe of method reports behind a 2xx,
// each as a change to the exchange.
func findingsOf(method string) []func(*Exchange) {
	switch method {
	case "INVITE":
		return []func(*Exchange){
			func(ex *Exchange) { ex.ACKNotReceived = true },
			func(ex *Exchange) { ex.NoCommonCodec = true },
			func(ex *Exchange) { ex.MediaRejected = true },
			func(ex *Exchange) { ex.NoRTPBack = true },
			func(ex *Exchange) { ex.ReinviteNoACK = true },
			func(ex *Exchange) { ex.PrivateMediaAddr = true },
			func(ex *Exchange) { ex.OneWayAudio = OneWayInbound },
			func(ex *Exchange) { ex.OneWayAudio = OneWayOutbound },
			func(ex *Exchange) {
				ex.PoorAudio, ex.AudioMOS, ex.AudioLoss, ex.AudioJitter = true, "2.9", "6.0%", "12 ms"
			},
			func(ex *Exchange) { ex.DTMFNotEchoed, ex.DTMFMissing = true, "4#" },
			func(ex *Exchange) { ex.DTMFNotNegotiated = true },
			func(ex *Exchange) { ex.SRTPNotAnswered = true },
			func(ex *Exchange) { ex.Final, ex.SRTPOffered = &Reply{Code: 488, Reason: "Not Acceptable Here"}, true },
			func(ex *Exchange) { ex.Final, ex.SRTPRequired = &Reply{Code: 488, Reason: "Not Acceptable Here"}, true },
		}
	case "REGISTER":
		// Only register asks whether the credentials are accepted.
		return append(bindFindings(), func(ex *Exchange) { ex.CredentialsNotChecked = true })
	case "RECEIVE":
		// receive binds as register --bind does, then takes a call.
		return append(bindFindings(),
			func(ex *Exchange) { ex.InboundNotDelivered = true },
			func(ex *Exchange) { ex.InboundNotDelivered, ex.InboundNATUnfixed = true, true },
			func(ex *Exchange) { ex.InboundACKLost = true },
			// receive --rtp judges the caller's audio as invite --rtp does.
			func(ex *Exchange) { ex.NoRTPBack = true },
			func(ex *Exchange) { ex.OneWayAudio = OneWayInbound },
			func(ex *Exchange) { ex.OneWayAudio = OneWayOutbound },
			func(ex *Exchange) {
				ex.PoorAudio, ex.AudioMOS, ex.AudioLoss, ex.AudioJitter = true, "2.9", "6.0%", "12 ms"
			},
		)
	}
	return nil
}

// bindFindings are what register --bind and receive find about the
// contact they bind.
func bindFindings() []func(*Exchange) {
	return []func(*Exchange){
		func(ex *Exchange) { ex.BindingNotListed = true },
		func(ex *Exchange) { ex.BindWouldEvict = true },
		func(ex *Exchange) { ex.ContactEvicted = true },
		func(ex *Exchange) { ex.UnbindFailed = true },
	}
}
