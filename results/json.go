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
