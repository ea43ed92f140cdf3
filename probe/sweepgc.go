package probe

import "runtime/debug"

// SweepGCPercent is the garbage collector target TuneGCForSweep suggests:
// in a sweep through a LinkPool it cut the CPU per probe by about a
// quarter for some ten more megabytes of peak RSS at --parallel 50.
const SweepGCPercent = 400

// SweepMemoryLimit is the soft memory limit that goes with SweepGCPercent
// for parallel probes in flight: 64 MiB, or 128 KiB a probe above 512 in
// flight. Without it the higher target lets the heap of a long sweep with
// hundreds in flight grow to several times its live size (at 500 in
// flight, 127 MB at 10,000 accounts against 73 MB at 2,000); with it the
// peak stays put however many accounts the sweep has.
func SweepMemoryLimit(parallel int) int64 { return max(64<<20, int64(parallel)<<17) }

// TuneGCForSweep sets the garbage collector's target (as GOGC does) and,
// when limit > 0, a soft memory limit (as GOMEMLIMIT does) for the length
// of a sweep, and returns the function that restores both. A sweep's
// live heap is bounded by its parallelism, not by the number of accounts,
// so a higher target trades a bounded amount of memory for less
// collection work per probe. It changes settings of the whole process:
// only the owner of the process (the run command, a benchmark) should call
// it, never a library.
func TuneGCForSweep(percent int, limit int64) (restore func()) {
	old := debug.SetGCPercent(percent)
	oldLimit := debug.SetMemoryLimit(-1)
	if limit > 0 {
		debug.SetMemoryLimit(limit)
	}
	return func() {
		debug.SetGCPercent(old)
		debug.SetMemoryLimit(oldLimit)
	}
}
