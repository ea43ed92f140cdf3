package scenarios

import (
	"fmt"
	"strings"

	"github.com/sipprobe/sipprobe/results"
)

// Expect is what a probe must yield. The zero Expect means "the probe's own
// verdict stands".
type Expect struct {
	Code      int     // final SIP status code
	Diagnosis string  // diagnosis id, e.g. "wrong-password" for a negative test
	MaxMs     float64 // response or call-setup time; exceeding it is a WARNING
	Codec     string  // negotiated codec of an invite
}

// diagCanceled is the catalogue's id of an interrupted probe.
const diagCanceled = "canceled"

// IsZero reports whether nothing is expected.
func (e Expect) IsZero() bool { return e == Expect{} }

// outcome reports whether the expectation names the outcome itself, which
// then replaces the probe's verdict: a refused wrong password is OK when
// refusal was expected.
func (e Expect) outcome() bool { return e.Code != 0 || e.Diagnosis != "" }

// Judge applies the expectation to r and sets r.Status and r.Expect.
// Results of probes that did not run (status unknown with an error) keep
// their status, and so do interrupted ones: an interrupted probe has met
// nothing, even if what it saw so far matched.
func (e Expect) Judge(r results.Result) results.Result {
	if e.IsZero() {
		return r
	}
	if r.Status == results.StatusUnknown && r.Error != "" {
		r.Expect = &results.ExpectationResult{Met: false, Reasons: []string{"not judged: " + r.Error}}
		return r
	}
	if r.Status == results.StatusUnknown && r.Diagnosis.ID == diagCanceled {
		r.Expect = &results.ExpectationResult{Met: false, Reasons: []string{"not judged: the probe was interrupted"}}
		return r
	}
	var mismatch, slow []string
	if e.Code != 0 && r.FinalCode != e.Code {
		mismatch = append(mismatch, fmt.Sprintf("expected final code %d, got %s", e.Code, codeText(r)))
	}
	if e.Diagnosis != "" && r.Diagnosis.ID != e.Diagnosis {
		mismatch = append(mismatch, fmt.Sprintf("expected diagnosis %s, got %s", e.Diagnosis, orNone(r.Diagnosis.ID)))
	}
	if e.Codec != "" {
		got := ""
		if r.Details != nil && r.Details.Invite != nil {
			got = r.Details.Invite.NegotiatedCodec
		}
		if !strings.EqualFold(got, e.Codec) {
			mismatch = append(mismatch, fmt.Sprintf("expected codec %s, got %s", e.Codec, orNone(got)))
		}
	}
	if e.MaxMs > 0 {
		if ms := elapsedMs(r); ms > e.MaxMs {
			slow = append(slow, fmt.Sprintf("took %.1f ms, more than max_ms %g", ms, e.MaxMs))
		}
	}
	status := r.Status
	if e.outcome() {
		status = results.StatusOK
	}
	switch {
	case len(mismatch) > 0:
		status = results.StatusCritical
	case len(slow) > 0 && status == results.StatusOK:
		status = results.StatusWarning
	}
	r.Status = status
	reasons := append(mismatch, slow...)
	r.Expect = &results.ExpectationResult{Met: len(reasons) == 0, Reasons: reasons}
	return r
}

// elapsedMs is the time max_ms limits: call setup (answer) for an invite,
// the whole exchange otherwise.
func elapsedMs(r results.Result) float64 {
	if r.Details != nil && r.Details.Invite != nil && r.Details.Invite.AnswerMs > 0 {
		return float64(r.Details.Invite.AnswerMs)
	}
	return float64(r.Timings.Total)
}

func codeText(r results.Result) string {
	if r.FinalCode == 0 {
		return "no final response"
	}
	return fmt.Sprintf("%d %s", r.FinalCode, r.FinalReason)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
