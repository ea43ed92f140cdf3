package main

import (
	"errors"
	"os"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/probe"
	"github.com/sipprobe/sipprobe/results"
)

func optionsCommand() *cli.Command {
	return &cli.Command{
		Name:  "options",
		Usage: "is the SIP server alive? (sends OPTIONS)",
		UsageText: "sipprobe options --server TARGET [--user 120 --password-file F] [flags]\n\n" +
			"Any final response proves the SIP service is alive (401, 403, 404, 405, 501 included); 408, 5xx and silence do not.\n" +
			"A user in the target (sip:120@pbx.example.com) asks whether that user is reachable instead: 404, 480, 604 then fail.\n" +
			"With --user and a password, one challenge is answered and refused credentials fail the check.",
		Flags:  append(append(append(commonFlags(), credentialFlags()...), expectFlags(probe.KindOptions)...), sweepFlags()...),
		Action: probeAction(probe.KindOptions, nil),
	}
}

func registerCommand() *cli.Command {
	flags := append(commonFlags(), credentialFlags()...)
	flags = append(flags, expectFlags(probe.KindRegister)...)
	flags = append(flags, sweepFlags()...)
	flags = append(flags,
		&cli.BoolFlag{Name: "bind", Usage: "register a unique sipprobe contact, verify it, then remove exactly that contact", EnvVars: env("BIND")},
		&cli.BoolFlag{Name: "allow-evict", Usage: "with --bind: bind even when the account has registered contacts (a one-contact registrar may drop the phone's; sipprobe re-registers it)", EnvVars: env("ALLOW_EVICT")},
		&cli.IntFlag{Name: "expires", Value: probe.DefaultExpires, Usage: "with --bind: Expires of the registration, in seconds (at least 1)", EnvVars: env("EXPIRES")},
	)
	return &cli.Command{
		Name:      "register",
		Usage:     "are the account's credentials accepted? (REGISTER; bindings left untouched unless --bind)",
		UsageText: "sipprobe register --server TARGET --user 120 [--password P | --password-file F] [flags]",
		Flags:     flags,
		Action:    probeAction(probe.KindRegister, bindFlags),
	}
}

// probeAction runs one probe from the command line and prints its result.
func probeAction(kind probe.Kind, extra func(*cli.Context, *probe.Config) error) cli.ActionFunc {
	return func(c *cli.Context) error {
		if c.Args().Present() {
			return unexpectedArgument(c, c.Args().First())
		}
		if err := checkSweepFlags(c); err != nil {
			return err
		}
		cfg, err := configFromFlags(c)
		if err != nil {
			return err
		}
		if err := checkLocalAddr(c, cfg.LocalAddr); err != nil {
			return err
		}
		if extra != nil {
			if err := extra(c, &cfg); err != nil {
				return err
			}
		}
		if c.String("accounts") != "" {
			return sweepCommand(c, kind, cfg)
		}
		if err := cfg.Validate(kind); err != nil {
			return usagef("%v", err)
		}
		expect, err := expectationFromFlags(c)
		if err != nil {
			return err
		}
		cfg.Invite.NoSRTPRetry = expect.ExpectsMediaRefusal()
		format, err := outputFlag(c, resultFormats(), resultFormatsUsage)
		if err != nil {
			return err
		}
		start := time.Now()
		out, err := newSink(format, c.App.Writer, "", sinkSpec{
			suite:      "sipprobe " + string(kind),
			start:      start,
			single:     true,
			text:       results.TextOptions{Trace: c.Bool("trace"), Color: isTerminal(c.App.Writer), Lang: cfg.Lang},
			thresholds: thresholdsOf(expect),
		})
		if err != nil {
			return &exitError{code: 3, err: err}
		}
		outputStarted(c)
		prog := newProgress(c.App.ErrWriter, stderrTerminal, time.Now, probeWaiting(kind, cfg))
		prog.run(c.Context)
		raw := probe.Run(c.Context, kind, cfg)
		prog.end()
		r := expect.Judge(raw, catalog.Default(), cfg.Lang)
		if err := errors.Join(out.Add(r), out.Close(time.Since(start), time.Now())); err != nil {
			return &exitError{code: 3, err: err}
		}
		return exitCode(r.Status.ExitCode())
	}
}

// outputFormat checks --output of the commands that print text or JSON.
func outputFormat(c *cli.Context) (string, error) {
	return outputFlag(c, []string{"text", "json"}, "text or json")
}

// isTerminal reports whether w is a terminal, for colours (NO_COLOR wins).
func isTerminal(w any) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
