package main

import (
	"github.com/urfave/cli/v2"
)

// zeroDurationMeans is what 0 means for the duration flags whose 0 is a
// setting of its own (--hold 0 hangs up right after the ACK, --deadline 0
// and --cooldown 0 turn the bound off), and "" for the others: there 0
// would be ignored for the default (--ring-timeout, --wait) or make no
// sense (--timeout, --ban-window), so they want a positive value.
func zeroDurationMeans(name string) string {
	switch name {
	case "hold":
		return "no hold"
	case "deadline":
		return "none"
	case "cooldown":
		return "no cool-down"
	}
	return ""
}

// checkDurations refuses, before the action of cmd and its subcommands
// runs, a negative duration in any of their duration flags, and a 0 where
// 0 means nothing: time.ParseDuration takes "-1s", and "--hold -1s" held a
// call for no time with exit 0 where a scenario's hold = "-1s" is refused.
// Registered before takeEnvVars, it also sees the SIPPROBE_* values.
func checkDurations(cmd *cli.Command) {
	var flags []*cli.DurationFlag
	for _, f := range cmd.Flags {
		if df, ok := f.(*cli.DurationFlag); ok {
			flags = append(flags, df)
		}
	}
	if len(flags) > 0 {
		before := cmd.Before
		cmd.Before = func(c *cli.Context) error {
			for _, f := range flags {
				if err := checkDuration(c, f); err != nil {
					return err
				}
			}
			if before != nil {
				return before(c)
			}
			return nil
		}
	}
	for _, sub := range cmd.Subcommands {
		checkDurations(sub)
	}
}

func checkDuration(c *cli.Context, f *cli.DurationFlag) error {
	d := c.Duration(f.Name)
	zero := zeroDurationMeans(f.Name)
	if d > 0 || (d == 0 && zero != "") {
		return nil
	}
	example := "5s"
	if f.Value > 0 {
		example = f.Value.String()
	}
	if zero != "" {
		return usagef("%s %s: want a positive duration like %s, or 0 for %s", source(c, f.Name), d, example, zero)
	}
	return usagef("%s %s: want a positive duration like %s", source(c, f.Name), d, example)
}
