package main

import (
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sipprobe/sipprobe/results"
)

// resultFormats are the --output values of the probe commands and of run:
// every format on every probe (DESIGN.md §1).
var resultFormats = []string{"text", "json", "junit", "nagios", "prom"}

const resultFormatsUsage = "text, json, junit, nagios or prom"

// parseFormat checks an --output value against the allowed ones; case does
// not matter (-o JSON), the empty value is text.
func parseFormat(s string, allowed []string, want string) (string, error) {
	f := strings.ToLower(strings.TrimSpace(s))
	if f == "" {
		// Text for people; JSON would be a surprise on a terminal, and text
		// is what a cron mail shows best too.
		return "text", nil
	}
	for _, a := range allowed {
		if f == a {
			return f, nil
		}
	}
	return "", usagef("--output %q: want %s", s, want)
}

// probeThresholds reads the time thresholds of a single probe from its
// --expect-max-ms (WARNING above) and --expect-crit-ms (CRITICAL above)
// flags, where the command defines them, for the Nagios perfdata.
func probeThresholds(c *cli.Context) func(results.Result) (float64, float64) {
	warn, crit := flagMs(c, "expect-max-ms"), flagMs(c, "expect-crit-ms")
	return func(results.Result) (float64, float64) { return warn, crit }
}

// flagMs is a millisecond flag's value whatever type the flag has, 0 when
// the command has no such flag.
func flagMs(c *cli.Context, name string) float64 {
	if !hasFlag(c, name) {
		return 0
	}
	switch v := c.Value(name).(type) {
	case float64:
		return v
	case int:
		return float64(v)
	case int64:
		return float64(v)
	case uint:
		return float64(v)
	case time.Duration:
		return float64(v) / float64(time.Millisecond)
	case string:
		f, _ := strconv.ParseFloat(v, 64)
		return f
	}
	return 0
}
