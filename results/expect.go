package results

import (
	"strconv"
	"strings"

	"github.com/sipprobe/sipprobe/catalog"
)

// Expectation is what the user said a probe must yield: the --expect-…
// flags of a single probe, or a scenario's expect table. When it is set,
// it is the question the status answers (DESIGN.md §1).
type Expectation struct {
	Code      int    // final SIP status code
	Diagnosis string // diagnosis id, e.g. "wrong-password" for a negative test
	Codec     string // negotiated codec of an invite
	// MaxMs and CritMs bound the check time (Result.CheckTime): above
	// MaxMs is a WARNING, above CritMs a CRITICAL.
	MaxMs  float64
	CritMs float64
	// MinContacts: fewer registered contacts is a WARNING (register).
	MinContacts int
}

// ExpectsMediaRefusal: the user expects the call's media to be refused (a
// negative test for a codec mismatch, or for a far end without SRTP), so
// the probe need not place a second call to tell the causes apart: a
// check that runs every minute must not ring a phone twice. Expecting
// srtp-required is not such a test: only the retry shows it.
func (e Expectation) ExpectsMediaRefusal() bool {
	return e.Code == 488 || e.Code == 606 || e.Diagnosis == "codec-mismatch" || e.Diagnosis == "srtp-not-supported"
}

// IsZero reports whether nothing is expected.
func (e Expectation) IsZero() bool { return e == Expectation{} }

// namesOutcome reports whether the expectation names the outcome itself,
// which then replaces the probe's own verdict: a refused wrong password is
// OK when refusal was expected. An expected 2xx does not: "200, as usual"
// must not hide what the probe found behind it (ack-not-received, an
// expiring certificate, bind-would-evict).
func (e Expectation) namesOutcome() bool {
	return e.Diagnosis != "" || e.Code != 0 && (e.Code < 200 || e.Code >= 300)
}

// Judge applies e to r. Every way of failing it gets a diagnosis of its own
// (expectation-failed, slow-response, no-contacts), and the diagnosis the
// exchange alone had stays in r.Observed: a failed expectation never reads
// "ok". A probe that could not run (UNKNOWN: interrupted, sipprobe's own
// error, no password for a challenge) keeps its verdict unless the
// expectation names exactly that outcome.
func (e Expectation) Judge(r Result, cat *catalog.Catalog, lang catalog.Lang) Result {
	if e.IsZero() {
		return r
	}
	note := func(key string, v map[string]string) string { return cat.Note(key, lang, v) }
	var mismatch, crit, warn []string
	warnID := ""
	if e.Code != 0 && r.FinalCode != e.Code {
		got := note("expect-no-final", nil)
		if r.FinalCode != 0 {
			got = strconv.Itoa(r.FinalCode) + " " + r.FinalReason
		}
		mismatch = append(mismatch, note("expect-code", map[string]string{"code": strconv.Itoa(e.Code), "text": got}))
	}
	if e.Diagnosis != "" && r.Diagnosis.ID != e.Diagnosis {
		mismatch = append(mismatch, note("expect-diagnosis", map[string]string{"name": e.Diagnosis, "text": e.orNone(r.Diagnosis.ID, note)}))
	}
	if e.Codec != "" {
		got := ""
		if r.Details != nil && r.Details.Invite != nil {
			got = r.Details.Invite.NegotiatedCodec
		}
		if !strings.EqualFold(got, e.Codec) {
			mismatch = append(mismatch, note("expect-codec", map[string]string{"name": e.Codec, "text": e.orNone(got, note)}))
		}
	}
	took := float64(r.CheckTime())
	if e.CritMs > 0 && took > e.CritMs {
		crit = append(crit, note("expect-crit-ms", map[string]string{"text": fmtMs(Millis(took)), "n": ms(e.CritMs)}))
	}
	if e.MinContacts > 0 {
		n := 0
		if r.Details != nil && r.Details.ContactCount != nil {
			n = *r.Details.ContactCount
		}
		if n < e.MinContacts {
			warn = append(warn, note("expect-min-contacts", map[string]string{"text": strconv.Itoa(n), "n": strconv.Itoa(e.MinContacts)}))
			warnID = "no-contacts"
		}
	}
	if e.MaxMs > 0 && took > e.MaxMs && len(crit) == 0 {
		warn = append(warn, note("expect-max-ms", map[string]string{"text": fmtMs(Millis(took)), "n": ms(e.MaxMs)}))
		if warnID == "" {
			warnID = "slow-response"
		}
	}
	reasons := append(append(append([]string(nil), mismatch...), crit...), warn...)
	r.Expect = &ExpectationResult{Met: len(reasons) == 0, Reasons: reasons}

	if r.Status == StatusUnknown {
		switch {
		case r.Error == "" && r.Diagnosis.ID != canceledID && (e.Code != 0 || e.Diagnosis != "") && len(reasons) == 0:
			// Could not run as configured, and that is just what was
			// expected (--expect-code 401 or --expect-diagnosis
			// credentials-required alike).
			r.Status = StatusOK
		default:
			// Not run, interrupted, or could not run as configured: it has
			// met nothing, even where what it saw so far matched.
			r.Expect = &ExpectationResult{Met: false, Reasons: append([]string{note("expect-not-judged", nil)}, reasons...)}
		}
		return r
	}
	status := r.Status
	if e.namesOutcome() {
		status = StatusOK
	}
	switch {
	case len(mismatch)+len(crit) > 0:
		r = replace(r, cat, lang, "expectation-failed", strings.Join(append(mismatch, crit...), "; "), StatusCritical)
	case len(warn) > 0 && status == StatusOK:
		r = replace(r, cat, lang, warnID, strings.Join(warn, "; "), StatusWarning)
	default:
		r.Status = status
	}
	return r
}

// ExpectedRefusal reports whether a result whose exchange was refused was
// a negative test that expected it: only an expectation that names the
// outcome turns a refusal into OK (or, when also too slow, WARNING); a
// refusal under a time expectation alone stays CRITICAL. Ban safety counts
// every other refusal.
func ExpectedRefusal(r Result) bool {
	return r.Expect != nil && (r.Status == StatusOK || r.Status == StatusWarning)
}

// replace makes id the diagnosis of r, keeping the exchange's own in
// Observed and the notes that back it.
func replace(r Result, cat *catalog.Catalog, lang catalog.Lang, id, text string, st Status) Result {
	d, ok := cat.RenderWith(id, lang, map[string]string{"text": text, "user": r.User, "target": r.Target})
	if !ok {
		d = catalog.Diagnosis{ID: id, Severity: catalog.Severity(st), Summary: text}
	}
	d.Notes = r.Diagnosis.Notes
	r.Observed = ObservedOf(r.Diagnosis)
	r.Diagnosis = d
	r.Status = st
	return r
}

func (e Expectation) orNone(s string, note func(string, map[string]string) string) string {
	if s == "" {
		return note("expect-none", nil)
	}
	return s
}

// canceledID is the diagnosis of an interrupted probe.
const canceledID = "canceled"

func ms(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
