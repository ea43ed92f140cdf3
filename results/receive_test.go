package results

import (
	"strings"
	"testing"

	"github.com/sipprobe/sipprobe/catalog"
)

// TestReceiveText: the receive lines describe the call that was placed;
// when nothing was bound (the eviction guard) no call was placed, and no
// half-empty "Trigger call: 121 -> , ended with -" line appears.
func TestReceiveText(t *testing.T) {
	base := Result{Probe: "receive", Target: "sip:pbx", Transport: "udp", User: "600", Status: StatusUnknown,
		Diagnosis: catalog.Diagnosis{ID: "receive-would-evict", Severity: catalog.SeverityUnknown, Summary: "Not checked"}}
	for _, tc := range []struct {
		name    string
		rd      ReceiveDetails
		want    []string
		notWant []string
	}{
		{"nothing bound", ReceiveDetails{From: "121"}, nil, []string{"Trigger call", "INVITE"}},
		{"bound, call taken", ReceiveDetails{From: "121", To: "sip:600@pbx", TriggerCode: 200, TriggerReason: "OK",
			Contact: "sip:sipprobe-1@127.0.0.1:5070", RegisteredAs: "sip:sipprobe-1@127.0.0.1:5070", InviteReceived: true,
			RequestURI: "sip:sipprobe-1@127.0.0.1:5070", Targeted: "registered"},
			[]string{"Trigger call: 121 -> sip:600@pbx, ended with 200 OK", "INVITE reached us after"}, nil},
		{"bound, no INVITE", ReceiveDetails{From: "121", To: "sip:600@pbx", TriggerError: "ring timeout", Contact: "sip:sipprobe-1@127.0.0.1:5070"},
			[]string{"Trigger call: 121 -> sip:600@pbx, ended with ring timeout", "INVITE reached us: no"}, []string{"INVITE reached us after"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := base
			rd := tc.rd
			r.Details = &Details{Receive: &rd}
			var b strings.Builder
			if err := WriteText(&b, r, TextOptions{}); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(out, w) {
					t.Errorf("has %q:\n%s", w, out)
				}
			}
		})
	}
}
