package results

// observedLine says what the exchange alone showed when something else
// decided the status: "Observed so far: ok — …" for an interrupted probe.
// "" when there is nothing to add.
func observedLine(r Result) string {
	o := r.Observed
	if o == nil || o.ID == "" || o.ID == r.Diagnosis.ID {
		return ""
	}
	title := "Without the expectation"
	if r.Diagnosis.ID == "canceled" {
		title = "Observed so far"
	}
	line := title + ": " + o.ID
	if o.Summary != "" {
		line += " — " + o.Summary
	}
	return line
}
