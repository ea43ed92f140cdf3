package main

import (
	"os"
	"strings"

	"github.com/urfave/cli/v2"
)

// Environment variables are read by sipprobe, not by urfave/cli. urfave/cli
// v2 cannot tell a flag given on the command line from one taken from its
// EnvVars (c.IsSet is true for both), fails on a malformed variable even
// when the command line overrides it, and words that failure in its own
// terms. Here the precedence is one rule for every flag:
//
//	command line > SIPPROBE_* variable > default
//
// and a command can ask where a value came from (fromEnv), to ignore an
// environment value it cannot use (SIPPROBE_OUTPUT=nagios for catalog) or
// to let an explicit flag win over a variable of another flag
// (--password-file over SIPPROBE_PASSWORD).

// envMetaKey is where the App's Metadata keeps the envState of a run.
const envMetaKey = "sipprobe.env"

// envState records, for the command that runs, the flags whose values came
// from the environment: flag name → variable name.
type envState struct{ used map[string]string }

// envFlag is a flag with its variable, taken out of urfave/cli's hands.
type envFlag struct {
	flag   cli.Flag
	envVar string
}

// takeEnvVars moves the EnvVars of every flag of cmd and its subcommands
// into cmd.Before, which applies them after the command line was parsed.
// The variable stays visible in --help.
func takeEnvVars(cmd *cli.Command) {
	var flags []envFlag
	for _, f := range cmd.Flags {
		vars, usage := envFieldsOf(f)
		if vars == nil || len(*vars) == 0 {
			continue
		}
		flags = append(flags, envFlag{flag: f, envVar: (*vars)[0]})
		*usage += " [$" + (*vars)[0] + "]"
		*vars = nil
	}
	if len(flags) > 0 {
		before := cmd.Before
		cmd.Before = func(c *cli.Context) error {
			if err := applyEnv(c, flags); err != nil {
				return err
			}
			if before != nil {
				return before(c)
			}
			return nil
		}
	}
	for _, sub := range cmd.Subcommands {
		takeEnvVars(sub)
	}
}

// envFieldsOf gives the EnvVars and Usage fields of the flag types we use.
func envFieldsOf(f cli.Flag) (vars *[]string, usage *string) {
	switch f := f.(type) {
	case *cli.StringFlag:
		return &f.EnvVars, &f.Usage
	case *cli.BoolFlag:
		return &f.EnvVars, &f.Usage
	case *cli.IntFlag:
		return &f.EnvVars, &f.Usage
	case *cli.Float64Flag:
		return &f.EnvVars, &f.Usage
	case *cli.DurationFlag:
		return &f.EnvVars, &f.Usage
	}
	return nil, nil
}

// applyEnv sets each flag not given on the command line from its variable.
// An empty variable counts as unset (FOO= in a crontab clears it). A value
// that does not parse is a usage error that names the variable.
func applyEnv(c *cli.Context, flags []envFlag) error {
	st := envStateOf(c)
	for _, ef := range flags {
		// The variable first: it is cheaper than c.IsSet, which walks the
		// command's flags, and most variables are unset.
		val, ok := os.LookupEnv(ef.envVar)
		if !ok || val == "" {
			continue
		}
		name := ef.flag.Names()[0]
		if c.IsSet(name) {
			continue // the command line wins
		}
		if err := c.Set(name, val); err != nil {
			return usagef("%s=%q: want %s", ef.envVar, val, valueWanted(ef.flag))
		}
		if st != nil {
			st.used[name] = ef.envVar
		}
	}
	return nil
}

func envStateOf(c *cli.Context) *envState {
	st, _ := c.App.Metadata[envMetaKey].(*envState)
	return st
}

// fromEnv is the variable the value of flag name came from, or "" when it
// came from the command line or is the default.
func fromEnv(c *cli.Context, name string) string {
	if st := envStateOf(c); st != nil {
		return st.used[name]
	}
	return ""
}

// onCommandLine reports whether flag name was given on the command line.
func onCommandLine(c *cli.Context, name string) bool {
	return c.IsSet(name) && fromEnv(c, name) == ""
}

// source names where a flag's value came from, for error messages:
// "--expires" or "SIPPROBE_EXPIRES".
func source(c *cli.Context, name string) string {
	if v := fromEnv(c, name); v != "" {
		return v
	}
	return dashed(name)
}

// dashed is a flag name as typed: -o, --timeout.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// valueWanted says what kind of value a flag takes.
func valueWanted(f cli.Flag) string {
	f = unwrapFlag(f)
	switch f.(type) {
	case *cli.DurationFlag:
		return "a duration like 5s or 500ms"
	case *cli.IntFlag:
		return "a whole number"
	case *cli.Float64Flag:
		return "a number"
	case *cli.BoolFlag:
		return "true or false"
	}
	if df, ok := f.(cli.DocGenerationFlag); ok {
		// The usage's `PLACEHOLDER`, as --help shows it.
		if _, after, ok := strings.Cut(df.GetUsage(), "`"); ok {
			if name, _, ok := strings.Cut(after, "`"); ok && name != "" {
				return "a value: " + name
			}
		}
	}
	return "a value"
}
