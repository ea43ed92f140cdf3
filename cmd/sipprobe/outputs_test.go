package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/sipprobe/sipprobe/internal/testpbx"
)

// startPBX runs the fault-injecting test PBX: 120/secret can call the echo
// extension 600; a wrong password gets "403 Wrong | Guess", a reason
// phrase with the perfdata separator in it.
func startPBX(t *testing.T) (addr, goodPW, badPW string) {
	t.Helper()
	pbx, err := testpbx.New(
		testpbx.WithAccount("120", "secret",
			testpbx.RejectWrongPassword(403, "Wrong | Guess"),
			testpbx.Extension("600", testpbx.ExtensionBehaviour{}),
		),
	)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := pbx.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pbx.Close() })
	dir := t.TempDir()
	goodPW, badPW = filepath.Join(dir, "good"), filepath.Join(dir, "bad")
	must(t, os.WriteFile(goodPW, []byte("secret\n"), 0o600))
	must(t, os.WriteFile(badPW, []byte("guess\n"), 0o600))
	return pbx.Addr("udp"), goodPW, badPW
}

// The plugin output grammar (Monitoring Plugins guidelines): status line
// "SIPPROBE STATUS - text | 'label'=value[UOM];warn;crit;min;max ...".
var (
	nagiosLineRE = regexp.MustCompile(`^SIPPROBE (OK|WARNING|CRITICAL|UNKNOWN) - ([^|]+) \| (.+)$`)
	nagiosPerfRE = regexp.MustCompile(`^'([^'=]+)'=(U|[0-9]+(?:\.[0-9]+)?)(s)?(?:;[0-9.]*){0,4}$`)
)

func TestProbeOutputsNagios(t *testing.T) {
	addr, good, bad := startPBX(t)
	tests := []struct {
		name     string
		args     []string
		code     int
		status   string
		text     string // prefix of the status text
		labels   []string
		inLong   string
		perfWant string // one perfdata item, exactly
		perfRE   string // the first perfdata item matches it
	}{
		{name: "options ok", args: []string{"options", "-s", addr, "-o", "nagios"}, code: 0, status: "OK", text: "ok: ", labels: []string{"time"}},
		{name: "options closed port", args: []string{"options", "-s", closedUDPPort(t), "-o", "nagios", "--no-fallback"}, code: 2, status: "CRITICAL", text: "port-unreachable: ", labels: []string{"time"}, inLong: "What to do:"},
		{name: "register, no device registered", args: []string{"register", "-s", addr, "-u", "120", "--password-file", good, "-o", "NAGIOS"}, code: 0, status: "OK", text: "ok: ", labels: []string{"time", "contacts"}, perfWant: "'contacts'=0;;;0;"},
		{name: "register, fewer devices than expected", args: []string{"register", "-s", addr, "-u", "120", "--password-file", good, "-o", "nagios", "--expect-min-contacts", "1"}, code: 1, status: "WARNING", text: "no-contacts: ", labels: []string{"time", "contacts"}, perfWant: "'contacts'=0;;;0;", inLong: "What to do:"},
		{name: "thresholds from the expect flags", args: []string{"options", "-s", addr, "-o", "nagios", "--expect-max-ms", "300", "--expect-crit-ms", "1000"}, code: 0, status: "OK", text: "ok: ", labels: []string{"time"}, perfRE: `^'time'=[0-9.]+s;0\.3;1;0;$`},
		{name: "register --bind", args: []string{"register", "-s", addr, "-u", "120", "--password-file", good, "--bind", "-o", "nagios"}, code: 0, status: "OK", text: "ok: ", labels: []string{"time", "contacts"}, perfWant: "'contacts'=1;;;0;"},
		{name: "register wrong password", args: []string{"register", "-s", addr, "-u", "120", "--password-file", bad, "-o", "nagios"}, code: 2, status: "CRITICAL", text: "wrong-password: ", labels: []string{"time"}, inLong: "403 Wrong / Guess"},
		{name: "invite", args: []string{"invite", "-s", addr, "-u", "120", "--password-file", good, "--to", "600", "--hold", "100ms", "-o", "nagios"}, code: 0, status: "OK", text: "ok: ", labels: []string{"time", "hold", "total"}, inLong: "INVITE 120 → "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runMain(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr %s\n%s", code, tt.code, stderr, out)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			m := nagiosLineRE.FindStringSubmatch(lines[0])
			if m == nil {
				t.Fatalf("status line does not follow the guidelines: %q", lines[0])
			}
			if m[1] != tt.status || !strings.HasPrefix(m[2], tt.text) {
				t.Errorf("status %q text %q, want %q and text from %q", m[1], m[2], tt.status, tt.text)
			}
			var labels []string
			for _, item := range strings.Split(m[3], " ") {
				p := nagiosPerfRE.FindStringSubmatch(item)
				if p == nil {
					t.Fatalf("perfdata %q does not follow the grammar", item)
				}
				if p[1] != "contacts" && p[3] != "s" {
					t.Errorf("perfdata %q: a time without the unit s", item)
				}
				labels = append(labels, p[1])
			}
			if strings.Join(labels, " ") != strings.Join(tt.labels, " ") {
				t.Errorf("perfdata labels %v, want %v", labels, tt.labels)
			}
			if tt.perfWant != "" && !strings.Contains(m[3], tt.perfWant) {
				t.Errorf("perfdata %q lacks %q", m[3], tt.perfWant)
			}
			if first, _, _ := strings.Cut(m[3], " "); tt.perfRE != "" && !regexp.MustCompile(tt.perfRE).MatchString(first) {
				t.Errorf("perfdata %q does not match %s", first, tt.perfRE)
			}
			long := strings.Join(lines[1:], "\n")
			if len(lines) < 2 || strings.Contains(long, "|") {
				t.Errorf("want long text without '|' after the status line:\n%s", out)
			}
			if !strings.Contains(long, tt.inLong) {
				t.Errorf("long text lacks %q:\n%s", tt.inLong, long)
			}
		})
	}
}

