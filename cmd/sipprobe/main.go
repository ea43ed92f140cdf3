// Command sipprobe asks a SIP server whether registration, calls and the
// transport work, and says what is wrong when they do not.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// exitError carries an exit code out of a command action.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

// exitCode ends a command with code and no message.
func exitCode(code int) error { return &exitError{code: code} }

// usageError is a mistake in the command line: exit 3 with a hint.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{msg: fmt.Sprintf(format, args...)} }

// run is main without the process: testable, no os.Exit below it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		// A bug must not turn into a Go stack trace and exit 2 (CRITICAL):
		// say it is ours and exit UNKNOWN.
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "sipprobe: internal error: %v\n", r)
			code = 3
		}
	}()
	prewarm(args)
	app := newApp(stdout, stderr)
	if n := len(args); n > 1 && args[n-1] == completeFlag {
		complete(app, args, stdout)
		return 0
	}
	ordered, err := reorderArgs(app, args)
	if err == nil {
		err = app.RunContext(ctx, ordered)
	}
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "sipprobe: %v\n", ee.err)
			if ee.code == 3 {
				writeSetupError(app, args, stdout, ee.err.Error())
			}
		}
		return ee.code
	}
	// Anything else is a usage problem: urfave/cli returns flag errors as
	// plain errors, and we return usageError for our own checks.
	fmt.Fprintf(stderr, "sipprobe: %v\n", err)
	fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", commandPath(args))
	writeSetupError(app, args, stdout, err.Error())
	return 3
}

func newApp(stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:                 "sipprobe",
		Usage:                "ask a SIP server whether registration, calls and transport work, and say what is wrong",
		Version:              readVersion().Version,
		Writer:               stdout,
		ErrWriter:            stderr,
		EnableBashCompletion: false,
		HideVersion:          true,
		ExitErrHandler:       func(*cli.Context, error) {}, // run() decides exit codes
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return flagError(nil, err)
		},
		Metadata: map[string]any{envMetaKey: &envState{used: map[string]string{}}},
		Commands: []*cli.Command{
			optionsCommand(),
			registerCommand(),
			inviteCommand(),
			receiveCommand(),
			runCommand(),
			serveCommand(),
			historyCommand(),
			catalogCommand(),
			demoCommand(),
			versionCommand(),
			completionCommand(),
			manCommand(),
		},
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return unknownCommand(c.App.Commands, c.Args().First())
			}
			_ = cli.ShowAppHelp(c)
			return exitCode(3)
		},
	}
	for _, cmd := range app.Commands {
		setUsageErrors(cmd)
		checkDurations(cmd) // before takeEnvVars: it sees SIPPROBE_* values
		takeEnvVars(cmd)
		cacheNames(cmd)
	}
	return app
}

// setUsageErrors makes flag errors of every (sub)command usage errors.
func setUsageErrors(cmd *cli.Command) {
	cmd.OnUsageError = func(_ *cli.Context, err error, _ bool) error { return flagError(cmd, err) }
	for _, sub := range cmd.Subcommands {
		setUsageErrors(sub)
	}
}
