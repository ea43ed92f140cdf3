package results

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// TableOptions tune the run table.
type TableOptions struct {
	Color bool // ANSI colours: terminals only, and not with NO_COLOR
	// Names and Targets, when known before the run, size the columns so
	// rows can be printed as results arrive.
	Names   []string
	Targets []string
}

// Table prints one row per result as results arrive (nothing is kept but
// the counts), then a summary line: a person reads a run at a glance.
type Table struct {
	w       io.Writer
	o       TableOptions
	nameW   int
	targetW int
	counts  map[Status]int
	worst   Status
	n       int
	started bool
}

const (
	maxNameW   = 40
	maxTargetW = 40
)

// NewTable returns a table writer on w.
func NewTable(w io.Writer, o TableOptions) *Table {
	t := &Table{w: w, o: o, nameW: len("NAME"), targetW: len("TARGET"), counts: map[Status]int{}}
	for _, n := range o.Names {
		t.nameW = max(t.nameW, min(len(n), maxNameW))
	}
	for _, n := range o.Targets {
		t.targetW = max(t.targetW, min(len(n), maxTargetW))
	}
	return t
}

// Add prints r's row, and under a row that is not OK what went wrong.
func (t *Table) Add(r Result) error {
	var b strings.Builder
	if !t.started {
		t.started = true
		fmt.Fprintf(&b, "%-*s  %-*s  %-9s  %-8s  %4s  %-20s  %s\n", t.nameW, "NAME", t.targetW, "TARGET", "TRANSPORT", "STATUS", "CODE", "DIAGNOSIS", "TIME")
	}
	code := "-"
	if r.FinalCode != 0 {
		code = fmt.Sprint(r.FinalCode)
	}
	status := Paint(t.o.Color, r.Status, fmt.Sprintf("%-8s", strings.ToUpper(string(r.Status))))
	fmt.Fprintf(&b, "%-*s  %-*s  %-9s  %s  %4s  %-20s  %s\n",
		t.nameW, clip(r.Name, maxNameW), t.targetW, clip(r.Target, maxTargetW), orDash(r.Transport),
		status, code, orDash(r.Diagnosis.ID), fmtMs(r.CheckTime()))
	if r.Status != StatusOK {
		for _, line := range whyLines(r) {
			b.WriteString("    ↳ " + line + "\n")
		}
	}
	t.n++
	t.counts[r.Status]++
	if t.n == 1 || r.Status.Worse(t.worst) {
		t.worst = r.Status
	}
	_, err := io.WriteString(t.w, b.String())
	return err
}

// whyLines explain a row that is not OK: the error, the diagnosis and the
// unmet expectations.
func whyLines(r Result) []string {
	var out []string
	if r.Error != "" {
		out = append(out, r.Error)
	} else if r.Diagnosis.Summary != "" {
		out = append(out, r.Diagnosis.Summary)
	}
	if o := observedLine(r); o != "" {
		out = append(out, o)
	}
	out = append(out, r.Diagnosis.Notes...)
	if r.Expect != nil && !r.Expect.Met {
		out = append(out, r.Expect.Reasons...)
	}
	return out
}

// Close prints the summary line: "12 probes: 9 ok, 1 warning, 2 critical —
// CRITICAL in 3.2s".
func (t *Table) Close(elapsed time.Duration) error {
	overall := StatusUnknown
	if t.n > 0 {
		overall = t.worst
	}
	var parts []string
	for _, s := range []Status{StatusOK, StatusWarning, StatusCritical, StatusUnknown} {
		if n := t.counts[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	noun := "probes"
	if t.n == 1 {
		noun = "probe"
	}
	line := fmt.Sprintf("%d %s", t.n, noun)
	if len(parts) > 0 {
		line += ": " + strings.Join(parts, ", ")
	}
	line += " — " + Paint(t.o.Color, overall, strings.ToUpper(string(overall))) + " in " + elapsed.Round(time.Millisecond).String()
	_, err := fmt.Fprintf(t.w, "\n%s\n", line)
	return err
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}
