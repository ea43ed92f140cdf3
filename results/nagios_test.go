package results

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
)

// The Monitoring Plugins guidelines' grammar: the status line is
// "TEXT | PERF", each perfdata item 'label'=value[UOM];[warn];[crit];[min];[max]
// with value a number or "U", UOM one of s ms us % B KB MB TB c.
var (
	statusLineRE = regexp.MustCompile(`^SIPPROBE (OK|WARNING|CRITICAL|UNKNOWN) - ([^|]*?)(?: \| (.*))?$`)
	perfItemRE   = regexp.MustCompile(`^(?:'([^'=]+)'|([^'= ]+))=(U|-?[0-9]+(?:\.[0-9]+)?)(s|ms|us|%|B|KB|MB|TB|c)?((?:;[-0-9.:~@]*){0,4})$`)
)

type perfValue struct{ value, uom, warn, crit, min string }

// parseNagios splits plugin output into status, text, perfdata and long
// text, failing the test on anything the grammar does not allow.
func parseNagios(t *testing.T, out string) (status, text string, perf map[string]perfValue, long []string) {
	t.Helper()
	if !strings.HasSuffix(out, "\n") {
		t.Fatalf("output does not end in a newline: %q", out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	m := statusLineRE.FindStringSubmatch(lines[0])
	if m == nil {
		t.Fatalf("status line does not follow the guidelines: %q", lines[0])
	}
	perf = map[string]perfValue{}
	if m[3] != "" {
		for _, item := range strings.Split(m[3], " ") {
			p := perfItemRE.FindStringSubmatch(item)
			if p == nil {
				t.Fatalf("perfdata item %q does not follow the grammar", item)
			}
			label := p[1] + p[2]
			f := append(strings.Split(strings.TrimPrefix(p[5], ";"), ";"), "", "", "")
			if _, dup := perf[label]; dup {
				t.Errorf("label %q twice", label)
			}
			perf[label] = perfValue{value: p[3], uom: p[4], warn: f[0], crit: f[1], min: f[2]}
		}
	}
	for _, l := range lines[1:] {
		if strings.Contains(l, "|") {
			t.Errorf("long text line holds '|' (perfdata separator): %q", l)
		}
		long = append(long, l)
	}
	for _, c := range out {
		if (c < 0x20 && c != '\n') || c == 0x7f {
			t.Errorf("raw control character %U in output", c)
		}
	}
	return m[1], m[2], perf, long
}

func intp(n int) *int { return &n }

func TestNagiosSingle(t *testing.T) {
	limits := func(warn, crit float64) NagiosOptions {
		return NagiosOptions{Thresholds: func(Result) (float64, float64) { return warn, crit }}
	}
	tests := []struct {
		name      string
		r         Result
		o         NagiosOptions
		status    string
		text      string
		perf      map[string]perfValue
		longWants []string
		longNot   []string
	}{
		{
			name: "options ok, no thresholds",
			r: Result{Probe: "options", Target: "sip:pbx", Transport: "udp", Status: StatusOK, FinalCode: 200, FinalReason: "OK",
				Diagnosis: catalog.Diagnosis{ID: "ok", Summary: "The server answers.", Causes: []string{"never shown"}}, Timings: Timings{Total: 12.3}},
			status: "OK", text: "ok: The server answers.",
			perf:      map[string]perfValue{"time": {value: "0.0123", uom: "s", min: "0"}},
			longWants: []string{"OPTIONS → sip:pbx (udp): 200 OK in 12.3 ms"},
			longNot:   []string{"Likely causes", "never shown"},
		},
		{
			name: "register critical with thresholds",
			r: Result{Probe: "register", User: "120", Target: "sip:pbx", Transport: "tcp", RemoteAddr: "127.0.0.1:5060", Status: StatusCritical, FinalCode: 403, FinalReason: "Wrong Guess",
				Diagnosis: catalog.Diagnosis{ID: "wrong-password", Summary: "The server refused the credentials for 120.", Causes: []string{"a typo"}, Remedies: []string{"check the password"}, Notes: []string{"403 after our credentials"}},
				Timings:   Timings{Total: 3.9}},
			o:      limits(300, 1000),
			status: "CRITICAL", text: "wrong-password: The server refused the credentials for 120.",
			perf: map[string]perfValue{"time": {value: "0.0039", uom: "s", warn: "0.3", crit: "1", min: "0"}},
			longWants: []string{"REGISTER 120 → sip:pbx (tcp 127.0.0.1:5060): 403 Wrong Guess in 3.90 ms",
				"Likely causes:", "  - a typo", "What to do:", "  - check the password", "Observed:", "  - 403 after our credentials"},
		},
		{
			name: "register ok with contacts, warning threshold only",
			r: Result{Probe: "register", User: "120", Target: "sip:pbx", Transport: "udp", Status: StatusOK, FinalCode: 200,
				Diagnosis: catalog.Diagnosis{ID: "ok", Summary: "Accepted."}, Timings: Timings{Total: 250}, Details: &Details{ContactCount: intp(2)}},
			o:      limits(250, 0),
			status: "OK", text: "ok: Accepted.",
			perf: map[string]perfValue{"time": {value: "0.25", uom: "s", warn: "0.25", min: "0"}, "contacts": {value: "2", min: "0"}},
		},
		{
			name: "invite: setup time, hold and total",
			r: Result{Probe: "invite", User: "120", Target: "sip:pbx", Transport: "udp", Status: StatusWarning, FinalCode: 200,
				Diagnosis: catalog.Diagnosis{ID: "slow-setup", Summary: "The call took long to set up."},
				Timings:   Timings{Total: 3400}, Details: &Details{Invite: &InviteDetails{SetupMs: 250, HeldMs: 3000}}},
			o:      limits(200, 0),
			status: "WARNING", text: "slow-setup: The call took long to set up.",
			perf: map[string]perfValue{
				"time":  {value: "0.25", uom: "s", warn: "0.2", min: "0"},
				"hold":  {value: "3", uom: "s", min: "0"},
				"total": {value: "3.4", uom: "s", min: "0"},
			},
			longWants: []string{"INVITE 120 → sip:pbx (udp): 200 in 3.40 s, call setup 250.0 ms"},
		},
		{
			name: "server text with | and control characters",
			r: Result{Probe: "register", Target: "sip:pbx", Transport: "udp", Status: StatusCritical, FinalCode: 403, FinalReason: "Wrong | Guess\x1b[2J\r\nX: 1",
				Diagnosis: catalog.Diagnosis{ID: "forbidden", Summary: "The server said 403 Wrong | Guess.", Notes: []string{"Server: evil\x1b[31m|pbx\x7f"}},
				Timings:   Timings{Total: 1}},
			status: "CRITICAL", text: "forbidden: The server said 403 Wrong / Guess.",
			perf:      map[string]perfValue{"time": {value: "0.001", uom: "s", min: "0"}},
			longWants: []string{`403 Wrong / Guess\x1b[2J\r\nX: 1 in 1.00 ms`, `  - Server: evil\x1b[31m/pbx\x7f`},
		},
		{
			name: "sipprobe could not run it",
			r: Result{Probe: "register", Target: "sip:pbx", Transport: "udp", Status: StatusUnknown, Error: "no password for the challenge",
				Diagnosis: catalog.Diagnosis{}},
			o:      limits(300, 1000),
			status: "UNKNOWN", text: "no password for the challenge",
			perf:      map[string]perfValue{"time": {value: "U", warn: "0.3", crit: "1", min: "0"}},
			longWants: []string{"REGISTER → sip:pbx (udp): no final response"},
			longNot:   []string{"Error:", " in "},
		},
		{
			name: "expectation not met and the exchange alone",
			r: Result{Probe: "options", Target: "sip:pbx", Transport: "udp", Status: StatusWarning, FinalCode: 200,
				Diagnosis: catalog.Diagnosis{ID: "too-slow", Summary: "Slower than expected."},
				Observed:  &Observed{ID: "ok", Summary: "The server answers."},
				Expect:    &ExpectationResult{Reasons: []string{"took 900.0 ms, more than max_ms 250"}}, Timings: Timings{Total: 900}},
			status: "WARNING", text: "too-slow: Slower than expected.",
			perf:      map[string]perfValue{"time": {value: "0.9", uom: "s", min: "0"}},
			longWants: []string{"Expectation not met:", "  - took 900.0 ms, more than max_ms 250", "Without the expectation: ok — The server answers."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteNagios(&buf, tt.r, tt.o); err != nil {
				t.Fatal(err)
			}
			status, text, perf, long := parseNagios(t, buf.String())
			if status != tt.status || text != tt.text {
				t.Errorf("status line %q %q, want %q %q", status, text, tt.status, tt.text)
			}
			if len(perf) != len(tt.perf) {
				t.Errorf("perfdata %v, want %v", perf, tt.perf)
			}
			for label, want := range tt.perf {
				if got := perf[label]; got != want {
					t.Errorf("perfdata %q = %+v, want %+v", label, got, want)
				}
			}
			all := strings.Join(long, "\n")
			for _, w := range tt.longWants {
				if !strings.Contains(all, w) {
					t.Errorf("long text lacks %q:\n%s", w, all)
				}
			}
			for _, w := range tt.longNot {
				if strings.Contains(all, w) {
					t.Errorf("long text has %q:\n%s", w, all)
				}
			}
		})
	}
}

func TestNagiosRun(t *testing.T) {
	rs := sample()
	rs[1].Details = &Details{ContactCount: intp(0)}
	rs = append(rs, rs[0])
	tests := []struct {
		name   string
		rs     []Result
		status string
		text   string
		perf   map[string]perfValue
		long   []string
	}{
		{
			name: "mixed", rs: rs, status: "CRITICAL",
			text: "2 of 5 probes OK: reg-120 wrong-password, call/600 slow-response, late not-run",
			perf: map[string]perfValue{
				"alive_udp_time":   {value: "0.0123", uom: "s", min: "0"},
				"reg-120_time":     {value: "0.0039", uom: "s", min: "0"},
				"reg-120_contacts": {value: "0", min: "0"},
				"call_600_time":    {value: "0.9", uom: "s", warn: "0.25", crit: "1", min: "0"},
				"late_time":        {value: "U", min: "0"},
				"alive_udp_2_time": {value: "0.0123", uom: "s", min: "0"},
			},
			long: []string{
				"CRITICAL reg-120: wrong-password — The server rejected the credentials for 120.",
				"WARNING call/600: slow-response — took 900.0 ms, more than max_ms 250",
				"UNKNOWN late: not-run — not run: interrupted",
			},
		},
		{
			name: "all ok", rs: rs[:1], status: "OK", text: "1 of 1 probe OK",
			perf: map[string]perfValue{"alive_udp_time": {value: "0.0123", uom: "s", min: "0"}},
		},
		{
			name: "one not ok", rs: rs[1:2], status: "CRITICAL", text: "0 of 1 probe OK: reg-120 wrong-password",
			perf: map[string]perfValue{"reg-120_time": {value: "0.0039", uom: "s", min: "0"}, "reg-120_contacts": {value: "0", min: "0"}},
			long: []string{"CRITICAL reg-120: wrong-password — The server rejected the credentials for 120."},
		},
		{name: "nothing ran", status: "UNKNOWN", text: "no probe ran", perf: map[string]perfValue{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			n := NewNagios(&buf, NagiosOptions{Thresholds: func(r Result) (float64, float64) {
				if r.Name == "call|600" {
					return 250, 1000
				}
				return 0, 0
			}})
			for _, r := range tt.rs {
				if err := n.Add(r); err != nil {
					t.Fatal(err)
				}
			}
			if err := n.Close(); err != nil {
				t.Fatal(err)
			}
			status, text, perf, long := parseNagios(t, buf.String())
			if status != tt.status || text != tt.text {
				t.Errorf("status line %q %q, want %q %q", status, text, tt.status, tt.text)
			}
			if len(perf) != len(tt.perf) {
				t.Errorf("perfdata %v, want %v", perf, tt.perf)
			}
			for label, want := range tt.perf {
				if got := perf[label]; got != want {
					t.Errorf("perfdata %q = %+v, want %+v", label, got, want)
				}
			}
			if strings.Join(long, "\n") != strings.Join(tt.long, "\n") {
				t.Errorf("long text\n%s\nwant\n%s", strings.Join(long, "\n"), strings.Join(tt.long, "\n"))
			}
		})
	}
}

func TestNagiosRunBoundsLongText(t *testing.T) {
	var buf bytes.Buffer
	n := NewNagios(&buf, NagiosOptions{})
	bad := sample()[1]
	for i := 0; i < maxLong+7; i++ {
		_ = n.Add(bad)
	}
	_ = n.Close()
	_, text, _, long := parseNagios(t, buf.String())
	if !strings.HasSuffix(text, fmt.Sprintf(" and %d more", maxLong+7-maxListed)) {
		t.Errorf("status text %q", text)
	}
	if len(long) != maxLong+1 || long[maxLong] != "… and 7 more not OK" {
		t.Errorf("%d long lines, last %q", len(long), long[len(long)-1])
	}
}

func TestSweepNagiosCountsAccounts(t *testing.T) {
	for _, tt := range []struct {
		name string
		n    int
		want string
	}{
		{"one account", 1, "SIPPROBE OK - 1 of 1 account OK"},
		{"two accounts", 2, "SIPPROBE OK - 2 of 2 accounts OK"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSweepSummary(5)
			for i := 0; i < tt.n; i++ {
				s.Add(sample()[0])
			}
			var buf bytes.Buffer
			if err := s.WriteNagios(&buf); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(buf.String(), tt.want+": ") && !strings.HasPrefix(buf.String(), tt.want+" |") {
				t.Errorf("status line %q, want it to start %q", buf.String(), tt.want)
			}
		})
	}
}

// In a sweep's per-diagnosis summary, a refusal an expectation named is
// labelled expected: "1 OK wrong-password" read like an alarm.
func TestSweepSummaryLabelsExpected(t *testing.T) {
	neg := sample()[1]
	neg.Status, neg.Expect = StatusOK, &ExpectationResult{Met: true}
	tests := []struct {
		name  string
		write func(*SweepSummary, *bytes.Buffer) error
		want  string
	}{
		{"text", func(s *SweepSummary, b *bytes.Buffer) error { return s.WriteText(b, TableOptions{}, time.Second) }, "OK        wrong-password (expected)\n"},
		{"nagios", func(s *SweepSummary, b *bytes.Buffer) error { return s.WriteNagios(b) }, "'ok_wrong-password_expected'=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSweepSummary(5)
			s.Add(neg)
			s.Add(sample()[1])
			var b bytes.Buffer
			if err := tt.write(s, &b); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), tt.want) {
				t.Errorf("lacks %q:\n%s", tt.want, b.String())
			}
		})
	}
}
