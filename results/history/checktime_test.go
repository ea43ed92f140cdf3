package history

import (
	"context"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// TestCheckTime: the history's times are the ones tables and perfdata
// show (results.Result.CheckTime): a test call's setup, not its hold, so
// p50 of an invite probe says how fast calls connect; other probes, and a
// call without a setup time (CANCELed), keep their total.
func TestCheckTime(t *testing.T) {
	st := openTemp(t)
	ctx := context.Background()
	call := func(at time.Duration, total, setup results.Millis, code int) results.Result {
		return results.Result{Name: "call", Probe: "invite", Target: "sip:pbx", StartedAt: t0.Add(at), Status: results.StatusOK,
			FinalCode: code, Diagnosis: catalog.Diagnosis{ID: "ok"}, Timings: results.Timings{Total: total},
			Details: &results.Details{Invite: &results.InviteDetails{SetupMs: setup}}}
	}
	for _, r := range []results.Result{
		call(0, 2031, 21, 200),
		call(time.Minute, 2045, 35, 200),
		call(2*time.Minute, 2025, 15, 200),
		call(3*time.Minute, 30040, 0, 487), // rang out: no setup time
		{Name: "alive", Probe: "options", Target: "sip:pbx", StartedAt: t0, Status: results.StatusOK, FinalCode: 200,
			Diagnosis: catalog.Diagnosis{ID: "ok"}, Timings: results.Timings{Total: 4}},
	} {
		if err := st.Save(ctx, "run", r); err != nil {
			t.Fatal(err)
		}
	}
	sums, err := st.Summaries(ctx, Query{Since: t0.Add(-time.Hour), Recent: 10})
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]Summary{}
	for _, s := range sums {
		by[s.Name] = s
	}
	for _, tc := range []struct {
		name     string
		p50, p95 results.Millis
		recent   []results.Millis // newest first
	}{
		{"call", 21, 30040, []results.Millis{30040, 15, 35, 21}},
		{"alive", 4, 4, []results.Millis{4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, ok := by[tc.name]
			if !ok || s.P50 == nil || s.P95 == nil {
				t.Fatalf("summary %+v", s)
			}
			if *s.P50 != tc.p50 || *s.P95 != tc.p95 {
				t.Errorf("p50 %v, p95 %v; want %v, %v", *s.P50, *s.P95, tc.p50, tc.p95)
			}
			if len(s.Recent) != len(tc.recent) {
				t.Fatalf("%d recent, want %d", len(s.Recent), len(tc.recent))
			}
			for i, want := range tc.recent {
				if s.Recent[i].CheckMs != want {
					t.Errorf("recent %d: check %v, want %v (total %v)", i, s.Recent[i].CheckMs, want, s.Recent[i].TotalMs)
				}
			}
		})
	}
}
