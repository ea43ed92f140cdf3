package results

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sipprobe/sipprobe/internal/plural"
)

// SweepSummary condenses the results of an account sweep for the outputs
// that are read whole (the table, JUnit, Nagios, Prometheus): counts per
// status and diagnosis, then the first failures, at most max of them.
// Every result goes to JSON Lines and the history as it comes; these
// outputs would be unreadable, or a Prometheus server's ruin, with one row
// or series per account. Memory is the counts plus max results.
type SweepSummary struct {
	max      int
	total    int
	counts   map[SweepCount]int
	failures []Result
	omitted  int
	worst    Status
}

// SweepCount is one line of the summary: how many results had this status
// and diagnosis (N is set in Counts' answer only).
type SweepCount struct {
	Status    Status
	Diagnosis string
	// Expected: an expectation named this outcome and held (a negative
	// test's refusal), so it is labelled, not read as a failure.
	Expected bool
	N        int
}

// countOf is r's line of the summary.
func countOf(r Result) SweepCount {
	return SweepCount{Status: r.Status, Diagnosis: r.Diagnosis.ID, Expected: r.Expect != nil && r.Expect.Met && r.Diagnosis.ID != "ok"}
}

// label is the diagnosis as the summary lines show it.
func (c SweepCount) label() string {
	if c.Expected {
		return orDash(c.Diagnosis) + " (expected)"
	}
	return orDash(c.Diagnosis)
}

// NewSweepSummary keeps at most maxRows failures (0: none, only counts).
func NewSweepSummary(maxRows int) *SweepSummary {
	return &SweepSummary{max: max(0, maxRows), counts: map[SweepCount]int{}}
}

// Add counts r and keeps it when it is among the first failures.
func (s *SweepSummary) Add(r Result) {
	s.total++
	s.counts[countOf(r)]++
	if s.total == 1 || r.Status.Worse(s.worst) {
		s.worst = r.Status
	}
	if r.Status == StatusOK {
		return
	}
	if len(s.failures) < s.max {
		s.failures = append(s.failures, r)
		return
	}
	s.omitted++
}

// Total is the number of results; Omitted the failures not kept.
func (s *SweepSummary) Total() int   { return s.total }
func (s *SweepSummary) Omitted() int { return s.omitted }

// Failures are the failures kept, in the order they came.
func (s *SweepSummary) Failures() []Result { return s.failures }

// Overall is the worst status, UNKNOWN when nothing ran.
func (s *SweepSummary) Overall() Status {
	if s.total == 0 {
		return StatusUnknown
	}
	return s.worst
}

// Counts lists the counts, worst status first, then the most frequent.
func (s *SweepSummary) Counts() []SweepCount {
	out := make([]SweepCount, 0, len(s.counts))
	for k, n := range s.counts {
		k.N = n
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.Status != b.Status:
			return a.Status.Worse(b.Status)
		case a.N != b.N:
			return a.N > b.N
		}
		return a.Diagnosis < b.Diagnosis
	})
	return out
}

// WriteText prints the counts, the kept failures as run-table rows, the
// number left out, and the table's summary line.
func (s *SweepSummary) WriteText(w io.Writer, o TableOptions, elapsed time.Duration) error {
	return NewTable(w, o).CloseSweep(s, elapsed)
}

