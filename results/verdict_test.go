package results

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
)

// verdictCases are results as the probes and the expectation judge make
// them: one per catalogue entry (status from its severity, DESIGN.md §1),
// and, for a seeded random sample of exchanges that went well or badly, the
// result after every kind of expectation, met or failed.
func verdictCases(lang catalog.Lang) []Result {
	cat := catalog.Default()
	var rs []Result
	zero := 0
	for i, e := range cat.Entries() {
		d, _ := cat.Lookup(e.ID, lang)
		kind := []string{"options", "register", "invite"}[i%3]
		r := Result{Name: fmt.Sprintf("p%d", i), Probe: kind, Target: "sip:pbx.test", Transport: "udp",
			Status: StatusFromSeverity(d.Severity), FinalCode: 200, FinalReason: "OK", Diagnosis: d,
			Timings: Timings{Total: Millis(1 + i)}}
		if kind == "register" {
			r.Details = &Details{ContactCount: &zero}
		}
		if kind == "invite" {
			r.Details = &Details{Invite: &InviteDetails{NegotiatedCodec: "pcmu", SetupMs: Millis(1 + i)}}
		}
		rs = append(rs, r)
	}
	expectations := []Expectation{
		{Code: 200}, {Code: 404}, {Diagnosis: "ok"}, {Diagnosis: "wrong-password"}, {Codec: "pcma"}, {Codec: "pcmu"},
		{MaxMs: 0.5}, {MaxMs: 1000}, {MaxMs: 0.5, CritMs: 0.7}, {CritMs: 0.5}, {MinContacts: 1}, {Code: 403, MaxMs: 0.5},
	}
	// Every expectation on every probe kind whose exchange went well…
	for _, r := range rs {
		if r.Diagnosis.ID == "ok" || r.Diagnosis.ID == "options-answered" {
			for _, e := range expectations {
				rs = append(rs, e.Judge(r, cat, lang))
			}
		}
	}
	// …and on a random sample of the others.
	rng := rand.New(rand.NewPCG(8, 8))
	base := len(cat.Entries())
	for range 400 {
		r := rs[rng.IntN(base)]
		e := expectations[rng.IntN(len(expectations))]
		rs = append(rs, e.Judge(r, cat, lang))
	}
	return rs
}

// TestFailedResultsNeverReadOK is the property of issue 8: whatever the
// exchange and the expectation, a warning or critical result never shows
// the id ok, nor ok's "all is well" summary, as its verdict in any
// renderer: text, table, JSON, JUnit, Nagios (alone and in a run) and
// Prometheus. (History has the same test in results/history.)
func TestFailedResultsNeverReadOK(t *testing.T) {
	for _, lang := range []catalog.Lang{catalog.EN, catalog.RU} {
		t.Run(string(lang), func(t *testing.T) {
			okDiag, _ := catalog.Default().Lookup("ok", lang)
			okSummary := strings.TrimSuffix(strings.Split(okDiag.Summary, "[")[0], ".") // "The server answered as expected"
			okSummary = strings.Split(okSummary, " (")[0]
			for _, r := range verdictCases(lang) {
				if r.Status == StatusOK || r.Status == StatusUnknown {
					continue
				}
				name := fmt.Sprintf("%s %s %s", r.Name, r.Status, r.Diagnosis.ID)
				if r.Diagnosis.ID == "ok" || strings.Contains(r.Diagnosis.Summary, okSummary) {
					t.Fatalf("%s: the result itself reads ok: %q", name, r.Diagnosis.Summary)
				}
				for renderer, out := range renderAll(t, r) {
					if line := okVerdict(renderer, out, okSummary); line != "" {
						t.Errorf("%s: %s shows ok as the verdict: %q", name, renderer, line)
					}
				}
			}
		})
	}
}

// renderAll prints r with every renderer.
func renderAll(t *testing.T, r Result) map[string]string {
	t.Helper()
	out := map[string]string{}
	var b bytes.Buffer
	must(t, WriteText(&b, r, TextOptions{}))
	out["text"] = b.String()

	b.Reset()
	tbl := NewTable(&b, TableOptions{})
	must(t, tbl.Add(r))
	must(t, tbl.Close(time.Second))
	out["table"] = b.String()

	b.Reset()
	must(t, WriteJSON(&b, r))
	out["json"] = b.String()

	b.Reset()
	j, err := NewJUnit("suite", time.Unix(0, 0))
	must(t, err)
	must(t, j.Add(r))
	must(t, j.Finish(&b))
	out["junit"] = b.String()

	b.Reset()
	must(t, WriteNagios(&b, r, NagiosOptions{}))
	out["nagios"] = b.String()

	b.Reset()
	n := NewNagios(&b, NagiosOptions{})
	must(t, n.Add(r))
	must(t, n.Close())
	out["nagios-run"] = b.String()

	b.Reset()
	p := NewProm()
	must(t, p.Add(r))
	must(t, p.Write(&b, time.Unix(0, 0)))
	out["prom"] = b.String()
	return out
}

var (
	tableRow   = regexp.MustCompile(`(?m)^\S+\s+\S+\s+\S+\s+(?:WARNING|CRITICAL)\s+\S+\s+ok\s`)
	promOK     = regexp.MustCompile(`sipprobe_probe_diagnosis_info\{[^}]*id="ok"`)
	nagiosRun  = regexp.MustCompile(`probes OK: \S+ ok\b`)
	observedRE = regexp.MustCompile(`^(Without the expectation|Observed so far|Без ожидания|Наблюдалось до прерывания):`)
)

// okVerdict returns the piece of out that presents ok as the verdict, or "".
// The observed diagnosis, printed on its own labelled line, may say ok: it is
// what the exchange alone showed, not the verdict.
func okVerdict(renderer, out, okSummary string) string {
	switch renderer {
	case "text", "nagios":
		for _, line := range strings.Split(out, "\n") {
			l := strings.TrimSpace(line)
			if observedRE.MatchString(l) {
				continue
			}
			if strings.HasPrefix(l, "Diagnosis: ok ") || strings.Contains(l, " - ok:") || strings.Contains(l, okSummary) {
				return line
			}
		}
	case "table":
		if m := tableRow.FindString(out); m != "" {
			return m
		}
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, okSummary) && !observedRE.MatchString(strings.TrimLeft(line, " ↳")) {
				return line
			}
		}
	case "json":
		var v struct {
			Diagnosis struct{ ID, Summary string }
		}
		if json.Unmarshal([]byte(out), &v) != nil || v.Diagnosis.ID == "ok" || strings.Contains(v.Diagnosis.Summary, okSummary) {
			return out
		}
	case "junit":
		var v struct {
			Cases []struct {
				Failure *struct {
					Message string `xml:"message,attr"`
					Type    string `xml:"type,attr"`
				} `xml:"failure"`
			} `xml:"testsuite>testcase"`
		}
		if xml.Unmarshal([]byte(out), &v) != nil || len(v.Cases) != 1 || v.Cases[0].Failure == nil {
			return "no failure element: " + out
		}
		f := v.Cases[0].Failure
		if strings.HasSuffix(f.Type, ": ok") || strings.Contains(f.Message, okSummary) {
			return f.Type + " " + f.Message
		}
	case "nagios-run":
		return nagiosRun.FindString(out)
	case "prom":
		return promOK.FindString(out)
	}
	return ""
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
