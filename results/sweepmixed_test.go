package results

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// A run with an accounts entry and ordinary entries: the ordinary results
// are rows and names as in any run, the sweep a summary, and one status
// covers both.
func TestSweepAfterOrdinaryResults(t *testing.T) {
	okRes, refused, slow := sample()[0], sample()[1], sample()[2]
	tests := []struct {
		name              string
		ordinary, sweep   []Result
		wantText          []string
		wantNagios        string
		noTextLeadingLine bool
	}{
		{
			name: "sweep only: as before", sweep: []Result{okRes, refused},
			wantText:          []string{"Results by diagnosis:\n", "\n2 probes: 1 ok, 1 critical — CRITICAL in 1s\n"},
			wantNagios:        "SIPPROBE CRITICAL - 1 of 2 accounts OK: wrong-password 1 | ",
			noTextLeadingLine: true,
		},
		{
			name: "a failing probe outranks a passing sweep", ordinary: []Result{refused}, sweep: []Result{okRes},
			wantText:   []string{"reg-120  sip:pbx  tcp        CRITICAL   403  wrong-password", "\n\nResults by diagnosis:\n", "\n2 probes: 1 ok, 1 critical — CRITICAL in 1s\n"},
			wantNagios: "SIPPROBE CRITICAL - 0 of 1 probe OK: reg-120 wrong-password; 1 of 1 account OK | 'reg-120_time'=",
		},
		{
			name: "a warning in the sweep outranks passing probes", ordinary: []Result{okRes}, sweep: []Result{slow},
			wantText:   []string{"alive/udp  sip:pbx  udp        OK         200  ok", "\n2 probes: 1 ok, 1 warning — WARNING in 1s\n"},
			wantNagios: "SIPPROBE WARNING - 1 of 1 probe OK; 0 of 1 account OK: slow-response 1 | 'alive_udp_time'=0.0123s;;;0; 'warning_slow-response'=1;;;0;\n",
		},
		{
			name: "an empty accounts file leaves the probes' status", ordinary: []Result{okRes},
			wantText:   []string{"\n1 probe: 1 ok — OK in 1s\n"},
			wantNagios: "SIPPROBE OK - 1 of 1 probe OK; no account was probed | 'alive_udp_time'=0.0123s;;;0;\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var text, nagios bytes.Buffer
			tab, nag, sum := NewTable(&text, TableOptions{}), NewNagios(&nagios, NagiosOptions{}), NewSweepSummary(5)
			for _, r := range tt.ordinary {
				must(t, tab.Add(r))
				must(t, nag.Add(r))
			}
			for _, r := range tt.sweep {
				sum.Add(r)
			}
			must(t, tab.CloseSweep(sum, time.Second))
			must(t, nag.CloseSweep(sum))
			for _, want := range tt.wantText {
				if !strings.Contains(text.String(), want) {
					t.Errorf("text lacks %q:\n%s", want, text.String())
				}
			}
			if tt.noTextLeadingLine && strings.HasPrefix(text.String(), "\n") {
				t.Errorf("text starts with a blank line:\n%s", text.String())
			}
			if !strings.HasPrefix(nagios.String(), tt.wantNagios) {
				t.Errorf("nagios:\n%s\nwant it to start\n%s", nagios.String(), tt.wantNagios)
			}
		})
	}
}

func TestPromSweepWithProbes(t *testing.T) {
	tests := []struct {
		name      string
		ordinary  []Result
		want, not []string
	}{
		{name: "sweep only: no per-probe series", not: []string{"sipprobe_probe_"},
			want: []string{`sipprobe_sweep_results{diagnosis="wrong-password",status="critical"} 1`, "sipprobe_sweep_accounts 1\n", "sipprobe_last_run_timestamp_seconds 60\n"}},
		{name: "with probes: both, one timestamp", ordinary: []Result{sample()[0]},
			want: []string{`sipprobe_probe_success{kind="options",name="alive/udp",`, "sipprobe_sweep_accounts 1\n", "sipprobe_last_run_timestamp_seconds 60\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, sum := NewProm(), NewSweepSummary(5)
			for _, r := range tt.ordinary {
				must(t, p.Add(r))
			}
			sum.Add(sample()[1])
			var b bytes.Buffer
			must(t, p.WriteSweep(&b, sum, time.Unix(60, 0)))
			for _, want := range tt.want {
				if !strings.Contains(b.String(), want) {
					t.Errorf("lacks %q:\n%s", want, b.String())
				}
			}
			for _, not := range tt.not {
				if strings.Contains(b.String(), not) {
					t.Errorf("has %q:\n%s", not, b.String())
				}
			}
		})
	}
}
