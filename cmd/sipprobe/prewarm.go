package main

import (
	"os"
	"strings"

	"github.com/sipprobe/sipprobe/results"
)

// probeCommands print a probe's result.
var probeCommands = map[string]bool{"options": true, "register": true, "invite": true, "receive": true, "run": true}

// prewarm builds the JSON encoders on another core while the command line
// is parsed and the probe runs, when the command prints a result as JSON:
// a single check's wall time is what a monitoring server waits for
// (issue 13). The catalogue needs no such head start: it is compiled in
// (catalog/data_gen.go).
func prewarm(args []string) {
	for _, a := range args[min(1, len(args)):] {
		if strings.HasPrefix(a, "-") {
			continue
		}
		if probeCommands[a] && outputsJSON(args) {
			go results.WarmJSON()
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
