// Package results holds the probe result model (the JSON contract of
// DESIGN.md §2) and the renderers that print it.
package results

import (
	"time"

	"github.com/sipprobe/sipprobe/catalog"
)

// Status is the Nagios-style verdict of one probe.
type Status string

const (
	StatusOK       Status = "ok"
	StatusWarning  Status = "warning"
	StatusCritical Status = "critical"
	StatusUnknown  Status = "unknown"
)

// ExitCode maps a status to the Nagios plugin convention (DESIGN.md §1).
func (s Status) ExitCode() int {
	switch s {
	case StatusOK:
		return 0
	case StatusWarning:
		return 1
	case StatusCritical:
		return 2
	default:
		return 3
	}
}

// Worse reports whether s is a worse outcome than o (OK < WARNING < UNKNOWN <
// CRITICAL), so several results fold into one exit code the way Nagios
// aggregators do: a failed probe outranks one that could not run.
func (s Status) Worse(o Status) bool { return s.rank() > o.rank() }

func (s Status) rank() int {
	switch s {
	case StatusOK:
		return 0
	case StatusWarning:
		return 1
	case StatusUnknown:
		return 2
	case StatusCritical:
		return 3
	}
	return 2
}

// StatusFromSeverity turns a catalogue severity into a probe status.
func StatusFromSeverity(s catalog.Severity) Status {
	switch s {
	case catalog.SeverityOK, catalog.SeverityInfo:
		return StatusOK
	case catalog.SeverityWarning:
		return StatusWarning
	case catalog.SeverityCritical:
		return StatusCritical
	}
	return StatusUnknown
}

// Overall folds many statuses into the one a monitoring system should see.
func Overall(rs []Result) Status {
	if len(rs) == 0 {
		return StatusUnknown
	}
	worst := StatusOK
	for _, r := range rs {
		if r.Status.Worse(worst) {
			worst = r.Status
		}
	}
	return worst
}

// Result is everything one probe learned. Field names are part of the
// contract: scripts parse them.
type Result struct {
	Name        string            `json:"name,omitempty"`
	Probe       string            `json:"probe"`
	Target      string            `json:"target"`
	Transport   string            `json:"transport"`
	RemoteAddr  string            `json:"remote_addr,omitempty"`
	LocalAddr   string            `json:"local_addr,omitempty"`
	User        string            `json:"user,omitempty"`
	StartedAt   time.Time         `json:"started_at"`
	Status      Status            `json:"status"`
	FinalCode   int               `json:"final_code"`
	FinalReason string            `json:"final_reason"`
	Diagnosis   catalog.Diagnosis `json:"diagnosis"`
	// Observed is what the exchange alone would have been diagnosed as,
	// when something else decided the status: a failed expectation, or an
	// interruption. Nothing the probe saw is lost.
	Observed  *Observed          `json:"observed,omitempty"`
	Timings   Timings            `json:"timings_ms"`
	Responses []Response         `json:"responses"`
	Messages  []Message          `json:"messages"`
	Details   *Details           `json:"details,omitempty"`
	Expect    *ExpectationResult `json:"expect,omitempty"`
	// Error is set when sipprobe itself could not run the probe (status unknown).
	Error string `json:"error,omitempty"`
	// NotSent is set when sipprobe did not send the probe for ban safety
	// (results/notsent.go).
	NotSent *NotSent `json:"not_sent,omitempty"`
}

// Observed is the diagnosis of the exchange alone, kept beside the one
// that explains the status.
type Observed struct {
	ID       string           `json:"id"`
	Severity catalog.Severity `json:"severity"`
	Summary  string           `json:"summary"`
}

// ObservedOf keeps the short form of d.
func ObservedOf(d catalog.Diagnosis) *Observed {
	return &Observed{ID: d.ID, Severity: d.Severity, Summary: d.Summary}
}

// ExchangeDiagnosis is the id the exchange itself was diagnosed as, even
// when an expectation or an interruption decided the status: what the
// server did (refused a login, say) is what ban safety counts.
func (r Result) ExchangeDiagnosis() string {
	if r.Observed != nil {
		return r.Observed.ID
	}
	return r.Diagnosis.ID
}

// CheckTime is the time a probe's verdict is about: the call setup (INVITE
// to its final response) for a test call, the whole exchange otherwise.
// Tables, perfdata and the max_ms/crit_ms expectations use it.
func (r Result) CheckTime() Millis {
	if r.Details != nil && r.Details.Invite != nil && r.Details.Invite.SetupMs > 0 {
		return r.Details.Invite.SetupMs
	}
	return r.Timings.Total
}

// Millis is a duration in milliseconds, the unit of every timing in the contract.
type Millis float64

// MillisOf converts a duration, keeping microsecond precision.
func MillisOf(d time.Duration) Millis {
	return Millis(float64(d.Microseconds()) / 1000)
}

// Duration converts back.
func (m Millis) Duration() time.Duration {
	return time.Duration(float64(m) * float64(time.Millisecond))
}

// Timings of the phases of a probe. A phase that did not happen is 0.
type Timings struct {
	Resolve       Millis `json:"resolve"`
	Connect       Millis `json:"connect"`
	FirstResponse Millis `json:"first_response"`
	Total         Millis `json:"total"`
}

// Response is one response received, in arrival order.
type Response struct {
	Code   int    `json:"code"`
	Reason string `json:"reason"`
	Method string `json:"method,omitempty"`
	AtMs   Millis `json:"at_ms"`
}

// Direction of a transcript message.
type Direction string

const (
	DirOut Direction = "out"
	DirIn  Direction = "in"
)

// Message is one message on the wire, sent or received, retransmissions
// included. Raw has digest response= values redacted unless the user asked.
type Message struct {
	Dir       Direction `json:"dir"`
	AtMs      Millis    `json:"at_ms"`
	Transport string    `json:"transport,omitempty"`
	Local     string    `json:"local,omitempty"`
	Remote    string    `json:"remote,omitempty"`
	Raw       string    `json:"raw"`
}

// ExpectationResult records how a scenario expectation was judged.
type ExpectationResult struct {
	Met     bool     `json:"met"`
	Reasons []string `json:"reasons,omitempty"`
}
