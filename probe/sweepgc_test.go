package probe

import (
	"runtime/debug"
	"testing"
)

// TuneGCForSweep changes process-wide settings; its restore must put both
// back, or a sweep would leave the agent or the tests with its GC.
func TestTuneGCForSweepRestores(t *testing.T) {
	gc, limit := debug.SetGCPercent(-1), debug.SetMemoryLimit(-1)
	debug.SetGCPercent(gc)
	for _, tc := range []struct {
		name  string
		limit int64
	}{
		{name: "with a limit", limit: SweepMemoryLimit(500)},
		{name: "target only", limit: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			restore := TuneGCForSweep(SweepGCPercent, tc.limit)
			if got := debug.SetGCPercent(-1); got != SweepGCPercent {
				t.Errorf("GC percent during the sweep %d, want %d", got, SweepGCPercent)
			}
			debug.SetGCPercent(SweepGCPercent)
			if tc.limit > 0 && debug.SetMemoryLimit(-1) != tc.limit {
				t.Errorf("memory limit during the sweep %d, want %d", debug.SetMemoryLimit(-1), tc.limit)
			}
			restore()
			if got := debug.SetGCPercent(-1); got != gc {
				t.Errorf("GC percent after %d, want %d", got, gc)
			}
			debug.SetGCPercent(gc)
			if got := debug.SetMemoryLimit(-1); got != limit {
				t.Errorf("memory limit after %d, want %d", got, limit)
			}
		})
	}
	if SweepMemoryLimit(50) != 64<<20 || SweepMemoryLimit(2000) != 2000<<17 {
		t.Errorf("SweepMemoryLimit: 50 → %d, 2000 → %d", SweepMemoryLimit(50), SweepMemoryLimit(2000))
	}
}
