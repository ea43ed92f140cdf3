package results

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
)

// NotRunID is the diagnosis id of a probe the runner never started (the
// run was interrupted first).
const NotRunID = "not-run"

// JUnit writes JUnit XML as GitHub Actions, GitLab and Jenkins read it:
// one testsuite per scenario file, one testcase per result. CRITICAL and
// WARNING results are failures (a WARNING fails the CI job's exit code
// too), UNKNOWN ones are errors, probes never started are skipped. A
// failure carries the diagnosis summary as its message and the full text
// report, then the message ladder, as its body.
//
// The counts go in the testsuite's attributes, before the testcases, so the
// testcases are spooled to a temporary file while the run goes on: memory
// does not grow with the number of probes.
type JUnit struct {
	suite string
	spool *os.File
	buf   *bufio.Writer
	enc   *xml.Encoder
	start time.Time

	tests, failures, errors, skipped int
	total                            time.Duration
}

type junitCase struct {
	XMLName   xml.Name      `xml:"testcase"`
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitProblem `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",cdata"` // readable transcripts; see xmlSafe
}

// NewJUnit starts a JUnit report for the suite (the scenario file's name),
// spooling to a temporary file; Finish writes it out and removes the spool.
func NewJUnit(suite string, start time.Time) (*JUnit, error) {
	f, err := os.CreateTemp("", "sipprobe-junit-*.xml")
	if err != nil {
		return nil, fmt.Errorf("junit spool: %w", err)
	}
	buf := bufio.NewWriter(f)
	enc := xml.NewEncoder(buf)
	enc.Indent("    ", "  ")
	return &JUnit{suite: suite, spool: f, buf: buf, enc: enc, start: start}, nil
}

// Add records one result.
func (j *JUnit) Add(r Result) error {
	j.tests++
	// The suite's time is how long its probes ran, and so is a testcase's:
	// CI viewers show it as the test's duration and add the testcases up,
	// so a 2 s call is 2 s here. The call setup alone is in the body and
	// in the Nagios and Prometheus outputs.
	j.total += r.Timings.Total.Duration()
	c := junitCase{Name: Safe(r.Name), Classname: "sipprobe." + Safe(r.Probe), Time: seconds(r.Timings.Total.Duration())}
	if c.Name == "" {
		c.Name = Safe(r.Probe + " " + r.Target)
	}
	msg := r.Diagnosis.Summary
	if r.Expect != nil && !r.Expect.Met {
		msg = strings.Join(r.Expect.Reasons, "; ")
	}
	if r.Error != "" {
		msg = r.Error
	}
	if ns := notSentText(r, catalog.EN); ns != "" {
		msg += " (" + ns + ")"
	}
	// The message is shown by CI viewers and terminals alike: a server's
	// text in it is escaped as in every text output.
	msg = Safe(msg)
	switch {
	case r.Diagnosis.ID == NotRunID:
		j.skipped++
		c.Skipped = &junitProblem{Message: msg}
	case r.Status == StatusCritical || r.Status == StatusWarning:
		j.failures++
		c.Failure = &junitProblem{Message: msg, Type: string(r.Status) + ": " + Safe(r.Diagnosis.ID), Body: report(r)}
	case r.Status != StatusOK:
		j.errors++
		c.Error = &junitProblem{Message: msg, Type: Safe(r.Diagnosis.ID), Body: report(r)}
	}
	if err := j.enc.Encode(c); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	return nil
}

// report is the text report with the message ladder: everything a CI user
// needs to see why the probe failed without rerunning it. The diagnosis
// with its causes, remedies and notes comes first, where a CI viewer's
// folded failure shows it; the transcript, often a hundred lines, after.
func report(r Result) string {
	var b strings.Builder
	_ = WriteText(&b, r, TextOptions{Trace: true, ladderLast: true})
	if len(r.Messages) > 0 {
		b.WriteString("\n")
		writeLadder(&b, r.Messages, false)
	}
	return xmlSafe(b.String())
}

// xmlSafe replaces what XML 1.0 cannot carry even in CDATA (control bytes a
// broken peer may send) with U+FFFD; encoding/xml splits "]]>" itself.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			return '\uFFFD'
		}
		return r
	}, s)
}

// Finish writes the document to w and removes the spool. Call it once.
func (j *JUnit) Finish(out io.Writer) error {
	defer os.Remove(j.spool.Name())
	defer j.spool.Close()
	if err := j.enc.Flush(); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	if err := j.buf.Flush(); err != nil {
		return fmt.Errorf("junit spool: %w", err)
	}
	if _, err := j.spool.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("junit spool: %w", err)
	}
	w := bufio.NewWriter(out)
	attrs := fmt.Sprintf(`tests="%d" failures="%d" errors="%d" skipped="%d" time="%s"`, j.tests, j.failures, j.errors, j.skipped, seconds(j.total))
	fmt.Fprintf(w, "%s<testsuites name=\"sipprobe\" %s>\n", xml.Header, attrs)
	fmt.Fprintf(w, "  <testsuite name=%s %s timestamp=\"%s\">\n", quoteAttr(j.suite), attrs, j.start.UTC().Format("2006-01-02T15:04:05"))
	if _, err := io.Copy(w, j.spool); err != nil {
		return fmt.Errorf("junit spool: %w", err)
	}
	fmt.Fprintf(w, "\n  </testsuite>\n</testsuites>\n")
	return w.Flush()
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

func quoteAttr(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return `"` + b.String() + `"` // EscapeText escapes quotes too
}
