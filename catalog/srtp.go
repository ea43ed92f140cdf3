package catalog

import "strings"

// chooseSRTP explains a refused INVITE by media encryption (issue 12),
// when the probe has the evidence: a plain offer refused while an SRTP
// offer of the same call was answered is srtp-required; our SRTP offer
// refused is srtp-not-supported, unless the same call offered plain was
// refused too. Other refusals keep their own ids.
func (c *Catalog) chooseSRTP(ex Exchange) (choice, bool) {
	if ex.Final == nil || !c.notAcceptable(ex.Final.Code, ex.Final.Reason) {
		return choice{}, false
	}
	switch {
	case ex.SRTPRequired:
		return choice{id: "srtp-required"}, true
	case ex.SRTPOffered && !ex.SRTPPlainRefused:
		return choice{id: "srtp-not-supported"}, true
	}
	return choice{}, false
}

// notAcceptable: the answer refuses the offer's media: 488 Not
// Acceptable Here, 606 Not Acceptable (RFC 3261 §21.4.26, §21.6.4), or
// a reason phrase that says so or names a codec mismatch.
func (c *Catalog) notAcceptable(code int, reason string) bool {
	if code == 488 || code == 606 || strings.Contains(strings.ToLower(reason), "not acceptable") {
		return true
	}
	p, ok := c.matchPhrase(code, reason)
	return ok && c.at(p.entry).id == "codec-mismatch"
}
