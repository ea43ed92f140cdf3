package results

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sipprobe/sipprobe/catalog"
)

// A met expectation (invite --expect-code 486) says it held instead of
// giving the advice for the refusal it observed; --trace still shows it.
func TestExpectHeldText(t *testing.T) {
	busy := func(st Status, met bool) Result {
		return Result{Probe: "invite", Target: "sip:pbx", Transport: "udp", User: "120", Status: st, FinalCode: 486, FinalReason: "Busy Here",
			Diagnosis: catalog.Diagnosis{ID: "busy", Summary: "The callee is busy.", Causes: []string{"The line is in use."}, Remedies: []string{"Call again later."}},
			Expect:    &ExpectationResult{Met: met, Reasons: []string{"want final code 200, got 486"}}}
	}
	text := func(r Result, trace bool) string {
		var b bytes.Buffer
		if err := WriteText(&b, r, TextOptions{Trace: trace}); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	nagios := func(r Result, _ bool) string {
		var b bytes.Buffer
		if err := WriteNagios(&b, r, NagiosOptions{}); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	tests := []struct {
		name    string
		out     func(Result, bool) string
		r       Result
		trace   bool
		want    []string
		wantNot []string
	}{
		{"text, held", text, busy(StatusOK, true), false, []string{"Expected 486 Busy Here: the expectation holds"}, []string{"Likely causes", "Call again later", "Expectation: met"}},
		{"text, held, --trace", text, busy(StatusOK, true), true, []string{"Expected 486 Busy Here: the expectation holds", "Call again later"}, nil},
		{"text, not met", text, busy(StatusCritical, false), false, []string{"Likely causes", "Call again later", "want final code 200"}, []string{"the expectation holds"}},
		{"nagios, held", nagios, busy(StatusOK, true), false, []string{"Expected 486 Busy Here: the expectation holds"}, []string{"Likely causes", "Call again later"}},
		{"nagios, not met", nagios, busy(StatusCritical, false), false, []string{"Likely causes", "Call again later"}, []string{"the expectation holds"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := tt.out(tt.r, tt.trace)
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(out, w) {
					t.Errorf("has %q:\n%s", w, out)
				}
			}
		})
	}
}
