package history

import (
	"context"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/results"
)

// TestSummariesKeepTargetsApart: results that share a name but not the
// target or transport (one accounts file swept over UDP, TCP and against
// a dead port; two scenario files naming a probe alike) are separate
// summaries, each with its own verdict, streak and statistics.
func TestSummariesKeepTargetsApart(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	at := func(r results.Result, target, transport string) results.Result {
		r.Target, r.Transport = target, transport
		return r
	}
	mustSave(t, s, "udp", at(res("120", t0, results.StatusOK, 200, "ok", 2), "sip:127.0.0.1:5060", "udp"))
	mustSave(t, s, "tcp", at(res("120", t0.Add(time.Minute), results.StatusOK, 200, "ok", 3), "sip:127.0.0.1:5060", "tcp"))
	mustSave(t, s, "dead", at(res("120", t0.Add(2*time.Minute), results.StatusCritical, 0, "port-unreachable", 1), "sip:127.0.0.1:9", "udp"))

	tests := []struct {
		name string
		q    Query
	}{
		{"all", Query{Since: t0.Add(-time.Hour)}},
		{"by-name", Query{Name: "120", Since: t0.Add(-time.Hour)}},
		{"by-name-and-children", Query{Name: "120", Children: true, Since: t0.Add(-time.Hour)}},
	}
	type row struct {
		target, transport string
		status            results.Status
		results           int
		avail             float64
	}
	// In (name, target, transport) order.
	want := []row{
		{"sip:127.0.0.1:5060", "tcp", results.StatusOK, 1, 100},
		{"sip:127.0.0.1:5060", "udp", results.StatusOK, 1, 100},
		{"sip:127.0.0.1:9", "udp", results.StatusCritical, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sums, err := s.Summaries(ctx, tt.q)
			if err != nil || len(sums) != len(want) {
				t.Fatalf("Summaries = %+v, %v; want %d summaries", sums, err, len(want))
			}
			for i, w := range want {
				got := sums[i]
				if got.Name != "120" || got.Target != w.target || got.Transport != w.transport || got.Status != w.status ||
					got.Results != w.results || got.AvailabilityPct == nil || *got.AvailabilityPct != w.avail ||
					got.StatusChanged || len(got.Recent) != 1 {
					t.Errorf("summary %d = %s %s %s %s results %d avail %v changed %v recent %d; want %+v", i,
						got.Name, got.Target, got.Transport, got.Status, got.Results, got.AvailabilityPct, got.StatusChanged, len(got.Recent), w)
				}
			}
		})
	}
}

// TestSummariesChildren: --name ENTRY finds the results of a fanned-out
// entry (ENTRY/udp) and of an account sweep (ENTRY/USER), and nothing
// else: not a name that merely starts alike, not another case, not what
// a LIKE wildcard in the name would match.
func TestSummariesChildren(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	for _, n := range []string{"alive/udp", "alive/tcp", "alive", "alive2", "alive2/udp", "Alive/udp", "aliveX", "a_ive/udp", "a%/udp", "sweep_1/120"} {
		mustSave(t, s, "run", res(n, t0, results.StatusOK, 200, "ok", 1))
	}
	tests := []struct {
		name     string
		children bool
		want     []string
	}{
		{"alive", true, []string{"alive", "alive/tcp", "alive/udp"}},
		{"alive", false, []string{"alive"}},
		{"alive/udp", true, []string{"alive/udp"}},
		{"a_ive", true, []string{"a_ive/udp"}},
		{"a%", true, []string{"a%/udp"}},
		{"sweep_1", true, []string{"sweep_1/120"}},
		{"sweep", true, nil},
		{"nothing", true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sums, err := s.Summaries(ctx, Query{Name: tt.name, Children: tt.children, Since: t0.Add(-time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, sum := range sums {
				got = append(got, sum.Name)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("names %q, want %q", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("names %q, want %q", got, tt.want)
				}
			}
		})
	}
}

// TestSummariesNotSent: a result the ban cool-down kept from being sent
// repeats the refusal's status but says nothing new, so the availability
// and the times leave it out; the recent list shows it as not sent.
func TestSummariesNotSent(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	refused := res("reg-120", t0, results.StatusCritical, 403, "wrong-password", 4)
	held := res("reg-120", t0.Add(5*time.Minute), results.StatusCritical, 403, "wrong-password", 0)
	held.NotSent = &results.NotSent{Reason: results.NotSentCooldown, Until: t0.Add(time.Hour)}
	mustSave(t, s, "run-1", res("reg-120", t0.Add(-5*time.Minute), results.StatusOK, 200, "ok", 2))
	mustSave(t, s, "run-2", refused)
	mustSave(t, s, "run-3", held)
	held.StartedAt = t0.Add(10 * time.Minute)
	mustSave(t, s, "run-4", held)
	sums, err := s.Summaries(ctx, Query{Name: "reg-120", Since: t0.Add(-time.Hour)})
	if err != nil || len(sums) != 1 {
		t.Fatalf("Summaries = %+v, %v", sums, err)
	}
	got := sums[0]
	if got.Results != 4 || got.Judged != 2 || got.Up != 1 || got.NotSent != 2 || got.AvailabilityPct == nil || *got.AvailabilityPct != 50 {
		t.Errorf("results %d judged %d up %d not sent %d availability %v; want 4, 2, 1, 2, 50%%",
			got.Results, got.Judged, got.Up, got.NotSent, got.AvailabilityPct)
	}
	// Over the two results sent, p50 is 2 ms and p95 4 ms; the not-sent
	// results' 0 ms would make p50 read 0 ms.
	if got.P50 == nil || *got.P50 != 2 || got.P95 == nil || *got.P95 != 4 {
		t.Errorf("p50 %v p95 %v, want 2 and 4", got.P50, got.P95)
	}
	if got.Status != results.StatusCritical || !got.Recent[0].NotSent || !got.Recent[1].NotSent || got.Recent[2].NotSent {
		t.Errorf("status %s, recent %+v: want critical, the newest not sent", got.Status, got.Recent)
	}
}
