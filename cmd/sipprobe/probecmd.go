package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/sipprobe/sipprobe/probe"
	"github.com/sipprobe/sipprobe/results"
)

func optionsCommand() *cli.Command {
	return &cli.Command{
		Name:      "options",
		Usage:     "is the SIP server alive? (sends OPTIONS)",
		UsageText: "sipprobe options --server TARGET [flags]",
		Flags:     commonFlags(),
		Action:    probeAction(probe.KindOptions, nil),
	}
}

func registerCommand() *cli.Command {
	flags := append(commonFlags(), credentialFlags()...)
	flags = append(flags,
		&cli.BoolFlag{Name: "bind", Usage: "register a unique sipprobe contact, verify it, then remove exactly that contact", EnvVars: env("BIND")},
		&cli.BoolFlag{Name: "allow-evict", Usage: "with --bind: bind even when the account has registered contacts (a one-contact registrar may drop the phone's; sipprobe re-registers it)", EnvVars: env("ALLOW_EVICT")},
		&cli.IntFlag{Name: "expires", Value: probe.DefaultExpires, Usage: "Expires of the --bind registration, in seconds", EnvVars: env("EXPIRES")},
	)
	return &cli.Command{
		Name:      "register",
		Usage:     "are the account's credentials accepted? (REGISTER; bindings left untouched unless --bind)",
		UsageText: "sipprobe register --server TARGET --user 120 [--password P | --password-file F] [flags]",
		Flags:     flags,
		Action: probeAction(probe.KindRegister, func(c *cli.Context, cfg *probe.Config) {
			cfg.Bind = c.Bool("bind")
			cfg.AllowEvict = c.Bool("allow-evict")
			cfg.Expires = c.Int("expires")
		}),
	}
}

// probeAction runs one probe from the command line and prints its result.
func probeAction(kind probe.Kind, extra func(*cli.Context, *probe.Config)) cli.ActionFunc {
	return func(c *cli.Context) error {
		if c.Args().Present() {
			return usagef("unexpected argument %q", c.Args().First())
		}
		cfg, err := configFromFlags(c)
		if err != nil {
			return err
		}
		if extra != nil {
			extra(c, &cfg)
		}
		if err := cfg.Validate(kind); err != nil {
			return usagef("%v", err)
		}
		format, err := outputFormat(c.String("output"), c.App.Writer)
		if err != nil {
			return err
		}
		r := probe.Run(c.Context, kind, cfg)
		opts := results.TextOptions{Trace: c.Bool("trace"), Color: isTerminal(c.App.Writer)}
		if err := printResult(c.App.Writer, format, r, opts); err != nil {
			return &exitError{code: 3, err: err}
		}
		return exitCode(r.Status.ExitCode())
	}
}

func outputFormat(s string, w any) (string, error) {
	switch s {
	case "text", "json":
		return s, nil
	case "":
		// Text for people; JSON would be a surprise on a terminal, and text
		// is what a cron mail shows best too.
		return "text", nil
	}
	return "", usagef("--output %q: want text or json", s)
}

func printResult(w interface{ Write([]byte) (int, error) }, format string, r results.Result, opts results.TextOptions) error {
	if format == "json" {
		return results.WriteJSON(w, r)
	}
	return results.WriteText(w, r, opts)
}

// isTerminal reports whether w is a terminal, for colours (NO_COLOR wins).
func isTerminal(w any) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

var _ = fmt.Sprintf