func TestProbeOutputsOtherFormats(t *testing.T) {
	addr, _, _ := startPBX(t)
	tests := []struct {
		format string
		check  func(t *testing.T, out string)
	}{
		{"JSON", func(t *testing.T, out string) {
			var m map[string]any
			if err := json.Unmarshal([]byte(out), &m); err != nil {
				t.Fatalf("not one JSON object: %v\n%s", err, out)
			}
			if m["probe"] != "options" || m["status"] != "ok" {
				t.Errorf("probe %v status %v", m["probe"], m["status"])
			}
		}},
		{"junit", func(t *testing.T, out string) {
			var doc struct {
				Suite struct {
					Name  string `xml:"name,attr"`
					Tests int    `xml:"tests,attr"`
					Cases []struct {
						Class string `xml:"classname,attr"`
					} `xml:"testcase"`
				} `xml:"testsuite"`
			}
			if err := xml.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("invalid XML: %v\n%s", err, out)
			}
			if doc.Suite.Name != "sipprobe options" || doc.Suite.Tests != 1 || len(doc.Suite.Cases) != 1 || doc.Suite.Cases[0].Class != "sipprobe.options" {
				t.Errorf("suite %+v", doc.Suite)
			}
		}},
		{"prom", func(t *testing.T, out string) {
			parser := expfmt.NewTextParser(model.UTF8Validation)
			mfs, err := parser.TextToMetricFamilies(strings.NewReader(out))
			if err != nil {
				t.Fatalf("not valid exposition: %v\n%s", err, out)
			}
			s := mfs["sipprobe_probe_success"]
			if s == nil || len(s.GetMetric()) != 1 || s.GetMetric()[0].GetGauge().GetValue() != 1 {
				t.Errorf("sipprobe_probe_success: %v", s)
			}
		}},
		{"Text", func(t *testing.T, out string) {
			if !strings.HasPrefix(out, "OPTIONS → ") || !strings.Contains(out, "Diagnosis: ok") {
				t.Errorf("not the text report:\n%s", out)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			code, out, stderr := runMain(t, "options", "-s", addr, "-o", tt.format)
			if code != 0 {
				t.Fatalf("exit %d; stderr %s", code, stderr)
			}
			tt.check(t, out)
		})
	}
}

func TestOutputUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"options", "-s", "127.0.0.1", "-o", "bogus"},
		{"register", "-s", "127.0.0.1", "-u", "1", "--output", "xml"},
		{"run", "scenarios.toml", "-o", "bogus"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, out, stderr := runMain(t, args...)
			if code != 3 || !strings.Contains(stderr, "want text, json, junit, nagios or prom") {
				t.Errorf("exit %d, stderr %q, want 3 and the formats", code, stderr)
			}
			if out != "" && strings.Contains(out, "SIPPROBE") {
				t.Errorf("a probe ran: %s", out)
			}
		})
	}
}

func TestRunOutputNagios(t *testing.T) {
	addr, good, _ := startPBX(t)
	pw, err := os.ReadFile(good)
	must(t, err)
	t.Setenv("PBX_120", strings.TrimSpace(string(pw)))
	path := filepath.Join(t.TempDir(), "office.toml")
	must(t, os.WriteFile(path, []byte(`
[defaults]
server = "`+addr+`"
timeout = "2s"

[[probe]]
name = "alive"
kind = "options"
expect = { max_ms = 1500, crit_ms = 1800 }

[[probe]]
name = "reg-120"
kind = "register"
user = "120"
password_env = "PBX_120"
expect = { min_contacts = 1 }
`), 0o600))
	// --parallel 1: the perfdata follows the order the probes finish in.
	code, out, stderr := runMain(t, "run", path, "-o", "Nagios", "--no-history", "--parallel", "1")
	if code != 1 {
		t.Errorf("exit %d, want 1 (reg-120 has no device registered); stderr %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	m := nagiosLineRE.FindStringSubmatch(lines[0])
	if m == nil {
		t.Fatalf("status line does not follow the guidelines: %q", lines[0])
	}
	if m[1] != "WARNING" || m[2] != "1 of 2 probes OK: reg-120 no-contacts" {
		t.Errorf("status %q text %q", m[1], m[2])
	}
	perf := strings.Split(m[3], " ")
	for i, want := range []*regexp.Regexp{
		regexp.MustCompile(`^'alive_time'=[0-9.]+s;1\.5;1\.8;0;$`),
		regexp.MustCompile(`^'reg-120_time'=[0-9.]+s;;;0;$`),
		regexp.MustCompile(`^'reg-120_contacts'=0;;;0;$`),
	} {
		if i >= len(perf) || !want.MatchString(perf[i]) {
			t.Errorf("perfdata %v: item %d does not match %s", perf, i, want)
		}
	}
	if len(lines) != 2 || !strings.HasPrefix(lines[1], "WARNING reg-120: no-contacts — ") {
		t.Errorf("long text should explain reg-120 alone:\n%s", out)
	}
}

// An explicit --hold 0 (or hold = "0s" in a scenario) hangs up right after
// the ACK; it used to mean the default 2 s hold.
func TestInviteHoldZero(t *testing.T) {
	addr, good, _ := startPBX(t)
	for _, tc := range []struct {
		name     string
		hold     []string
		atLeast  float64
		atMostMs float64
	}{
		{name: "explicit 0", hold: []string{"--hold", "0"}, atMostMs: 1000},
		{name: "default", hold: nil, atLeast: 1900, atMostMs: 10000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"invite", "-s", addr, "-u", "120", "--password-file", good, "--to", "600", "-o", "json"}, tc.hold...)
			code, out, stderr := runMain(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s\n%s", code, stderr, out)
			}
			var r struct {
				Details struct {
					Invite struct {
						HeldMs float64 `json:"held_ms"`
					} `json:"invite"`
				} `json:"details"`
			}
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatal(err)
			}
			if h := r.Details.Invite.HeldMs; h < tc.atLeast || h > tc.atMostMs {
				t.Errorf("held %.1f ms, want %.0f to %.0f", h, tc.atLeast, tc.atMostMs)
			}
		})
	}
}
