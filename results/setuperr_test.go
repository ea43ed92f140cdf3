package results

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"
)

func TestNagiosSetupError(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		text   string
		long   []string
	}{
		{"one line", "invalid probe configuration: --user is required", "invalid probe configuration: --user is required", nil},
		{"problems as long text, no dangling colon", "ci.toml: 2 problems, nothing was sent:\nci.toml:5: a\nci.toml:9: b\n",
			"ci.toml: 2 problems, nothing was sent", []string{"ci.toml:5: a", "ci.toml:9: b"}},
		{"control characters and the perfdata bar", "open a\x1b[31m|b.toml: no such file", `open a\x1b[31m/b.toml: no such file`, nil},
		{"empty reason", "", "sipprobe could not run", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteNagiosSetupError(&b, tt.reason); err != nil {
				t.Fatal(err)
			}
			status, text, perf, long := parseNagios(t, b.String())
			if status != "UNKNOWN" || text != tt.text || len(perf) != 0 {
				t.Errorf("status %q text %q perf %v, want UNKNOWN %q and no perfdata", status, text, perf, tt.text)
			}
			if strings.Join(long, "\n") != strings.Join(tt.long, "\n") {
				t.Errorf("long text %q, want %q", long, tt.long)
			}
		})
	}
}

func TestJUnitSetupError(t *testing.T) {
	tests := []struct {
		name     string
		s        JUnitSetupError
		reason   string
		wantSuit string
		wantCase string
		message  string
		body     []string
	}{
		{"run: named after the file", JUnitSetupError{Suite: "ci", Case: "ci.toml", Class: "sipprobe.run"},
			"ci.toml: 1 problem, nothing was sent:\nci.toml:5: probe \"reg\": password_env: environment variable PW is not set",
			"ci", "ci.toml", "ci.toml: 1 problem, nothing was sent", []string{"environment variable PW is not set"}},
		{"invite: named after the command", JUnitSetupError{Suite: "sipprobe invite", Case: "sipprobe invite", Class: "sipprobe.invite"},
			"invalid probe configuration: --user is required", "sipprobe invite", "sipprobe invite", "invalid probe configuration: --user is required", []string{"--user is required"}},
		{"markup, CDATA end and control bytes", JUnitSetupError{Suite: "a\"<b>", Case: "x\x1by.toml", Class: "sipprobe.run"},
			"bad <value> ]]> & \x01\x1b[0m", `a"<b>`, `x\x1by.toml`, `bad <value> ]]> & \x01\x1b[0m`, []string{`]]> & \x01\x1b[0m`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.s.At = time.Unix(0, 0)
			var b bytes.Buffer
			if err := WriteJUnitSetupError(&b, tt.s, tt.reason); err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Tests int `xml:"tests,attr"`
				Suite []struct {
					Name   string `xml:"name,attr"`
					Tests  int    `xml:"tests,attr"`
					Errors int    `xml:"errors,attr"`
					Cases  []struct {
						Name  string `xml:"name,attr"`
						Class string `xml:"classname,attr"`
						Error *struct {
							Message string `xml:"message,attr"`
							Type    string `xml:"type,attr"`
							Body    string `xml:",chardata"`
						} `xml:"error"`
					} `xml:"testcase"`
				} `xml:"testsuite"`
			}
			if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
				t.Fatalf("invalid XML: %v\n%s", err, b.String())
			}
			if doc.Tests != 1 || len(doc.Suite) != 1 || doc.Suite[0].Tests != 1 || doc.Suite[0].Errors != 1 || len(doc.Suite[0].Cases) != 1 {
				t.Fatalf("document %+v, want one suite with one erroring testcase", doc)
			}
			s, c := doc.Suite[0], doc.Suite[0].Cases[0]
			if s.Name != tt.wantSuit || c.Name != tt.wantCase || c.Class != tt.s.Class || c.Error == nil {
				t.Fatalf("suite %q case %+v, want %q / %q", s.Name, c, tt.wantSuit, tt.wantCase)
			}
			if c.Error.Message != tt.message || c.Error.Type != SetupErrorID {
				t.Errorf("error message %q type %q, want %q %q", c.Error.Message, c.Error.Type, tt.message, SetupErrorID)
			}
			for _, w := range tt.body {
				if !strings.Contains(c.Error.Body, w) {
					t.Errorf("body lacks %q:\n%s", w, c.Error.Body)
				}
			}
			for _, r := range b.String() {
				if r < 0x20 && r != '\n' {
					t.Errorf("raw control character %U in the document", r)
				}
			}
		})
	}
}
