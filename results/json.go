package results

import (
	"encoding/json"
	"io"
)

// WriteJSON writes one result as one line of JSON (JSON Lines when called
// for several results).
func WriteJSON(w io.Writer, r Result) error {
	if r.Responses == nil {
		r.Responses = []Response{}
	}
	if r.Messages == nil {
		r.Messages = []Message{}
	}
	if r.Diagnosis.Causes == nil {
		r.Diagnosis.Causes = []string{}
	}
	if r.Diagnosis.Remedies == nil {
		r.Diagnosis.Remedies = []string{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WarmJSON builds encoding/json's encoders for Result ahead of the first
// WriteJSON. encoding/json builds them on first use for Result's whole
// type tree, details included, even for a nil pointer: in a fresh process
// that took ~0.6 ms of a single check's CPU time, after the answer came in
// (issue 13). A single check calls it on another core while it probes.
func WarmJSON() {
	_ = json.NewEncoder(io.Discard).Encode(Result{})
}
