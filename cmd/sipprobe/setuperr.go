package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sipprobe/sipprobe/results"
)

// A probe command or run that fails before its probes start (a usage
// error, an unset password variable, a scenario file that does not
// validate) exits 3 with the reason on stderr. Nagios and CI read stdout:
// for -o nagios and -o junit the reason goes there too, in that format
// (writeSetupError). Text and JSON stay as they are: text is for people,
// who read stderr, and JSON Lines carry results (DESIGN.md §2), which a
// run that never started has none of.

// outputMetaKey marks in the App's Metadata that the command created its
// stdout writer: from then on it writes the output itself, and an error
// after that (a failed write, an interrupted run) must not add a second
// document to stdout.
const outputMetaKey = "sipprobe.output-started"

// outputStarted records that the command's stdout output has begun.
func outputStarted(c *cli.Context) { c.App.Metadata[outputMetaKey] = true }

// isSetupErrorCommand: the commands whose --output can be nagios or
// junit, the probe commands and run.
func isSetupErrorCommand(name string) bool {
	switch name {
	case "options", "register", "invite", "receive", "run":
		return true
	}
	return false
}

// writeSetupError writes reason to stdout in the format the command line
// asked for, when that is nagios or junit and the command had not begun
// its output. The format comes from the arguments themselves (and
// SIPPROBE_OUTPUT), not from the parsed flags: the error may be in the
// parsing of another flag. When -o itself is wrong, stdout stays empty.
func writeSetupError(app *cli.App, args []string, stdout io.Writer, reason string) {
	if started, _ := app.Metadata[outputMetaKey].(bool); started {
		return
	}
	cmd, format, file := setupErrorTarget(app, args)
	switch format {
	case "nagios":
		_ = results.WriteNagiosSetupError(stdout, reason)
	case "junit":
		s := results.JUnitSetupError{Suite: "sipprobe " + cmd, Case: "sipprobe " + cmd, Class: "sipprobe." + cmd, At: time.Now()}
		if file != "" {
			// As a run names its testsuite: the file's name without the
			// extension; the testcase is the file as given.
			s.Suite = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
			s.Case = file
		}
		_ = results.WriteJUnitSetupError(stdout, s, reason)
	}
}

// setupErrorTarget reads the command line as urfave/cli would: the
// command, the last -o/--output value (else SIPPROBE_OUTPUT) as
// outputFlag accepts it ("" when it would not), and run's first
// positional argument, the scenario file.
func setupErrorTarget(app *cli.App, args []string) (cmdName, format, file string) {
	var cmd *cli.Command
	i := 1
	for ; i < len(args) && cmd == nil; i++ {
		if strings.HasPrefix(args[i], "-") {
			continue // a global flag (--help)
		}
		cmd = app.Command(args[i])
		if cmd == nil {
			return "", "", ""
		}
	}
	if cmd == nil || !isSetupErrorCommand(cmd.Name) {
		return "", "", ""
	}
	val, given := "", false
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			if file == "" && i+1 < len(args) {
				file = args[i+1]
			}
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			if file == "" {
				file = a
			}
			continue
		}
		name, v, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !takesValue(cmd, name) {
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				break
			}
			i++
			v = args[i]
		}
		if name == "o" || name == "output" {
			val, given = v, true
		}
	}
	if !given {
		val = os.Getenv(env("OUTPUT")[0])
	}
	f, err := parseFormat(val, resultFormats(), resultFormatsUsage)
	if err != nil {
		return cmd.Name, "", ""
	}
	if cmd.Name != "run" {
		file = ""
	}
	return cmd.Name, f, file
}
