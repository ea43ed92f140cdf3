package results

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/sipprobe/sipprobe/catalog"
)

// sample is a mixed run: ok, refused with a transcript, slow, not run.
func sample() []Result {
	return []Result{
		{Name: "alive/udp", Probe: "options", Target: "sip:pbx", Transport: "udp", Status: StatusOK, FinalCode: 200, Diagnosis: catalog.Diagnosis{ID: "ok", Summary: "fine"}, Timings: Timings{Total: 12.3}},
		{Name: "reg-120", Probe: "register", Target: "sip:pbx", Transport: "tcp", User: "120", Status: StatusCritical, FinalCode: 403, FinalReason: "Wrong Guess",
			Diagnosis: catalog.Diagnosis{ID: "wrong-password", Summary: "The server rejected the credentials for 120."}, Timings: Timings{Total: 3.9},
			Messages: []Message{{Dir: DirOut, Raw: "REGISTER sip:pbx SIP/2.0\r\nX: ]]> \x01\r\n\r\n"}, {Dir: DirIn, Raw: "SIP/2.0 403 Wrong Guess\r\n\r\n"}}},
		{Name: "call|600", Probe: "invite", Target: "sip:pbx", Transport: "udp", Status: StatusWarning, FinalCode: 200, Diagnosis: catalog.Diagnosis{ID: "slow-response", Summary: "The probe succeeded, but slower than expected: took 900.0 ms, more than max_ms 250."}, Observed: &Observed{ID: "ok"}, Timings: Timings{Total: 900},
			Expect: &ExpectationResult{Reasons: []string{"took 900.0 ms, more than max_ms 250"}}},
		{Name: "late", Probe: "options", Target: "sip:pbx", Transport: "udp", Status: StatusUnknown, Error: "not run: interrupted", Diagnosis: catalog.Diagnosis{ID: NotRunID}},
	}
}

