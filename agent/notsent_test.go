package agent

import (
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/internal/testpbx"
	"github.com/sipprobe/sipprobe/results"
	"github.com/sipprobe/sipprobe/results/history"
)

// A scheduled register probe whose password is refused: every later run is
// not sent (ban safety), and the agent says so everywhere it shows results.
func TestNotSentInTheAgent(t *testing.T) {
	pbx := startPBX(t, testpbx.WithAccount("120", "not-the-secret"))
	var logs syncBuffer
	s := serve(t, fmt.Sprintf(`
[[probe]]
name = "reg"
kind = "register"
server = %q
user = "120"
password_env = "PBX_PASSWORD"
interval = "100ms"
timeout = "2s"
`, pbx.Addr("udp")), WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	eventually(t, "three runs", func() bool {
		_, body := s.get(t, "/metrics")
		v, _, ok := series(parseMetrics(t, body), "sipprobe_probe_runs_total", map[string]string{"name": "reg", "status": "critical"})
		return ok && v >= 3
	})
	_, body := s.get(t, "/metrics")
	mfs := parseMetrics(t, body)
	code, _, _ := series(mfs, "sipprobe_probe_final_code", map[string]string{"name": "reg"})
	dur, _, hasDur := series(mfs, "sipprobe_probe_duration_seconds", map[string]string{"name": "reg"})
	_, page := s.get(t, "/")
	lines := strings.Split(logs.String(), "\n")
	var refused, notSent string
	for _, l := range lines {
		switch {
		case strings.Contains(l, "msg=probe") && strings.Contains(l, "not_sent="):
			notSent = l
		case strings.Contains(l, "msg=probe") && refused == "":
			refused = l
		}
	}
	for _, tc := range []struct {
		name string
		ok   bool
		got  any
	}{
		{"the refusal was sent and logged with its code", strings.Contains(refused, "diagnosis=wrong-password") && !strings.Contains(refused, "final_code=0"), refused},
		{"a later run is logged as not sent, with until", regexp.MustCompile(`not_sent=(refused|cooldown) until=\d{4}-`).MatchString(notSent), notSent},
		{"final_code keeps the refusal's code", code == 401 || code == 403, code},
		{"duration keeps the refusal's time", hasDur && dur > 0, dur},
		{"the page row says not sent, until when", strings.Contains(page, "not sent: cool-down until "), page},
		{"the page row does not say just now", !strings.Contains(page, "just now"), page},
		{"the chart draws the refusal only", strings.Count(page, `<circle class="pt`) == 1 && !strings.Contains(page, `class="miss`), page},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.ok {
				t.Errorf("got %v", tc.got)
			}
		})
	}
}

func TestMetricView(t *testing.T) {
	sent := results.Result{Name: "reg", Target: "sip:pbx", Transport: "udp", Status: results.StatusCritical, FinalCode: 401, FinalReason: "Unauthorized",
		Timings: results.Timings{Total: 12}, Details: &results.Details{}}
	made := results.Result{Name: "reg", Target: "sip:pbx", Transport: "udp", Status: results.StatusCritical,
		Diagnosis: catalog.Diagnosis{ID: "wrong-password"}, NotSent: &results.NotSent{Reason: results.NotSentCooldown}}
	moved := made
	moved.Target = "sip:other"
	for _, tc := range []struct {
		name    string
		r       results.Result
		hasSent bool
		code    int
		total   results.Millis
		notSent bool
	}{
		{"sent result as it is", sent, true, 401, 12, false},
		{"not sent keeps the last sent values", made, true, 401, 12, false},
		{"not sent without a sent result", made, false, 0, 0, true},
		{"not sent to another target", moved, true, 0, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := metricView(tc.r, sent, tc.hasSent)
			if v.FinalCode != tc.code || v.Timings.Total != tc.total || (v.NotSent != nil) != tc.notSent || v.Status != tc.r.Status || v.Diagnosis.ID != tc.r.Diagnosis.ID {
				t.Errorf("got %+v", v)
			}
		})
	}
}

func TestNotSentWords(t *testing.T) {
	now := time.Date(2026, 12, 2, 11, 10, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		lang catalog.Lang
		ns   results.NotSent
		want string
	}{
		{"cool-down", catalog.EN, results.NotSent{Reason: results.NotSentCooldown, Until: now.Add(time.Hour)}, "not sent: cool-down until 12:10"},
		{"cool-down in Russian", catalog.RU, results.NotSent{Reason: results.NotSentRefused, Until: now.Add(time.Hour)}, "не отправлено: пауза после отказа до 12:10"},
		{"another day", catalog.EN, results.NotSent{Reason: results.NotSentCooldown, Until: now.Add(24 * time.Hour)}, "not sent: cool-down until 2026-12-03 11:10"},
		{"no end", catalog.EN, results.NotSent{Reason: results.NotSentRefused}, "not sent: refused earlier"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := notSentText(tc.lang, now, &tc.ns); got != tc.want {
				t.Errorf("%q, want %q", got, tc.want)
			}
		})
	}
	// A made-up history entry (not sent) is no point of the chart; a real
	// refusal and a timeout are.
	samples := SamplesOf([]history.Entry{
		{StartedAt: now, Status: results.StatusCritical, Diagnosis: "wrong-password", NotSent: true},
		{StartedAt: now.Add(-time.Minute), Status: results.StatusCritical, Diagnosis: "wrong-password", FinalCode: 401, CheckMs: 3},
		{StartedAt: now.Add(-2 * time.Minute), Status: results.StatusCritical, Diagnosis: "no-response"},
	})
	c := newChart(catalog.EN, time.UTC, samples)
	if len(c.Points) != 1 || len(c.Misses) != 1 {
		t.Errorf("points %d, misses %d; want the refusal and the timeout only", len(c.Points), len(c.Misses))
	}
	if v := rowOf(catalog.EN, now, ProbeRow{Samples: samples[:1]}); v.NoData != "nothing sent: the credentials were refused" {
		t.Errorf("chart of not-sent runs only: %q", v.NoData)
	}
}

// After a restart within the cool-down, the first run is not sent and
// nothing was sent in this process: final_code comes from the history's
// last sent result, not 0.
func TestNotSentAfterRestartKeepsFinalCode(t *testing.T) {
	pbx := startPBX(t, testpbx.WithAccount("120", "not-the-secret"))
	st, err := history.Open(t.TempDir() + "/history.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	doc := fmt.Sprintf(`
[[probe]]
name = "reg"
kind = "register"
server = %q
user = "120"
password_env = "PBX_PASSWORD"
interval = "100ms"
timeout = "2s"
`, pbx.Addr("udp"))
	first := serve(t, doc, WithStore(st))
	eventually(t, "the refusal", func() bool {
		_, body := first.get(t, "/metrics")
		v, _, ok := series(parseMetrics(t, body), "sipprobe_probe_final_code", map[string]string{"name": "reg"})
		return ok && v > 0
	})
	_ = first.stop()
	var logs syncBuffer
	second := serve(t, doc, WithStore(st), WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	eventually(t, "a run after the restart", func() bool { return strings.Contains(logs.String(), "not_sent=cooldown") })
	_, body := second.get(t, "/metrics")
	if v, _, ok := series(parseMetrics(t, body), "sipprobe_probe_final_code", map[string]string{"name": "reg"}); !ok || (v != 401 && v != 403) {
		t.Errorf("final_code %v after the restart, want the refusal's code from the history", v)
	}
}
