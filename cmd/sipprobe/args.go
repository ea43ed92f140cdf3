package main

import (
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"
)

// reorderArgs moves flags that follow positional arguments in front of them.
// urfave/cli v2 stops parsing flags at the first positional argument, so
// "sipprobe run x.toml --output json" would otherwise treat "--output" as a
// second file name. A value flag without its value is an error here: moved
// in front, it would take the file name as its value
// ("run lab.toml --parallel" → invalid value "lab.toml").
func reorderArgs(app *cli.App, args []string) ([]string, error) {
	if len(args) < 2 {
		return args, nil
	}
	out := []string{args[0]}
	cmds := app.Commands
	i := 1
	// Walk down the command path, keeping global flags in place.
	var cmd *cli.Command
	for i < len(args) {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			out = append(out, a)
			i++
			continue
		}
		var next *cli.Command
		for _, c := range cmds {
			if c.HasName(a) {
				next = c
			}
		}
		if next == nil {
			break
		}
		cmd = next
		out = append(out, a)
		i++
		cmds = cmd.Subcommands
		if len(cmds) == 0 {
			break
		}
	}
	if cmd == nil {
		return args, nil
	}
	var flags, positional []string
	for i < len(args) {
		a := args[i]
		if a == "--" {
			positional = append(positional, args[i:]...)
			break
		}
		if strings.HasPrefix(a, "-") && a != "-" {
			flags = append(flags, a)
			if name := strings.TrimLeft(a, "-"); !strings.Contains(a, "=") && takesValue(cmd, name) {
				if i+1 >= len(args) {
					return nil, usagef("%s needs %s", dashed(name), valueWanted(findFlag(cmd.Flags, name)))
				}
				flags = append(flags, args[i+1])
				i++
			}
			i++
			continue
		}
		positional = append(positional, a)
		i++
	}
	out = append(out, flags...)
	return append(out, positional...), nil
}

func takesValue(cmd *cli.Command, name string) bool {
	for _, f := range cmd.Flags {
		for _, n := range f.Names() {
			if n != name {
				continue
			}
			if df, ok := f.(cli.DocGenerationFlag); ok {
				return df.TakesValue()
			}
			return true
		}
	}
	return false
}

// commandPath is "sipprobe register" for the help hint of a usage error.
func commandPath(args []string) string {
	name := "sipprobe"
	if len(args) > 0 {
		name = filepath.Base(args[0])
	}
	for _, a := range args[1:] {
		if strings.HasPrefix(a, "-") {
			continue
		}
		switch a {
		case "options", "register", "invite", "receive", "run", "serve", "history", "catalog", "demo", "completion", "man":
			return name + " " + a
		}
		break
	}
	return name
}
