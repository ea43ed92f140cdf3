package main

import (
	"strings"

	"github.com/sipprobe/sipprobe/catalog"
)

// probeCommands diagnose what they see, so they need the catalogue.
var probeCommands = map[string]bool{"options": true, "register": true, "invite": true, "receive": true, "run": true}

// prewarm starts loading the diagnosis catalogue on another core while the
// command line is parsed and the probe set up, when the command is one
// that will need it: a single check's wall time is what a monitoring
// server waits for (issue 13). catalog.Default loads once; the probe takes
// the same catalogue, waiting for the load only if it is not done yet.
func prewarm(args []string) {
	for _, a := range args[min(1, len(args)):] {
		if strings.HasPrefix(a, "-") {
			continue
		}
		if probeCommands[a] {
			go catalog.Default()
		}
		return
	}
}