type xmlSuites struct {
	XMLName xml.Name `xml:"testsuites"`
	Tests   int      `xml:"tests,attr"`
	Suites  []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Name    string `xml:"name,attr"`
			Class   string `xml:"classname,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Body    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped *struct{} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestJUnitParsesBack(t *testing.T) {
	j, err := NewJUnit("office", time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range sample() {
		if err := j.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := j.Finish(&buf); err != nil {
		t.Fatal(err)
	}
	var doc xmlSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("invalid XML: %v\n%s", err, buf.String())
	}
	if len(doc.Suites) != 1 {
		t.Fatalf("%d suites", len(doc.Suites))
	}
	s := doc.Suites[0]
	t.Run("counts", func(t *testing.T) {
		if s.Name != "office" || s.Tests != 4 || s.Failures != 2 || s.Errors != 0 || s.Skipped != 1 || doc.Tests != 4 || len(s.Cases) != 4 {
			t.Errorf("suite %+v", s)
		}
	})
	t.Run("failure carries summary and transcript", func(t *testing.T) {
		c := s.Cases[1]
		if c.Name != "reg-120" || c.Class != "sipprobe.register" || c.Failure == nil {
			t.Fatalf("case %+v", c)
		}
		if c.Failure.Message != "The server rejected the credentials for 120." {
			t.Errorf("message %q", c.Failure.Message)
		}
		if !strings.Contains(c.Failure.Body, "REGISTER sip:pbx SIP/2.0") || !strings.Contains(c.Failure.Body, "]]>") {
			t.Errorf("body lacks the transcript:\n%s", c.Failure.Body)
		}
	})
	t.Run("warning is a failure, not run is skipped", func(t *testing.T) {
		if s.Cases[2].Failure == nil || !strings.Contains(s.Cases[2].Failure.Message, "max_ms") {
			t.Errorf("warning case %+v", s.Cases[2])
		}
		if s.Cases[3].Skipped == nil {
			t.Errorf("not-run case %+v", s.Cases[3])
		}
	})
}

func TestPromParsesBack(t *testing.T) {
	p := NewProm()
	for _, r := range sample() {
		if err := p.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "sipprobe.prom")
	if err := p.WriteFile(path, time.Unix(1700000000, 0)); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := parser.TextToMetricFamilies(f)
	if err != nil {
		t.Fatalf("not valid exposition: %v", err)
	}
	value := func(metric, name string) (float64, map[string]string) {
		mf := mfs[metric]
		if mf == nil {
			t.Fatalf("no %s", metric)
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["name"] == name {
				return m.GetGauge().GetValue(), labels
			}
		}
		t.Fatalf("%s has no series for %s", metric, name)
		return 0, nil
	}
	for _, tc := range []struct {
		metric, name string
		want         float64
	}{
		{"sipprobe_probe_success", "alive/udp", 1},
		{"sipprobe_probe_success", "reg-120", 0},
		{"sipprobe_probe_success", "call|600", 1},
		{"sipprobe_probe_final_code", "reg-120", 403},
		{"sipprobe_probe_duration_seconds", "alive/udp", 0.0123},
		{"sipprobe_probe_diagnosis_info", "reg-120", 1},
		{"sipprobe_probe_status", "reg-120", 2},
		{"sipprobe_probe_status", "alive/udp", 0},
	} {
		t.Run(tc.metric+"/"+tc.name, func(t *testing.T) {
			got, labels := value(tc.metric, tc.name)
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if labels["kind"] == "" || labels["target"] != "sip:pbx" || labels["transport"] == "" {
				t.Errorf("labels %v", labels)
			}
		})
	}
	if _, l := value("sipprobe_probe_diagnosis_info", "reg-120"); l["id"] != "wrong-password" || l["severity"] != "critical" {
		t.Errorf("diagnosis labels %v", l)
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
}

func TestPromRepeatKeepsOneDiagnosis(t *testing.T) {
	p := NewProm()
	r := sample()[1]
	_ = p.Add(r)
	r.Diagnosis.ID, r.Status, r.FinalCode = "ok", StatusOK, 200
	_ = p.Add(r)
	var buf bytes.Buffer
	if err := p.Write(&buf, time.Now()); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "wrong-password") {
		t.Errorf("stale diagnosis series kept:\n%s", buf.String())
	}
}

func TestTable(t *testing.T) {
	for _, color := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "color"}[color], func(t *testing.T) {
			var buf bytes.Buffer
			tb := NewTable(&buf, TableOptions{Color: color, Names: []string{"alive/udp", "reg-120", "call|600", "late"}})
			for _, r := range sample() {
				_ = tb.Add(r)
			}
			_ = tb.Close(1500 * time.Millisecond)
			got := buf.String()
			if strings.Contains(got, "\x1b[") != color {
				t.Errorf("colour escapes present=%v, want %v", !color, color)
			}
			for _, want := range []string{"NAME", "reg-120", "wrong-password", "403", "↳ The server rejected", "↳ took 900.0 ms", "4 probes: 1 ok, 1 warning, 1 critical, 1 unknown — "} {
				if !strings.Contains(got, want) {
					t.Errorf("missing %q in\n%s", want, got)
				}
			}
		})
	}
}

// TestPromOtherLabelsReplaced: a later result of the same probe with
// another target or transport label (a made-up skipped result, a server
// changed by a reload) replaces every series of the probe, so no stale
// success=0 keeps an alert firing.
func TestPromOtherLabelsReplaced(t *testing.T) {
	p := NewProm()
	r := sample()[1] // reg-120, critical
	r.Target, r.Transport = "sip:pbx:5061;transport=tls", "udp"
	_ = p.Add(r)
	r.Target, r.Transport, r.Status, r.FinalCode, r.Diagnosis.ID = "sip:pbx:5061", "tls", StatusOK, 200, "ok"
	_ = p.Add(r)
	var buf bytes.Buffer
	if err := p.Write(&buf, time.Now()); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), `sipprobe_probe_success{`); n != 1 || strings.Contains(buf.String(), `transport="udp"`) {
		t.Errorf("%d success series, stale labels kept:\n%s", n, buf.String())
	}
}

// TestJUnitBodyDiagnosisFirst: a CI viewer shows the start of a failure's
// body; the diagnosis with its causes, remedies and notes comes before
// the transcript, which is often a hundred lines.
func TestJUnitBodyDiagnosisFirst(t *testing.T) {
	transcript := []Message{{Dir: DirOut, Raw: "REGISTER sip:pbx SIP/2.0\r\nVia: x\r\n\r\n"}, {Dir: DirIn, Raw: "SIP/2.0 403 Wrong Guess\r\n\r\n"}}
	diag := catalog.Diagnosis{ID: "wrong-password", Summary: "The server rejected the credentials for 120.",
		Causes: []string{"the password is wrong"}, Remedies: []string{"check the password"}, Notes: []string{"a note"}}
	tests := []struct {
		name   string
		r      Result
		before []string // each of these before the transcript
	}{
		{"critical is a failure", Result{Name: "reg", Probe: "register", Target: "sip:pbx", Status: StatusCritical, FinalCode: 403, Diagnosis: diag, Messages: transcript},
			[]string{"Diagnosis: wrong-password — The server rejected", "Likely causes", "the password is wrong", "What to do", "check the password", "Observed", "a note"}},
		{"unknown is an error", Result{Name: "reg", Probe: "register", Target: "sip:pbx", Status: StatusUnknown, Error: "no password",
			Diagnosis: catalog.Diagnosis{ID: "no-password", Summary: "No password.", Remedies: []string{"set SIPPROBE_PASSWORD"}}, Messages: transcript},
			[]string{"Error: no password", "Diagnosis: no-password", "set SIPPROBE_PASSWORD"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j, err := NewJUnit("s", time.Unix(0, 0))
			if err != nil {
				t.Fatal(err)
			}
			if err := j.Add(tt.r); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := j.Finish(&buf); err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Cases []struct {
					Failure *struct {
						Body string `xml:",chardata"`
					} `xml:"failure"`
					Error *struct {
						Body string `xml:",chardata"`
					} `xml:"error"`
				} `xml:"testsuite>testcase"`
			}
			if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil || len(doc.Cases) != 1 {
				t.Fatalf("invalid XML (%v):\n%s", err, buf.String())
			}
			var body string
			switch c := doc.Cases[0]; {
			case c.Failure != nil:
				body = c.Failure.Body
			case c.Error != nil:
				body = c.Error.Body
			default:
				t.Fatalf("no failure or error:\n%s", buf.String())
			}
			ladder := strings.Index(body, "REGISTER sip:pbx SIP/2.0")
			if ladder < 0 || !strings.Contains(body[ladder:], "SIP/2.0 403 Wrong Guess") {
				t.Fatalf("body lacks the transcript:\n%s", body)
			}
			for _, w := range tt.before {
				if i := strings.Index(body, w); i < 0 || i > ladder {
					t.Errorf("%q is not before the transcript:\n%s", w, body)
				}
			}
		})
	}
}
