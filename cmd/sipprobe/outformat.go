package main

import (
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/sipprobe/sipprobe/results"
)

// resultFormats are the --output values of the probe commands and of run:
// every format on every probe (DESIGN.md §1).
func resultFormats() []string { return []string{"text", "json", "junit", "nagios", "prom"} }

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

// outputFlag is the --output of c among allowed. SIPPROBE_OUTPUT is one
// variable for every command, so a value from it that another command can
// print (nagios for catalog) is ignored here: text. A value no command
// knows is a mistake, named with the variable; a bad --output is an error.
func outputFlag(c *cli.Context, allowed []string, want string) (string, error) {
	val := c.String("output")
	f, err := parseFormat(val, allowed, want)
	if err == nil {
		return f, nil
	}
	if v := fromEnv(c, "output"); v != "" {
		if slices.Contains(resultFormats(), strings.ToLower(strings.TrimSpace(val))) {
			return "text", nil
		}
		return "", usagef("%s=%q: want %s", v, val, resultFormatsUsage)
	}
	return "", err
}

// thresholdsOf gives the perfdata thresholds of a single probe: its
// --expect-max-ms (warning) and --expect-crit-ms (critical).
func thresholdsOf(e results.Expectation) func(results.Result) (float64, float64) {
	return func(results.Result) (float64, float64) { return e.MaxMs, e.CritMs }
}
