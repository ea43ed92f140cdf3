package results

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// A command that cannot run its probes at all (a usage error, a password
// variable that is unset, a scenario file that does not validate) exits 3
// with its reason on stderr. A monitoring system or CI that reads stdout
// alone needs the reason there too: Nagios shows "(No output returned
// from plugin)" for an empty stdout, and a 0-byte report.xml fails the
// JUnit parser, which hides the cause. These writers say why in the
// format the caller asked for.

// SetupErrorID is the <error type> of the testcase that stands for a run
// that could not start.
const SetupErrorID = "setup-error"

// WriteNagiosSetupError writes the plugin output of a command that could
// not run: "SIPPROBE UNKNOWN - <first line of reason>" and the further
// lines of reason as long text, all through nagiosSafe (a reason may quote
// a file's text).
func WriteNagiosSetupError(w io.Writer, reason string) error {
	first, rest, _ := strings.Cut(strings.TrimRight(reason, "\n"), "\n")
	// "f.toml: 3 problems, nothing was sent:" introduces the long text;
	// on the status line alone the colon would dangle.
	first = strings.TrimSuffix(strings.TrimSpace(first), ":")
	if first == "" {
		first = "sipprobe could not run"
	}
	var b strings.Builder
	statusLine(&b, StatusUnknown, first, nil)
	if rest != "" {
		for _, l := range strings.Split(rest, "\n") {
			longLine(&b, l)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// JUnitSetupError names the document of a run that could not start.
type JUnitSetupError struct {
	Suite string // the testsuite: "sipprobe run", "sipprobe invite"
	Case  string // the testcase: the scenario file, or the command
	Class string // the testcase's classname: "sipprobe.run", "sipprobe.invite"
	At    time.Time
}

// WriteJUnitSetupError writes a JUnit document with one testcase that is
// an <error>: its message is the reason's first line, its body the whole
// reason, so that CI shows why nothing ran.
func WriteJUnitSetupError(w io.Writer, s JUnitSetupError, reason string) error {
	// SafeLines escapes every control character but the line breaks, so
	// the text is also valid XML 1.0; encoding/xml escapes the markup.
	reason = SafeLines(strings.TrimRight(reason, "\n"))
	first, _, _ := strings.Cut(reason, "\n")
	first = strings.TrimSuffix(strings.TrimSpace(first), ":")
	c := junitCase{Name: Safe(s.Case), Classname: Safe(s.Class), Time: seconds(0),
		Error: &junitProblem{Message: first, Type: SetupErrorID, Body: xmlSafe(reason)}}
	bw := bufio.NewWriter(w)
	const attrs = `tests="1" failures="0" errors="1" skipped="0" time="0.000"`
	fmt.Fprintf(bw, "%s<testsuites name=\"sipprobe\" %s>\n", xml.Header, attrs)
	fmt.Fprintf(bw, "  <testsuite name=%s %s timestamp=\"%s\">\n", quoteAttr(Safe(s.Suite)), attrs, s.At.UTC().Format("2006-01-02T15:04:05"))
	enc := xml.NewEncoder(bw)
	enc.Indent("    ", "  ")
	if err := enc.Encode(c); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	if err := enc.Flush(); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	fmt.Fprintf(bw, "\n  </testsuite>\n</testsuites>\n")
	return bw.Flush()
}
