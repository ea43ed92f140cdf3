package catalog

// chooseOptions answers the question `options` asks: is the SIP service
// alive? Any final response proves it is, whatever the code: servers and
// phones answer an OPTIONS they do not serve with 403, 404, 405, 501, 486,
// 603 or a redirect (RFC 3261 §11.2 lets a UA answer OPTIONS as it would
// answer an INVITE). Only 408 and the 5xx that say the server is in
// trouble mean degraded or down, as their codes say. With a user in the
// Request-URI (ex.ToUser) the question is whether that user is reachable,
// so the codes that say "no such user" or "not reachable now" fail it.
// ok is false when the general rules decide: refused credentials, or a
// code that means trouble.
func chooseOptions(ex Exchange) (choice, bool) {
	code := ex.Final.Code
	switch {
	case ex.AuthSent && (code == 401 || code == 407 || code == 403):
		return choice{}, false // our credentials were refused: wrong-password & co.
	case code == 401 || code == 407:
		if ex.CredentialsGiven || ex.ToUser != "" {
			// We had a password but could not answer (auth-unsupported),
			// or the question was whether a user is reachable, which a
			// challenge does not answer (credentials-required: UNKNOWN).
			return choice{}, false
		}
		return choice{id: "auth-required-alive"}, true
	case code == 408, code >= 500 && code < 600 && code != 501:
		return choice{}, false
	}
	if ex.ToUser != "" {
		switch code {
		case 404, 410, 480, 484, 604:
			return choice{}, false
		}
	}
	switch code {
	case 403:
		return choice{id: "options-forbidden"}, true
	case 405, 501:
		return choice{id: "options-not-supported"}, true
	}
	return choice{id: "options-answered"}, true
}
