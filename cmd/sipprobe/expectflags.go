package main

import (
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/probe"
	"github.com/sipprobe/sipprobe/results"
)

// expectFlags are the scenario's expect keys as flags of a single probe
// (expect.max_ms is --expect-max-ms), so that one command line is a
// complete Nagios/CI check. Keys that only one kind knows stay with it.
func expectFlags(kind probe.Kind) []cli.Flag {
	flags := []cli.Flag{
		&cli.IntFlag{Name: "expect-code", Usage: "the final status `CODE` that counts as OK (e.g. 486 for a busy test, 403 for a negative test)", EnvVars: env("EXPECT_CODE")},
		&cli.StringFlag{Name: "expect-diagnosis", Usage: "the diagnosis `ID` that counts as OK (e.g. wrong-password; see sipprobe catalog list)", EnvVars: env("EXPECT_DIAGNOSIS")},
		&cli.Float64Flag{Name: "expect-max-ms", Usage: "WARNING when the probe takes longer than `MS` (a call: its setup)", EnvVars: env("EXPECT_MAX_MS")},
		&cli.Float64Flag{Name: "expect-crit-ms", Usage: "CRITICAL when the probe takes longer than `MS` (a call: its setup)", EnvVars: env("EXPECT_CRIT_MS")},
	}
	switch kind {
	case probe.KindRegister:
		flags = append(flags, &cli.IntFlag{Name: "expect-min-contacts", Usage: "WARNING when fewer than `N` devices are registered on the account", EnvVars: env("EXPECT_MIN_CONTACTS")})
	case probe.KindInvite:
		flags = append(flags, &cli.StringFlag{Name: "expect-codec", Usage: "the `CODEC` the call must negotiate (e.g. pcma)", EnvVars: env("EXPECT_CODEC")},
			&cli.Float64Flag{Name: "expect-min-mos", Value: probe.DefaultMinMOS, Usage: "with --rtp: WARNING (poor-audio-quality) when the estimated MOS (E-model, ITU-T G.107) is below `MOS`", EnvVars: env("EXPECT_MIN_MOS")})
	}
	return flags
}

// expectationFromFlags reads the --expect-… flags the command has, with the
// checks the scenario loader makes on the same keys.
func expectationFromFlags(c *cli.Context) (results.Expectation, error) {
	e := results.Expectation{
		Code:      c.Int("expect-code"),
		Diagnosis: strings.ToLower(c.String("expect-diagnosis")), // enum values ignore case

		MaxMs:       c.Float64("expect-max-ms"),
		CritMs:      c.Float64("expect-crit-ms"),
		MinContacts: c.Int("expect-min-contacts"),
		Codec:       strings.ToLower(c.String("expect-codec")),
	}
	switch {
	case c.IsSet("expect-code") && (e.Code < 100 || e.Code > 699):
		return e, usagef("%s %d: want a SIP status code, 100 to 699", source(c, "expect-code"), e.Code)
	case e.Diagnosis != "" && !catalog.Default().Has(e.Diagnosis):
		return e, usagef("%s %q: unknown diagnosis id (see: sipprobe catalog list)", source(c, "expect-diagnosis"), e.Diagnosis)
	case c.IsSet("expect-max-ms") && e.MaxMs <= 0:
		return e, usagef("%s %g: want a positive number of milliseconds", source(c, "expect-max-ms"), e.MaxMs)
	case c.IsSet("expect-crit-ms") && e.CritMs <= 0:
		return e, usagef("%s %g: want a positive number of milliseconds", source(c, "expect-crit-ms"), e.CritMs)
	case e.MaxMs > 0 && e.CritMs > 0 && e.CritMs < e.MaxMs:
		return e, usagef("%s %g is below %s %g: the critical threshold must be at least the warning one", source(c, "expect-crit-ms"), e.CritMs, source(c, "expect-max-ms"), e.MaxMs)
	case c.IsSet("expect-min-contacts") && e.MinContacts < 1:
		return e, usagef("%s %d: want at least 1", source(c, "expect-min-contacts"), e.MinContacts)
	case c.IsSet("expect-codec") && e.Codec == "":
		return e, usagef("%s: empty codec name", source(c, "expect-codec"))
	}
	return e, nil
}
