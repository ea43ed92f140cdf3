package main

import (
	"os"

	"github.com/sipprobe/sipprobe/probe"
)

// tuneGCForRun raises the garbage collector's target for a run or a
// sweep of parallel probes in flight, whose live heap is bounded by the
// parallelism, not by the number of probes, with a soft memory limit that
// keeps the peak bounded too (probe.TuneGCForSweep). A GOGC or GOMEMLIMIT
// the user set wins.
func tuneGCForRun(parallel int) (restore func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	limit := probe.SweepMemoryLimit(parallel)
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		limit = 0
	}
	return probe.TuneGCForSweep(probe.SweepGCPercent, limit)
}
