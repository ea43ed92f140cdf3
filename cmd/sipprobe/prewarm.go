package main

import (
	"os"
	"strings"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// probeCommands diagnose what they see, so they need the catalogue.
var probeCommands = map[string]bool{"options": true, "register": true, "invite": true, "receive": true, "run": true}

// prewarm starts loading the diagnosis catalogue, and building the JSON
// encoders when the result will be JSON, on another core while the
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
			if outputsJSON(args) {
				go results.WarmJSON()
			}
		}
		return
	}
}

// outputsJSON guesses from the raw arguments and SIPPROBE_OUTPUT whether
// the result will be printed as JSON (-o json, --output=json). A wrong
// guess costs a little CPU, never a wrong output: the flags are parsed
// properly later.
func outputsJSON(args []string) bool {
	out := os.Getenv("SIPPROBE_OUTPUT")
	for i, a := range args {
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || (name != "o" && name != "output") {
			continue
		}
		if !hasVal && i+1 < len(args) {
			val = args[i+1]
		}
		out = val
	}
	return strings.EqualFold(strings.TrimSpace(out), "json")
}
