package catalog

// Severity of a diagnosis; it decides the probe status and exit code.
type Severity string

const (
	SeverityOK       Severity = "ok"
	SeverityInfo     Severity = "info"
	SeverityWarning  Severity = "warning"
	SeverityCritical Severity = "critical"
	SeverityUnknown  Severity = "unknown"
)

// Diagnosis is a catalogue entry resolved for one exchange, in one language.
// It is embedded whole in every result (DESIGN.md §2).
type Diagnosis struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Summary  string   `json:"summary"`
	Causes   []string `json:"causes"`
	Remedies []string `json:"remedies"`
	// Notes are facts observed in this exchange that back the diagnosis
	// (what the server sent, what the fallback check found).
	Notes []string `json:"notes,omitempty"`
}
