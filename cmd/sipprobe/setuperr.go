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
	cmd, format, file, junitFile := setupErrorTarget(app, args)
	s := results.JUnitSetupError{Suite: "sipprobe " + cmd, Case: "sipprobe " + cmd, Class: "sipprobe." + cmd, At: time.Now()}
	if file != "" {
		// As a run names its testsuite: the file's name without the
		// extension; the testcase is the file as given.
		s.Suite = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
		s.Case = file
	}
	switch format {
	case "nagios":
		_ = results.WriteNagiosSetupError(stdout, reason)
	case "junit":
		_ = results.WriteJUnitSetupError(stdout, s, reason)
	}
	if junitFile != "" {
		// run --junit FILE: the CI reads the file, which must say why
		// rather than be missing or left from an earlier run.
		writeJUnitFile(junitFile, s, reason)
	}
}

// writeJUnitFile writes the setup error's JUnit document to path through
// a temporary file and a rename, so a reader never sees half of it; a
// path that cannot be written is left alone (stderr has the reason).
func writeJUnitFile(path string, s results.JUnitSetupError, reason string) {
	f, err := os.CreateTemp(filepath.Dir(path), ".sipprobe-junit-*")
	if err != nil {
		return
	}
	werr := results.WriteJUnitSetupError(f, s, reason)
	if cerr := f.Close(); werr != nil || cerr != nil || os.Rename(f.Name(), path) != nil {
		_ = os.Remove(f.Name())
	}
}

// setupErrorTarget reads the command line as urfave/cli would: the
// command, the last -o/--output value (else SIPPROBE_OUTPUT) as
// outputFlag accepts it ("" when it would not), and run's first
// positional argument, the scenario file, and its --junit FILE (else
// SIPPROBE_JUNIT).
func setupErrorTarget(app *cli.App, args []string) (cmdName, format, file, junitFile string) {
	var cmd *cli.Command
	i := 1
	for ; i < len(args) && cmd == nil; i++ {
		if strings.HasPrefix(args[i], "-") {
			continue // a global flag (--help)
		}
		cmd = app.Command(args[i])
		if cmd == nil {
			return "", "", "", ""
		}
	}
	if cmd == nil || !isSetupErrorCommand(cmd.Name) {
		return "", "", "", ""
	}
	val, given, junitGiven := "", false, false
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
		switch name {
		case "o", "output":
			val, given = v, true
		case "junit":
			junitFile, junitGiven = v, true
		}
	}
	if !given {
		val = os.Getenv(env("OUTPUT")[0])
	}
	if !junitGiven {
		junitFile = os.Getenv(env("JUNIT")[0])
	}
	if cmd.Name != "run" {
		file, junitFile = "", ""
	}
	f, err := parseFormat(val, resultFormats(), resultFormatsUsage)
	if err != nil {
		return cmd.Name, "", file, junitFile
	}
	return cmd.Name, f, file, junitFile
}
