package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSetupErrorOnStdout: a command that cannot run (exit 3) says why on
// stdout too when Nagios or a CI reads it (-o nagios, -o junit), and
// leaves stdout alone for text, JSON, or when -o itself is wrong. Stderr
// keeps its message for people.
func TestSetupErrorOnStdout(t *testing.T) {
	dir := t.TempDir()
	ci := filepath.Join(dir, "ci.toml")
	scenario := "[[probe]]\nname = \"reg\"\nkind = \"register\"\nserver = \"127.0.0.1:9\"\nuser = \"120\"\npassword_env = \"CIERR_TEST_UNSET_PW\"\n"
	if err := os.WriteFile(ci, []byte(scenario), 0o600); err != nil {
		t.Fatal(err)
	}
	hostile := filepath.Join(dir, "a\x1b[31mb.toml") // does not exist; its name reaches the reason
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		format string // "nagios", "junit" or "" (stdout stays empty)
		want   string // in the status line / error message, and in stderr
		long   string // in the long text / error body
		absent string // nowhere on stdout
	}{
		{name: "run, password variable unset, nagios", args: []string{"run", ci, "-o", "nagios"}, format: "nagios",
			want: ci + ": 1 problem, nothing was sent", long: "CIERR_TEST_UNSET_PW is not set"},
		{name: "run, password variable unset, junit", args: []string{"run", ci, "-o", "junit"}, format: "junit",
			want: ci + ": 1 problem, nothing was sent", long: "CIERR_TEST_UNSET_PW is not set"},
		{name: "run, --output=junit before the file", args: []string{"run", "--output=junit", ci}, format: "junit",
			want: "1 problem", long: "CIERR_TEST_UNSET_PW"},
		{name: "run, no file, nagios", args: []string{"run", "-o", "nagios"}, format: "nagios", want: "run: want exactly one scenario file, got 0 arguments"},
		{name: "invite without --user, nagios", args: []string{"invite", "-s", "127.0.0.1", "--to", "600", "-o", "nagios"}, format: "nagios", want: "--user is required"},
		{name: "invite without --user, junit", args: []string{"invite", "-s", "127.0.0.1", "--to", "600", "-o", "junit"}, format: "junit", want: "--user is required"},
		{name: "unknown flag, nagios", args: []string{"options", "-o", "nagios", "--bogus"}, format: "nagios", want: "unknown flag --bogus"},
		{name: "bad duration, SIPPROBE_OUTPUT=nagios", env: map[string]string{"SIPPROBE_OUTPUT": "nagios"}, args: []string{"options", "-s", "x", "--timeout", "soon"}, format: "nagios", want: `--timeout "soon"`},
		{name: "the command line wins over SIPPROBE_OUTPUT", env: map[string]string{"SIPPROBE_OUTPUT": "nagios"}, args: []string{"options", "-s", "x", "-o", "JUNIT", "--timeout", "soon"}, format: "junit", want: `--timeout "soon"`},
		{name: "a password on the command line stays out", args: []string{"register", "-s", "x", "-u", "1", "--password", "s3cret-pw", "-t", "sctp", "-o", "nagios"}, format: "nagios", want: "--transport", absent: "s3cret-pw"},
		{name: "control characters of a file name escaped, nagios", args: []string{"run", hostile, "-o", "nagios"}, format: "nagios", want: `a\x1b[31mb.toml`, absent: "\x1b"},
		{name: "control characters of a file name escaped, junit", args: []string{"run", hostile, "-o", "junit"}, format: "junit", want: `a\x1b[31mb.toml`, absent: "\x1b"},
		{name: "text: stderr only", args: []string{"run", ci}, want: "1 problem"},
		{name: "json: stderr only", args: []string{"run", ci, "-o", "json"}, want: "1 problem"},
		{name: "the error is in -o itself", args: []string{"run", ci, "-o", "nagioz"}, want: `--output "nagioz"`},
		{name: "-o is wrong, another error first", args: []string{"invite", "-s", "127.0.0.1", "-o", "nagioz"}, want: "--user is required"},
		{name: "SIPPROBE_OUTPUT no command knows", env: map[string]string{"SIPPROBE_OUTPUT": "yaml"}, args: []string{"run", ci}, want: `SIPPROBE_OUTPUT="yaml"`},
		{name: "catalog has no nagios output", args: []string{"catalog", "show", "nosuch", "-o", "nagios"}, want: `--output "nagios"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CIERR_TEST_UNSET_PW", "")
			os.Unsetenv("CIERR_TEST_UNSET_PW")
			t.Setenv("SIPPROBE_OUTPUT", "")
			t.Setenv("XDG_STATE_HOME", t.TempDir())
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			code, out, stderr := runMain(t, tt.args...)
			if code != 3 {
				t.Fatalf("exit %d, want 3\n%s%s", code, out, stderr)
			}
			if !strings.Contains(stderr, strings.ReplaceAll(tt.want, `\x1b`, "\x1b")) && !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr lacks %q: %s", tt.want, stderr)
			}
			if tt.absent != "" && strings.Contains(out, tt.absent) {
				t.Errorf("stdout holds %q:\n%s", tt.absent, out)
			}
			switch tt.format {
			case "":
				if out != "" {
					t.Errorf("stdout %q, want it empty", out)
				}
			case "nagios":
				lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
				if !strings.HasSuffix(out, "\n") || !strings.HasPrefix(lines[0], "SIPPROBE UNKNOWN - ") || !strings.Contains(lines[0], tt.want) {
					t.Fatalf("status line %q, want SIPPROBE UNKNOWN - …%s…", lines[0], tt.want)
				}
				if strings.Contains(lines[0], "|") {
					t.Errorf("status line has perfdata: %q", lines[0])
				}
				if long := strings.Join(lines[1:], "\n"); !strings.Contains(long, tt.long) {
					t.Errorf("long text lacks %q:\n%s", tt.long, long)
				}
			case "junit":
				var doc struct {
					Suite struct {
						Name   string `xml:"name,attr"`
						Tests  int    `xml:"tests,attr"`
						Errors int    `xml:"errors,attr"`
						Cases  []struct {
							Name  string `xml:"name,attr"`
							Error *struct {
								Message string `xml:"message,attr"`
								Body    string `xml:",chardata"`
							} `xml:"error"`
						} `xml:"testcase"`
					} `xml:"testsuite"`
				}
				if err := xml.Unmarshal([]byte(out), &doc); err != nil {
					t.Fatalf("not XML: %v\n%s", err, out)
				}
				s := doc.Suite
				if s.Tests != 1 || s.Errors != 1 || len(s.Cases) != 1 || s.Cases[0].Error == nil {
					t.Fatalf("suite %+v, want one testcase with an error", s)
				}
				c := s.Cases[0]
				if !strings.Contains(c.Error.Message, tt.want) || !strings.Contains(c.Error.Body, tt.long) {
					t.Errorf("error %+v, want message with %q, body with %q", c.Error, tt.want, tt.long)
				}
				if c.Name == "" {
					t.Errorf("testcase without a name")
				}
			}
		})
	}
}

// TestSetupErrorJUnitFile: run --junit FILE (or SIPPROBE_JUNIT) gets the
// setup error's JUnit document too, replacing a report left by an earlier
// run, whatever -o says; stdout follows -o as before.
func TestSetupErrorJUnitFile(t *testing.T) {
	dir := t.TempDir()
	ci := filepath.Join(dir, "ci.toml")
	scenario := "[[probe]]\nname = \"reg\"\nkind = \"register\"\nserver = \"127.0.0.1:9\"\nuser = \"120\"\npassword_env = \"CIERR_TEST_UNSET_PW\"\n"
	must(t, os.WriteFile(ci, []byte(scenario), 0o600))
	for _, tc := range []struct {
		name string
		args []string
		env  string // SIPPROBE_JUNIT
	}{
		{"--junit with text output", []string{"run", ci, "--junit", "REPORT"}, ""},
		{"--junit=FILE with nagios output", []string{"run", ci, "-o", "nagios", "--junit=REPORT"}, ""},
		{"SIPPROBE_JUNIT", []string{"run", ci}, "REPORT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			report := filepath.Join(t.TempDir(), "report.xml")
			must(t, os.WriteFile(report, []byte("<stale/>"), 0o644))
			for i, a := range tc.args {
				tc.args[i] = strings.ReplaceAll(a, "REPORT", report)
			}
			os.Unsetenv("CIERR_TEST_UNSET_PW")
			t.Setenv("SIPPROBE_OUTPUT", "")
			t.Setenv("SIPPROBE_JUNIT", strings.ReplaceAll(tc.env, "REPORT", report))
			t.Setenv("XDG_STATE_HOME", t.TempDir())
			code, _, stderr := runMain(t, tc.args...)
			if code != 3 {
				t.Fatalf("exit %d, want 3\n%s", code, stderr)
			}
			b, err := os.ReadFile(report)
			must(t, err)
			if !strings.Contains(string(b), `errors="1"`) || !strings.Contains(string(b), "CIERR_TEST_UNSET_PW is not set") {
				t.Errorf("report.xml is not the setup error:\n%s", b)
			}
			if left, _ := filepath.Glob(filepath.Join(filepath.Dir(report), ".sipprobe-junit-*")); len(left) != 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}
