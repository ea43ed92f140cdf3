package history

import (
	"math"
	"slices"

	"github.com/sipprobe/sipprobe/results"
)

// Sample is the part of a result the statistics use; Total is its check
// time (Entry.CheckMs).
type Sample struct {
	Status    results.Status
	FinalCode int
	Total     results.Millis
	// NotSent: the probe was not sent (Entry.NotSent); it counts in
	// Results only.
	NotSent bool
}

// Stats summarise the results of one probe over a window.
type Stats struct {
	// Results is how many results the window holds.
	Results int `json:"results"`
	// Up counts results with status ok or warning: the target did its job,
	// if slowly. Judged counts every result except unknown ones: when
	// sipprobe itself could not run a probe, that says nothing about the
	// target, so it is neither up nor down (Nagios calls it undetermined).
	Up     int `json:"up"`
	Judged int `json:"judged"`
	// Unknown and NotSent count the results left out of Judged: unknown
	// ones, and those the ban cool-down kept from being sent (they repeat
	// the last verdict; nothing was checked). A not-sent result is counted
	// as not sent whatever its status.
	Unknown int `json:"unknown"`
	NotSent int `json:"not_sent"`
	// AvailabilityPct is 100·Up/Judged; nil when nothing was judged.
	AvailabilityPct *float64 `json:"availability_pct"`
	// P50 and P95 of the check time (Entry.CheckMs: a test call's setup,
	// the total otherwise), over answered results only (a final
	// response came): a timeout's duration measures our --timeout, not the
	// server, and would make p95 read "5000 ms" for any outage; results
	// not sent have no time. Nil when no result was answered.
	P50 *results.Millis `json:"p50_ms"`
	P95 *results.Millis `json:"p95_ms"`
}

// ComputeStats derives availability and percentiles from samples (any order).
func ComputeStats(samples []Sample) Stats {
	st := Stats{Results: len(samples)}
	var times []float64
	for _, s := range samples {
		if s.NotSent {
			st.NotSent++
			continue
		}
		switch s.Status {
		case results.StatusOK, results.StatusWarning:
			st.Up++
			st.Judged++
		case results.StatusCritical:
			st.Judged++
		default:
			st.Unknown++
		}
		if s.FinalCode > 0 {
			times = append(times, float64(s.Total))
		}
	}
	if st.Judged > 0 {
		a := 100 * float64(st.Up) / float64(st.Judged)
		st.AvailabilityPct = &a
	}
	if len(times) > 0 {
		slices.Sort(times)
		p50, p95 := results.Millis(percentile(times, 50)), results.Millis(percentile(times, 95))
		st.P50, st.P95 = &p50, &p95
	}
	return st
}

// percentile is the nearest-rank percentile of sorted values (p in 0..100):
// the smallest value with at least p% of the values at or below it. It is
// always a time that was measured, never an interpolation between two, so
// "p95 = 812 ms" means a real probe took 812 ms.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}
