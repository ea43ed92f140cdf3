package results

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/sipprobe/sipprobe/catalog"
)

// call is one single-probe invite result: set up in 250 ms, held 3 s.
func call() Result {
	return Result{Probe: "invite", Target: "sip:pbx", Transport: "udp", User: "120", Status: StatusOK, FinalCode: 200, FinalReason: "OK",
		Diagnosis: catalog.Diagnosis{ID: "ok", Summary: "The call worked."}, Timings: Timings{Total: 3400},
		Details: &Details{Invite: &InviteDetails{RingingMs: 40, AnswerMs: 250, SetupMs: 250, HeldMs: 3000}}}
}

func TestJUnitSingleResult(t *testing.T) {
	for _, tt := range []struct {
		name     string
		r        Result
		wantName string
		wantTime string
		failed   bool
	}{
		// CI shows a testcase's time as the test's duration: the whole
		// 3.4 s call, not its 250 ms setup (the suite's time adds them up).
		{"invite: testcase time is the probe's total duration", call(), "invite sip:pbx", "3.400", false},
		{"register refused", sample()[1], "reg-120", "0.004", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			j, err := NewJUnit("sipprobe "+tt.r.Probe, time.Unix(0, 0))
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
				Suite struct {
					Name  string `xml:"name,attr"`
					Tests int    `xml:"tests,attr"`
					Cases []struct {
						Name    string    `xml:"name,attr"`
						Time    string    `xml:"time,attr"`
						Failure *struct{} `xml:"failure"`
					} `xml:"testcase"`
				} `xml:"testsuite"`
			}
			if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Fatalf("invalid XML: %v\n%s", err, buf.String())
			}
			s := doc.Suite
			if s.Name != "sipprobe "+tt.r.Probe || s.Tests != 1 || len(s.Cases) != 1 {
				t.Fatalf("suite %+v", s)
			}
			c := s.Cases[0]
			if c.Name != tt.wantName || c.Time != tt.wantTime || (c.Failure != nil) != tt.failed {
				t.Errorf("testcase %+v, want name %q time %q failed %v", c, tt.wantName, tt.wantTime, tt.failed)
			}
		})
	}
}

func TestPromSingleResult(t *testing.T) {
	p := NewProm()
	if err := p.Add(call()); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := p.Write(&buf, time.Unix(1700000000, 0)); err != nil {
		t.Fatal(err)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := parser.TextToMetricFamilies(&buf)
	if err != nil {
		t.Fatalf("not valid exposition: %v", err)
	}
	for _, tc := range []struct {
		metric string
		want   float64
	}{
		{"sipprobe_probe_success", 1},
		{"sipprobe_probe_final_code", 200},
		{"sipprobe_probe_duration_seconds", 3.4},
		{"sipprobe_probe_diagnosis_info", 1},
		{"sipprobe_last_run_timestamp_seconds", 1700000000},
	} {
		t.Run(tc.metric, func(t *testing.T) {
			mf := mfs[tc.metric]
			if mf == nil || len(mf.GetMetric()) != 1 {
				t.Fatalf("want one %s series, got %v", tc.metric, mf)
			}
			if got := mf.GetMetric()[0].GetGauge().GetValue(); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCheckTimeInTableAndText(t *testing.T) {
	t.Run("table TIME column", func(t *testing.T) {
		var buf bytes.Buffer
		tb := NewTable(&buf, TableOptions{})
		_ = tb.Add(call())
		_ = tb.Close(time.Second)
		row := strings.Split(buf.String(), "\n")[1]
		if !strings.HasSuffix(row, "250.0 ms") {
			t.Errorf("row %q does not end in the setup time", row)
		}
	})
	t.Run("text call setup", func(t *testing.T) {
		var buf bytes.Buffer
		_ = WriteText(&buf, call(), TextOptions{})
		want := "Call setup: first provisional -, ringing 40.0 ms, answer 250.0 ms (setup 250.0 ms)\n"
		if !strings.Contains(buf.String(), want) {
			t.Errorf("missing %q in\n%s", want, buf.String())
		}
	})
}
