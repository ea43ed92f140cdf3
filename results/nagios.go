package results

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// NagiosOptions tune the Nagios plugin output.
type NagiosOptions struct {
	// WarnMs gives the warning threshold of a result's time (the probe's
	// expect.max_ms), 0 for none. It goes into the perfdata.
	WarnMs func(r Result) float64
}

// Nagios writes the plugin output of a whole run: one status line with the
// worst status, the probes that are not OK, and performance data for every
// probe ('reg_120_udp'=12.3ms;250;;0;). Only perfdata labels and the names
// of failing probes are kept until Close.
type Nagios struct {
	w      io.Writer
	o      NagiosOptions
	n      int
	worst  Status
	counts map[Status]int
	bad    []string
	perf   []string
	labels map[string]int
}

// maxListed bounds the failing probes named on the status line; the count
// says how many there are.
const maxListed = 5

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
	if r.Status != StatusOK && len(n.bad) < maxListed {
		n.bad = append(n.bad, r.Name+" "+orDash(r.Diagnosis.ID))
	}
	label := perfLabel(r)
	if k := n.labels[label]; k > 0 {
		n.labels[label] = k + 1
		label = fmt.Sprintf("%s_%d", label, k+1) // repeats of one probe
	} else {
		n.labels[label] = 1
	}
	warn := ""
	if n.o.WarnMs != nil {
		if w := n.o.WarnMs(r); w > 0 {
			warn = strconv.FormatFloat(w, 'f', -1, 64)
		}
	}
	n.perf = append(n.perf, fmt.Sprintf("'%s'=%sms;%s;;0;", label, strconv.FormatFloat(float64(r.Timings.Total), 'f', 1, 64), warn))
	return nil
}

var perfUnsafe = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// perfLabel is the probe name in the characters every perfdata parser
// accepts: "reg-120/udp" → "reg-120_udp".
func perfLabel(r Result) string {
	name := r.Name
	if name == "" {
		name = r.Probe
	}
	return perfUnsafe.ReplaceAllString(name, "_")
}

// Close writes the status line.
func (n *Nagios) Close() error {
	overall := StatusUnknown
	if n.n > 0 {
		overall = n.worst
	}
	text := fmt.Sprintf("%d of %d probes OK", n.counts[StatusOK], n.n)
	if n.n == 0 {
		text = "no probe ran"
	}
	if notOK := n.n - n.counts[StatusOK]; notOK > 0 {
		text += ": " + strings.Join(n.bad, ", ")
		if notOK > len(n.bad) {
			text += fmt.Sprintf(" and %d more", notOK-len(n.bad))
		}
	}
	// "|" separates perfdata; it must not appear in the text.
	text = strings.ReplaceAll(text, "|", "/")
	line := "SIPPROBE " + strings.ToUpper(string(overall)) + " - " + text
	if len(n.perf) > 0 {
		line += " | " + strings.Join(n.perf, " ")
	}
	_, err := fmt.Fprintln(n.w, line)
	return err
}
