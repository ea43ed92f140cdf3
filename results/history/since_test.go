package history

import (
	"context"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/results"
)

// TestStatusChangeAcrossRuns saves two runs the way the runner does (ask
// LastStatus, then Save) and checks what history says about the change.
func TestStatusChangeAcrossRuns(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	m := time.Minute

	// Run 1: both probes fine.
	for _, name := range []string{"reg-120", "opts"} {
		if _, ok, err := s.LastStatus(ctx, name); ok || err != nil {
			t.Fatalf("first run: LastStatus(%s) ok=%v err=%v", name, ok, err)
		}
	}
	mustSave(t, s, "run-1",
		res("reg-120", t0, results.StatusOK, 200, "ok", 2),
		res("opts", t0, results.StatusOK, 200, "ok", 1))

	// Run 2, five minutes later: reg-120 now refused, opts unchanged.
	prev, _, _ := s.LastStatus(ctx, "reg-120")
	if prev != results.StatusOK {
		t.Fatalf("previous status = %q, want ok", prev)
	}
	mustSave(t, s, "run-2",
		res("reg-120", t0.Add(5*m), results.StatusCritical, 403, "wrong-password", 3),
		res("opts", t0.Add(5*m), results.StatusOK, 200, "ok", 1))
	// Run 3: still refused — the change time must stay at run 2.
	mustSave(t, s, "run-3", res("reg-120", t0.Add(10*m), results.StatusCritical, 403, "wrong-password", 3))

	sums, err := s.Summaries(ctx, Query{Since: t0.Add(-time.Hour)})
	if err != nil || len(sums) != 2 {
		t.Fatalf("Summaries = %d, %v", len(sums), err)
	}
	byName := map[string]Summary{sums[0].Name: sums[0], sums[1].Name: sums[1]}

	reg := byName["reg-120"]
	if reg.Status != results.StatusCritical || !reg.StatusChanged || !reg.StatusSince.Equal(t0.Add(5*m)) {
		t.Errorf("reg-120: status %q changed=%v since %v; want critical, true, %v", reg.Status, reg.StatusChanged, reg.StatusSince, t0.Add(5*m))
	}
	if reg.Results != 3 || reg.Recent[0].RunID != "run-3" || reg.Recent[2].RunID != "run-1" {
		t.Errorf("reg-120 recent = %+v", reg.Recent)
	}
	opts := byName["opts"]
	if opts.Status != results.StatusOK || opts.StatusChanged || !opts.StatusSince.Equal(t0) {
		t.Errorf("opts: status %q changed=%v since %v; want ok, false, %v", opts.Status, opts.StatusChanged, opts.StatusSince, t0)
	}

	// A recovery starts a new streak.
	mustSave(t, s, "run-4", res("reg-120", t0.Add(15*m), results.StatusOK, 200, "ok", 2))
	sums, _ = s.Summaries(ctx, Query{Name: "reg-120", Since: t0.Add(-time.Hour), Recent: 2})
	if len(sums) != 1 || !sums[0].StatusSince.Equal(t0.Add(15*m)) || len(sums[0].Recent) != 2 {
		t.Fatalf("after recovery: %+v", sums)
	}
	if a := sums[0].AvailabilityPct; a == nil || *a != 50 {
		t.Errorf("availability = %v, want 50", a)
	}
}

func TestSummariesWindow(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	mustSave(t, s, "old", res("gone", t0.Add(-48*time.Hour), results.StatusOK, 200, "ok", 1))
	mustSave(t, s, "new", res("here", t0, results.StatusOK, 200, "ok", 1))

	sums, err := s.Summaries(ctx, Query{Since: t0.Add(-24 * time.Hour)})
	if err != nil || len(sums) != 1 || sums[0].Name != "here" {
		t.Fatalf("window listing = %+v, %v; want only 'here'", sums, err)
	}
	// Asked by name, a probe shows even without results in the window: its
	// current status is still an answer.
	sums, err = s.Summaries(ctx, Query{Name: "gone", Since: t0.Add(-24 * time.Hour)})
	if err != nil || len(sums) != 1 || sums[0].Results != 0 || sums[0].Status != results.StatusOK {
		t.Fatalf("by name = %+v, %v", sums, err)
	}
	if sums, err := s.Summaries(ctx, Query{Name: "never"}); err != nil || len(sums) != 0 {
		t.Fatalf("unknown name = %+v, %v", sums, err)
	}
}
