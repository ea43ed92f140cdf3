package main

import "github.com/urfave/cli/v2"

// urfave/cli v2 finds a flag by running every name of every flag through a
// regular expression (cli.FlagNames, a v1 migration aid), and before each
// command it looks up each of the command's flags that way (runFlagActions
// → Context.IsSet). For a probe command's ~45 flags that is about a
// thousand regexp runs: 0.6 ms of a single check's ~9 ms (issue 13). Our
// flag names never hold the commas or blanks that regexp strips, so each
// flag's names are worked out once, here.

// namedFlag is what urfave/cli asks of the flag types we wrap.
type namedFlag interface {
	cli.DocGenerationFlag
	cli.CategorizableFlag
	cli.RequiredFlag
	cli.ActionableFlag
}

// namesOnce is a flag whose Names are computed once.
type namesOnce struct {
	namedFlag
	names []string
}

func (f *namesOnce) Names() []string { return f.names }

// cacheNames wraps the flags of cmd and its subcommands in namesOnce. A
// flag urfave/cli inspects by concrete type from outside (slice flags, for
// repeated values and help; a hidden bool, which its flag completion
// skips) stays as it is.
func cacheNames(cmd *cli.Command) {
	for i, f := range cmd.Flags {
		if b, ok := f.(*cli.BoolFlag); ok && b.Hidden {
			continue
		}
		if _, ok := f.(cli.DocGenerationSliceFlag); ok {
			continue
		}
		nf, ok := f.(namedFlag)
		if names := namesOf(f); ok && names != nil {
			cmd.Flags[i] = &namesOnce{namedFlag: nf, names: names}
		}
	}
	for _, sub := range cmd.Subcommands {
		cacheNames(sub)
	}
}

// unwrapFlag is the flag urfave/cli defined, for a switch on its type.
func unwrapFlag(f cli.Flag) cli.Flag {
	if w, ok := f.(*namesOnce); ok {
		return w.namedFlag
	}
	return f
}

// namesOf is a flag's name and aliases, read from its fields rather than
// through Names and its regexp (TestCachedFlagNames holds the two equal);
// nil for a type not listed.
func namesOf(f cli.Flag) []string {
	var name string
	var aliases []string
	switch f := f.(type) {
	case *cli.StringFlag:
		name, aliases = f.Name, f.Aliases
	case *cli.BoolFlag:
		name, aliases = f.Name, f.Aliases
	case *cli.IntFlag:
		name, aliases = f.Name, f.Aliases
	case *cli.Float64Flag:
		name, aliases = f.Name, f.Aliases
	case *cli.DurationFlag:
		name, aliases = f.Name, f.Aliases
	default:
		return nil
	}
	return append([]string{name}, aliases...)
}
