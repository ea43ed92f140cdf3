package results

import "github.com/sipprobe/sipprobe/catalog"

// observedLine says what the exchange alone showed when something else
// decided the status: "Observed so far: ok — …" for an interrupted probe.
// "" when there is nothing to add. The summary is made Safe.
func observedLine(r Result, l catalog.Lang) string {
	o := r.Observed
	if o == nil || o.ID == "" || o.ID == r.Diagnosis.ID {
		return ""
	}
	title := Msg(l, "without-expect")
	if r.Diagnosis.ID == "canceled" {
		title = Msg(l, "observed-so-far")
	}
	line := title + ": " + Safe(o.ID)
	if o.Summary != "" {
		line += " — " + Safe(o.Summary)
	}
	return line
}
