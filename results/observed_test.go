package results

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
)

// TestObservedRendered: an interrupted probe says what it had seen, in the
// text output under the diagnosis and in the table's why-lines.
func TestObservedRendered(t *testing.T) {
	interrupted := Result{Name: "call", Probe: "invite", Target: "sip:pbx", Transport: "udp", Status: StatusUnknown,
		FinalCode: 200, FinalReason: "OK",
		Diagnosis: catalog.Diagnosis{ID: "canceled", Severity: catalog.SeverityUnknown, Summary: "The probe was interrupted before it finished."},
		Observed:  &Observed{ID: "ok", Severity: catalog.SeverityOK, Summary: "The server answered as expected (200 OK)."}}
	nothingYet := interrupted
	nothingYet.Observed, nothingYet.FinalCode = nil, 0
	const want = "Observed so far: ok — The server answered as expected (200 OK)."
	for _, tc := range []struct {
		name   string
		r      Result
		render func(*bytes.Buffer, Result)
		want   string
	}{
		{"text", interrupted, func(b *bytes.Buffer, r Result) { _ = WriteText(b, r, TextOptions{}) },
			"Diagnosis: canceled — The probe was interrupted before it finished.\n" + want + "\n"},
		{"table", interrupted, func(b *bytes.Buffer, r Result) {
			tb := NewTable(b, TableOptions{Names: []string{r.Name}})
			_ = tb.Add(r)
			_ = tb.Close(time.Second)
		}, "    ↳ " + want + "\n"},
		{"text, nothing seen yet", nothingYet, func(b *bytes.Buffer, r Result) { _ = WriteText(b, r, TextOptions{}) }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			tc.render(&b, tc.r)
			got := b.String()
			if tc.want == "" {
				if strings.Contains(got, "Observed so far") {
					t.Errorf("observed line without an observation:\n%s", got)
				}
				return
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("missing %q in\n%s", tc.want, got)
			}
		})
	}
}
