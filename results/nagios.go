package results

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/internal/plural"
)

// Nagios output follows the Monitoring Plugins development guidelines
// (https://www.monitoring-plugins.org/doc/guidelines.html): one status line,
// "TEXT | PERFDATA", then the long text on the following lines. Perfdata
// is 'label'=value[UOM];[warn];[crit];[min];[max], times in seconds.

// NagiosOptions tune the Nagios plugin output.
type NagiosOptions struct {
	// Thresholds gives the warning and critical thresholds of a result's
	// time in milliseconds (the probe's expect.max_ms and expect.crit_ms),
	// 0 for none. They go into the perfdata, in seconds.
	Thresholds func(r Result) (warnMs, critMs float64)
}

func (o NagiosOptions) thresholds(r Result) (warn, crit string) {
	if o.Thresholds == nil {
		return "", ""
	}
	w, c := o.Thresholds(r)
	if w > 0 {
		warn = perfSeconds(Millis(w))
	}
	if c > 0 {
		crit = perfSeconds(Millis(c))
	}
	return warn, crit
}

// WriteNagios writes the plugin output of one probe: the status line names
// the diagnosis ("SIPPROBE CRITICAL - wrong-password: The server …"), the
// perfdata gives the check time ('time', the call setup for an invite), the
// invite's hold and total, and the registered contacts; the long text holds
// what a person on call needs next: causes, remedies, notes.
func WriteNagios(w io.Writer, r Result, o NagiosOptions) error {
	summary := r.Diagnosis.Summary
	if r.Error != "" && summary == "" {
		summary = r.Error
	}
	text := r.Diagnosis.ID
	switch {
	case text == "":
		text = summary
	case summary != "":
		text += ": " + summary
	}
	if text == "" {
		text = "no diagnosis"
	}
	var perf []string
	if ns := notSentText(r, catalog.EN); ns != "" {
		// Nothing was sent, so nothing was timed: a 0s would pollute graphs.
		text += " (" + ns + ")"
	} else {
		warn, crit := o.thresholds(r)
		perf = append(perf, perfItem("time", perfTime(r), warn, crit))
	}
	if in := inviteOf(r); in != nil {
		perf = append(perf, perfItem("hold", perfSeconds(in.HeldMs)+"s", "", ""))
		perf = append(perf, perfItem("total", perfSeconds(r.Timings.Total)+"s", "", ""))
	}
	if n, ok := contactCount(r); ok {
		perf = append(perf, perfItem("contacts", fmt.Sprint(n), "", ""))
	}
	perf = append(perf, mediaPerf(r)...)
	var b strings.Builder
	statusLine(&b, r.Status, text, perf)
	writeNagiosLong(&b, r, summary)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeNagiosLong is the long text of one result: where it went and what
// came back, then the diagnosis's causes, remedies and notes, the unmet
// expectations and what the exchange alone showed.
func writeNagiosLong(b *strings.Builder, r Result, summary string) {
	head := strings.ToUpper(r.Probe)
	if r.User != "" {
		head += " " + r.User
	}
	head += " → " + r.Target + " (" + r.Transport
	if r.RemoteAddr != "" {
		head += " " + r.RemoteAddr
	}
	head += "): "
	switch {
	case r.NotSent != nil:
		head += "not sent"
	case r.FinalCode != 0:
		head += strings.TrimSpace(fmt.Sprintf("%d %s", r.FinalCode, r.FinalReason))
	default:
		head += "no final response"
	}
	if r.Timings.Total > 0 {
		head += " in " + fmtMs(r.Timings.Total)
	}
	if in := inviteOf(r); in != nil && in.SetupMs > 0 {
		head += ", call setup " + fmtMs(in.SetupMs)
	}
	longLine(b, head)
	if r.Error != "" && r.Error != summary {
		longLine(b, "Error: "+r.Error)
	}
	d := r.Diagnosis
	if expectHeld(r) && d.ID != "ok" {
		longLine(b, expectMetLine(r, catalog.EN))
	} else if !(d.ID == "ok" && r.Status == StatusOK) {
		longList(b, "Likely causes", d.Causes)
		longList(b, "What to do", d.Remedies)
	}
	longList(b, "Observed", d.Notes)
	if r.Expect != nil && !r.Expect.Met {
		longList(b, "Expectation not met", r.Expect.Reasons)
	}
	if o := observedLine(r, catalog.EN); o != "" {
		longLine(b, o)
	}
}

func longList(b *strings.Builder, title string, items []string) {
	if len(items) == 0 {
		return
	}
	longLine(b, title+":")
	for _, it := range items {
		longLine(b, "  - "+it)
	}
}

// longLine writes one line of long text, made safe: it may carry what a
// server sent.
func longLine(b *strings.Builder, s string) {
	b.WriteString(nagiosSafe(s))
	b.WriteByte('\n')
}

// statusLine writes "SIPPROBE STATUS - text | perf".
func statusLine(b *strings.Builder, st Status, text string, perf []string) {
	b.WriteString("SIPPROBE " + strings.ToUpper(string(st)) + " - " + nagiosSafe(text))
	if len(perf) > 0 {
		b.WriteString(" | " + strings.Join(perf, " "))
	}
	b.WriteByte('\n')
}

// nagiosSafe makes text (a server's reason phrase, a note quoting a
// header) fit the plugin output: Safe escapes control characters (\x1b,
// \n) so they neither reach a terminal nor break the line structure; a
// tab becomes a space, and "|", which starts the perfdata, becomes "/".
func nagiosSafe(s string) string {
	return Safe(strings.NewReplacer("|", "/", "\t", " ").Replace(s))
}

// perfItem formats one perfdata item, min 0. Labels are quoted, so they
// may hold what perfLabel leaves.
func perfItem(label, value, warn, crit string) string {
	return fmt.Sprintf("'%s'=%s;%s;%s;0;", label, value, warn, crit)
}

// perfTime is a result's check time in seconds, or "U" (the guidelines'
// "could not be determined") for a probe that never ran.
func perfTime(r Result) string {
	if r.Diagnosis.ID == NotRunID || (r.Status == StatusUnknown && r.CheckTime() <= 0) {
		return "U"
	}
	return perfSeconds(r.CheckTime()) + "s"
}

// perfSeconds converts milliseconds to seconds without float noise
// (12.3 ms → "0.0123"): timings have microsecond precision.
func perfSeconds(m Millis) string {
	s := fmt.Sprintf("%.6f", float64(m)/1000)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

func inviteOf(r Result) *InviteDetails {
	if r.Details == nil {
		return nil
	}
	return r.Details.Invite
}

func contactCount(r Result) (int, bool) {
	if r.Details == nil || r.Details.ContactCount == nil {
		return 0, false
	}
	return *r.Details.ContactCount, true
}

// Nagios writes the plugin output of a whole run: one status line with the
// worst status and the probes that are not OK, performance data for every
// probe ('reg_120_udp_time'=0.0123s;0.25;1;0;), and the summaries of the
// failing probes as long text. Only perfdata and a bounded number of
// failing probes are kept until Close.
type Nagios struct {
	w      io.Writer
	o      NagiosOptions
	n      int
	worst  Status
	counts map[Status]int
	bad    []string
	long   []string
	perf   []string
	labels map[string]int
}

const (
	// maxListed bounds the failing probes named on the status line; the
	// count says how many there are.
	maxListed = 5
	// maxLong bounds the failing probes explained in the long text.
	maxLong = 50
)

// NewNagios returns a Nagios writer on w.
func NewNagios(w io.Writer, o NagiosOptions) *Nagios {
	return &Nagios{w: w, o: o, counts: map[Status]int{}, labels: map[string]int{}}
}

// Add records one result.
func (n *Nagios) Add(r Result) error {
	n.n++
	n.counts[r.Status]++
	if n.n == 1 || r.Status.Worse(n.worst) {
		n.worst = r.Status
	}
	if r.Status != StatusOK {
		if len(n.bad) < maxListed {
			bad := r.Name + " " + orDash(r.Diagnosis.ID)
			if ns := notSentText(r, catalog.EN); ns != "" {
				bad += " (" + ns + ")"
			}
			n.bad = append(n.bad, bad)
		}
		if len(n.long) < maxLong {
			n.long = append(n.long, runLongLine(r))
		}
	}
	label := perfLabel(r)
	if k := n.labels[label]; k > 0 {
		n.labels[label] = k + 1
		label = fmt.Sprintf("%s_%d", label, k+1) // repeats of one probe
	} else {
		n.labels[label] = 1
	}
	if r.NotSent != nil {
		return nil // nothing was sent: no time, no contacts to graph
	}
	warn, crit := n.o.thresholds(r)
	n.perf = append(n.perf, perfItem(label+"_time", perfTime(r), warn, crit))
	if c, ok := contactCount(r); ok && r.Probe == "register" {
		n.perf = append(n.perf, perfItem(label+"_contacts", fmt.Sprint(c), "", ""))
	}
	return nil
}

// runLongLine explains one failing probe of a run in a line.
func runLongLine(r Result) string {
	line := strings.ToUpper(string(r.Status)) + " " + r.Name + ": " + orDash(r.Diagnosis.ID)
	if ns := notSentText(r, catalog.EN); ns != "" {
		line += " (" + ns + ")"
	}
	why := r.Diagnosis.Summary
	if r.Error != "" {
		why = r.Error
	}
	if r.Expect != nil && !r.Expect.Met && len(r.Expect.Reasons) > 0 {
		why = strings.Join(r.Expect.Reasons, "; ")
	}
	if why != "" {
		line += " — " + why
	}
	return line
}

var perfUnsafe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^A-Za-z0-9_.-]+`) })

// perfLabel is the probe name in the characters every perfdata parser
// accepts: "reg-120/udp" → "reg-120_udp".
func perfLabel(r Result) string {
	name := r.Name
	if name == "" {
		name = r.Probe
	}
	return perfUnsafe().ReplaceAllString(name, "_")
}

// Close writes the status line and the long text.
func (n *Nagios) Close() error { return n.CloseSweep(nil) }

// CloseSweep writes one status line over the run's probes and, when s is
// not nil, the summary of its accounts entries: "2 of 3 probes OK: dead
// port-unreachable; 4 of 6 accounts OK: wrong-password 2", the worst
// status of both, the perfdata of both, and their long texts in turn.
func (n *Nagios) CloseSweep(s *SweepSummary) error {
	overall := StatusUnknown
	if n.n > 0 {
		overall = n.worst
	}
	var texts, long []string
	perf := n.perf
	if n.n > 0 || s == nil {
		texts = append(texts, n.statusText())
	}
	notOK := n.n - n.counts[StatusOK]
	long = append(long, n.long...)
	if notOK > len(n.long) {
		long = append(long, fmt.Sprintf("… and %d more not OK", notOK-len(n.long)))
	}
	if s != nil {
		st, text, sperf, slong := s.nagiosParts()
		if s.total > 0 && (n.n == 0 || st.Worse(overall)) {
			overall = st
		}
		texts, perf, long = append(texts, text), append(perf, sperf...), append(long, slong...)
	}
	var b strings.Builder
	statusLine(&b, overall, strings.Join(texts, "; "), perf)
	for _, l := range long {
		longLine(&b, l)
	}
	_, err := io.WriteString(n.w, b.String())
	return err
}

// statusText is the probes' part of the status line: how many are OK and
// the first of those that are not.
func (n *Nagios) statusText() string {
	text := fmt.Sprintf("%d of %s OK", n.counts[StatusOK], plural.Count(n.n, "probe", "probes"))
	if n.n == 0 {
		return "no probe ran"
	}
	if notOK := n.n - n.counts[StatusOK]; notOK > 0 {
		text += ": " + strings.Join(n.bad, ", ")
		if notOK > len(n.bad) {
			text += fmt.Sprintf(" and %d more", notOK-len(n.bad))
		}
	}
	return text
}
