package results

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sipprobe/sipprobe/catalog"
)

// TableOptions tune the run table.
type TableOptions struct {
	Color bool // ANSI colours: terminals only, and not with NO_COLOR
	// Names and Targets, when known before the run, size the columns so
	// rows can be printed as results arrive.
	Names   []string
	Targets []string
	// Lang is the language of the headers, status words and summary.
	Lang catalog.Lang
}

// Table prints one row per result as results arrive (nothing is kept but
// the counts), then a summary line: a person reads a run at a glance.
type Table struct {
	w       io.Writer
	o       TableOptions
	nameW   int
	targetW int
	statusW int
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
	t := &Table{w: w, o: o, counts: map[Status]int{}}
	t.nameW = utf8.RuneCountInString(Msg(o.Lang, "col-name"))
	t.targetW = utf8.RuneCountInString(Msg(o.Lang, "col-target"))
	t.statusW = max(statusWidth(o.Lang), utf8.RuneCountInString(Msg(o.Lang, "col-status")))
	for _, n := range o.Names {
		t.nameW = max(t.nameW, min(utf8.RuneCountInString(Safe(n)), maxNameW))
	}
	for _, n := range o.Targets {
		t.targetW = max(t.targetW, min(utf8.RuneCountInString(Safe(n)), maxTargetW))
	}
	return t
}

// Add prints r's row, and under a row that is not OK what went wrong.
func (t *Table) Add(r Result) error {
	var b strings.Builder
	l := t.o.Lang
	transportW := max(9, utf8.RuneCountInString(Msg(l, "col-transport")))
	codeW := max(4, utf8.RuneCountInString(Msg(l, "col-code")))
	if !t.started {
		t.started = true
		fmt.Fprintf(&b, "%s  %s  %s  %s  %s  %s  %s\n", Pad(Msg(l, "col-name"), t.nameW), Pad(Msg(l, "col-target"), t.targetW),
			Pad(Msg(l, "col-transport"), transportW), Pad(Msg(l, "col-status"), t.statusW), PadLeft(Msg(l, "col-code"), codeW),
			Pad(Msg(l, "col-diagnosis"), 20), Msg(l, "col-time"))
	}
	code := "-"
	if r.FinalCode != 0 {
		code = fmt.Sprint(r.FinalCode)
	}
	// Pad before painting: escape codes would upset the column widths.
	status := Paint(t.o.Color, r.Status, Pad(StatusWord(l, r.Status), t.statusW))
	took := fmtMs(r.CheckTime())
	if r.NotSent != nil {
		took = Msg(l, "not-sent") // the row's note says why and until when
	}
	fmt.Fprintf(&b, "%s  %s  %s  %s  %s  %s  %s\n",
		Pad(clip(Safe(r.Name), maxNameW), t.nameW), Pad(clip(Safe(r.Target), maxTargetW), t.targetW), Pad(orDash(Safe(r.Transport)), transportW),
		status, PadLeft(code, codeW), Pad(orDash(Safe(r.Diagnosis.ID)), 20), took)
	if r.Status != StatusOK {
		for _, line := range whyLines(r, l) {
			b.WriteString("    ↳ " + Safe(line) + "\n")
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
func whyLines(r Result, l catalog.Lang) []string {
	var out []string
	if r.Error != "" {
		out = append(out, r.Error)
	} else if r.Diagnosis.Summary != "" {
		out = append(out, r.Diagnosis.Summary)
	}
	if o := observedLine(r, l); o != "" {
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
	l := t.o.Lang
	var parts []string
	for _, s := range []Status{StatusOK, StatusWarning, StatusCritical, StatusUnknown} {
		if n := t.counts[s]; n > 0 {
			parts = append(parts, Msg(l, "count-"+string(s), n))
		}
	}
	line := ProbesCount(l, t.n)
	if len(parts) > 0 {
		line += ": " + strings.Join(parts, ", ")
	}
	line += " — " + Paint(t.o.Color, overall, StatusWord(l, overall)) + Msg(l, "in-elapsed", elapsed.Round(time.Millisecond).String())
	_, err := fmt.Fprintf(t.w, "\n%s\n", line)
	return err
}

// clip cuts s to n characters (runes: a byte cut could split one).
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