// CloseSweep ends a table whose rows were a run's ordinary entries with
// the summary of its accounts entries (the counts, the kept failures as
// rows of their own table, the number left out), then one summary line
// over both: the user sees each named check and the sweep at a glance.
func (t *Table) CloseSweep(s *SweepSummary, elapsed time.Duration) error {
	w, o := t.w, t.o
	head, more := Msg(o.Lang, "sweep-counts"), Msg(o.Lang, "sweep-more")
	var b strings.Builder
	if t.started {
		b.WriteString("\n")
	}
	b.WriteString(head + "\n")
	for _, c := range s.Counts() {
		fmt.Fprintf(&b, "  %8d  %-8s  %s\n", c.N, Paint(o.Color, c.Status, StatusWord(o.Lang, c.Status)), Safe(c.label()))
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	if len(s.failures) > 0 {
		o.Names, o.Targets = nil, nil
		for _, r := range s.failures {
			o.Names, o.Targets = append(o.Names, r.Name), append(o.Targets, r.Target)
		}
		fmt.Fprintln(w)
		ft := NewTable(w, o)
		for _, r := range s.failures {
			if err := ft.Add(r); err != nil {
				return err
			}
		}
	}
	if s.omitted > 0 {
		if _, err := fmt.Fprintf(w, "\n"+more+"\n", s.omitted, s.max); err != nil {
			return err
		}
	}
	// The table's own summary line, over the rows and the sweep.
	if s.total > 0 && (t.n == 0 || s.worst.Worse(t.worst)) {
		t.worst = s.worst
	}
	t.n += s.total
	for k, n := range s.counts {
		t.counts[k.Status] += n
	}
	return t.Close(elapsed)
}

// WriteNagios prints one status line (the counts per status and the
// failing diagnoses, perfdata a count per diagnosis) and the kept
// failures as the long text.
func (s *SweepSummary) WriteNagios(w io.Writer) error {
	return NewNagios(w, NagiosOptions{}).CloseSweep(s)
}

// nagiosParts are the sweep's share of a Nagios output: its worst status
// (UNKNOWN when nothing ran), its part of the status line, its perfdata
// and its long text.
func (s *SweepSummary) nagiosParts() (st Status, text string, perf, long []string) {
	okAll := 0
	var bad []string
	for _, c := range s.Counts() {
		if c.Status == StatusOK {
			okAll += c.N
		} else {
			bad = append(bad, fmt.Sprintf("%s %d", c.label(), c.N))
		}
		label := string(c.Status) + "_" + orDash(c.Diagnosis)
		if c.Expected {
			label += "_expected"
		}
		perf = append(perf, perfItem(perfUnsafe().ReplaceAllString(label, "_"), fmt.Sprint(c.N), "", ""))
	}
	text = fmt.Sprintf("%d of %s OK", okAll, plural.Count(s.total, "account", "accounts"))
	if s.total == 0 {
		text = "no account was probed"
	}
	if len(bad) > 0 {
		text += ": " + strings.Join(bad, ", ")
	}
	for _, r := range s.failures {
		long = append(long, runLongLine(r))
	}
	if s.omitted > 0 {
		long = append(long, fmt.Sprintf("… and %d more not OK (--max-rows %d)", s.omitted, s.max))
	}
	return s.Overall(), text, perf, long
}

// AddJUnit adds the kept failures to j, then one testcase for the
// accounts that passed and, when failures were left out, one failing
// testcase that counts them by diagnosis: CI still fails, and the report
// stays readable.
func (s *SweepSummary) AddJUnit(j *JUnit) error {
	for _, r := range s.failures {
		if err := j.Add(r); err != nil {
			return err
		}
	}
	okAll := 0
	var left []string
	for _, c := range s.Counts() {
		if c.Status == StatusOK {
			okAll += c.N
		}
	}
	j.tests += okAll
	if err := j.enc.Encode(junitCase{Name: fmt.Sprintf("%d accounts OK", okAll), Classname: "sipprobe.sweep", Time: "0.000"}); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	if s.omitted == 0 {
		return nil
	}
	// The left-out failures, by diagnosis: the counts minus the kept ones.
	kept := map[SweepCount]int{}
	for _, r := range s.failures {
		kept[countOf(r)]++
	}
	for _, c := range s.Counts() {
		k := SweepCount{Status: c.Status, Diagnosis: c.Diagnosis, Expected: c.Expected}
		if n := c.N - kept[k]; c.Status != StatusOK && n > 0 {
			left = append(left, fmt.Sprintf("%s %d", c.label(), n))
		}
	}
	j.tests += s.omitted
	j.failures += s.omitted
	msg := fmt.Sprintf("%d more failures not listed (--max-rows %d): %s", s.omitted, s.max, strings.Join(left, ", "))
	if err := j.enc.Encode(junitCase{Name: fmt.Sprintf("%d more failures", s.omitted), Classname: "sipprobe.sweep", Time: "0.000",
		Failure: &junitProblem{Message: Safe(msg), Type: "sweep"}}); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	return nil
}

// WriteProm writes the sweep as a handful of series: results per status
// and diagnosis, not one series per account (10,000 accounts would be
// 10,000 series per metric, which a Prometheus server pays for on every
// scrape of the textfile). The per-account detail is in the JSON Lines.
func (s *SweepSummary) WriteProm(w io.Writer, end time.Time) error {
	return NewProm().WriteSweep(w, s, end)
}

// registry holds the sweep's series.
func (s *SweepSummary) registry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	results := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "sipprobe_sweep_results",
		Help: "Results of the last account sweep, by status and diagnosis id.",
	}, []string{"status", "diagnosis"})
	total := prometheus.NewGauge(prometheus.GaugeOpts{Name: "sipprobe_sweep_accounts", Help: "Accounts probed by the last sweep."})
	reg.MustRegister(results, total)
	for k, n := range s.counts {
		// Expected and unexpected outcomes share the series' labels.
		results.WithLabelValues(string(k.Status), k.Diagnosis).Add(float64(n))
	}
	total.Set(float64(s.total))
	return reg
}
