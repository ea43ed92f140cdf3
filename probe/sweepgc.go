package probe

import "runtime/debug"

// SweepGCPercent is the garbage collector target TuneGCForSweep suggests:
// in a sweep through a LinkPool it cut the CPU per probe by about a
// quarter for some ten more megabytes of peak RSS at --parallel 50.
const SweepGCPercent = 400

// TuneGCForSweep sets the garbage collector's target (as GOGC does) for
// the length of a sweep and returns the function that restores the
// previous one. A sweep's live heap is bounded by its parallelism, not by
// the number of accounts, so a higher target trades a bounded amount of
// memory for less collection work per probe. It changes a setting of the
// whole process: only the owner of the process (the run command, a
// benchmark) should call it, never a library.
func TuneGCForSweep(percent int) (restore func()) {
	old := debug.SetGCPercent(percent)
	return func() { debug.SetGCPercent(old) }
}
