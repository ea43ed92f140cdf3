package bench

import (
	"flag"

	"github.com/sipprobe/sipprobe/probe"
)

// Sizes of the sweep. The defaults are the tiny version that any `go test
// -bench` run can afford; scripts/bench passes the real ones.
var (
	flagProbes   = flag.Int("sweep.probes", 50, "accounts to probe per repetition (one REGISTER-with-auth each)")
	flagParallel = flag.Int("sweep.parallel", 50, "probes in flight at once (sipprobe workers, SIPp -l)")
	flagPool     = flag.Bool("sweep.pool", true, "share one UDP link per server between the probes (probe.WithLinkPool), as run's sweeps do")
	flagGC       = flag.Int("sweep.gcpercent", probe.SweepGCPercent, "garbage collector target during a sweep (probe.TuneGCForSweep); 0 leaves GOGC alone")
)
