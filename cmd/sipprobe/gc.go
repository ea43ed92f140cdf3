package main

import (
	"os"

	"github.com/sipprobe/sipprobe/probe"
)

// tuneGCForRun raises the garbage collector's target for a run or a
// sweep, whose live heap is bounded by --parallel, not by the number of
// probes (probe.TuneGCForSweep). A GOGC the user set wins.
func tuneGCForRun() (restore func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	return probe.TuneGCForSweep(probe.SweepGCPercent)
}
