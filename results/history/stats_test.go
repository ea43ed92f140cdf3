package history

import (
	"testing"

	"github.com/sipprobe/sipprobe/results"
)

func TestComputeStats(t *testing.T) {
	ok := func(ms float64) Sample {
		return Sample{Status: results.StatusOK, FinalCode: 200, Total: results.Millis(ms)}
	}
	warn := func(ms float64) Sample {
		return Sample{Status: results.StatusWarning, FinalCode: 200, Total: results.Millis(ms)}
	}
	crit := func(code int, ms float64) Sample {
		return Sample{Status: results.StatusCritical, FinalCode: code, Total: results.Millis(ms)}
	}
	unknown := Sample{Status: results.StatusUnknown}
	timeout := crit(0, 5000)
	// A result the cool-down kept from being sent repeats the refusal.
	notSent := Sample{Status: results.StatusCritical, FinalCode: 403, NotSent: true}

	tests := []struct {
		name          string
		in            []Sample
		avail         float64 // -1: undefined
		p50, p95      float64 // -1: undefined
		up, judged, n int
		unknown, ns   int
	}{
		{"empty", nil, -1, -1, -1, 0, 0, 0, 0, 0},
		{"one-ok", []Sample{ok(7)}, 100, 7, 7, 1, 1, 1, 0, 0},
		{"warning-counts-as-up", []Sample{ok(1), warn(900)}, 100, 1, 900, 2, 2, 2, 0, 0},
		{"half-down", []Sample{ok(1), crit(403, 2)}, 50, 1, 2, 1, 2, 2, 0, 0},
		{"unknown-is-not-judged", []Sample{ok(1), unknown, unknown}, 100, 1, 1, 1, 1, 3, 2, 0},
		{"only-unknown", []Sample{unknown}, -1, -1, -1, 0, 0, 1, 1, 0},
		{"timeouts-lower-availability-not-latency", []Sample{ok(10), timeout, timeout, ok(20)}, 50, 10, 20, 2, 4, 4, 0, 0},
		// Nearest rank over 1..10: p50 is the 5th value, p95 the 10th.
		{"ten-values-unsorted", []Sample{ok(10), ok(3), ok(8), ok(1), ok(5), ok(2), ok(9), ok(4), ok(7), ok(6)}, 100, 5, 10, 10, 10, 10, 0, 0},
		// Over 1..20: p50 the 10th, p95 the 19th.
		{"twenty-values", seq(20, ok), 100, 10, 19, 20, 20, 20, 0, 0},
		// Not sent: nothing was checked, so neither down nor a time.
		{"not-sent-is-neither-judged-nor-timed", []Sample{ok(4), notSent, notSent}, 100, 4, 4, 1, 1, 3, 0, 2},
		{"only-not-sent", []Sample{notSent}, -1, -1, -1, 0, 0, 1, 0, 1},
		{"one-in-three", []Sample{ok(1), crit(503, 1), crit(503, 1)}, 100.0 / 3, 1, 1, 1, 3, 3, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := ComputeStats(tt.in)
			if st.Results != tt.n || st.Up != tt.up || st.Judged != tt.judged || st.Unknown != tt.unknown || st.NotSent != tt.ns {
				t.Errorf("counts results/up/judged/unknown/not sent = %d/%d/%d/%d/%d, want %d/%d/%d/%d/%d",
					st.Results, st.Up, st.Judged, st.Unknown, st.NotSent, tt.n, tt.up, tt.judged, tt.unknown, tt.ns)
			}
			checkOpt(t, "availability", st.AvailabilityPct, tt.avail)
			checkOpt(t, "p50", (*float64)(st.P50), tt.p50)
			checkOpt(t, "p95", (*float64)(st.P95), tt.p95)
		})
	}
}

func seq(n int, f func(float64) Sample) []Sample {
	out := make([]Sample, n)
	for i := range out {
		out[i] = f(float64(i + 1))
	}
	return out
}

func checkOpt(t *testing.T, what string, got *float64, want float64) {
	t.Helper()
	switch {
	case want < 0 && got != nil:
		t.Errorf("%s = %v, want undefined", what, *got)
	case want >= 0 && got == nil:
		t.Errorf("%s undefined, want %v", what, want)
	case want >= 0 && *got != want:
		t.Errorf("%s = %v, want %v", what, *got, want)
	}
}

func TestPercentile(t *testing.T) {
	tests := []struct {
		name string
		in   []float64
		p    float64
		want float64
	}{
		{"empty", nil, 50, 0},
		{"single", []float64{4}, 95, 4},
		{"p0-is-min", []float64{1, 2, 3}, 0, 1},
		{"p100-is-max", []float64{1, 2, 3}, 100, 3},
		{"p50-of-four", []float64{1, 2, 3, 4}, 50, 2},
		{"p95-of-hundred", func() []float64 {
			v := make([]float64, 100)
			for i := range v {
				v[i] = float64(i + 1)
			}
			return v
		}(), 95, 95},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.in, tt.p); got != tt.want {
				t.Fatalf("percentile(%v, %v) = %v, want %v", tt.in, tt.p, got, tt.want)
			}
		})
	}
}
