package main

import (
	"github.com/urfave/cli/v2"

	"github.com/sipprobe/sipprobe/probe"
)

// receiveCommand tests whether an account can receive calls (issue 11).
func receiveCommand() *cli.Command {
	flags := append(commonFlags(), credentialFlags()...)
	flags = append(flags, expectFlags(probe.KindReceive)...)
	flags = append(flags,
		&cli.StringFlag{Name: "from-user", Usage: "the second account `USER` that places the trigger call (without it: wait for any call)", EnvVars: env("FROM_USER")},
		&cli.StringFlag{Name: "from-password", Usage: "password of --from-user (prefer SIPPROBE_FROM_PASSWORD or --from-password-file)", EnvVars: env("FROM_PASSWORD")},
		&cli.StringFlag{Name: "from-password-file", Usage: "read the password of --from-user from the first line of `FILE`", EnvVars: env("FROM_PASSWORD_FILE")},
		&cli.StringFlag{Name: "from-auth-user", Usage: "digest user name of --from-user when it differs", EnvVars: env("FROM_AUTH_USER")},
		&cli.StringFlag{Name: "to", Usage: "what the trigger call dials (default: --user)", EnvVars: env("TO")},
		durationFlag("wait", probe.DefaultWait, "how long to wait for the inbound INVITE (and the trigger call's ringing)"),
		&cli.BoolFlag{Name: "rtp", Usage: "send and count RTP both ways while the call is up", EnvVars: env("RTP")},
		&cli.BoolFlag{Name: "allow-evict", Usage: "bind even when the account has registered contacts (a one-contact registrar drops the phone's; sipprobe puts it back where it can)", EnvVars: env("ALLOW_EVICT")},
		&cli.IntFlag{Name: "expires", Value: probe.DefaultExpires, Usage: "Expires of the contact bound for the test, in seconds", EnvVars: env("EXPIRES")},
	)
	return &cli.Command{
		Name:  "receive",
		Usage: "can this account receive calls? (binds a contact, calls it from a second account through the PBX, answers, unbinds)",
		UsageText: "sipprobe receive --server TARGET --user 120 [--password P] --from-user 121 [--from-password P2] [--to 120] [--wait 30s] [--rtp] [--allow-evict] [flags]\n\n" +
			"--timeout bounds the registration; --wait bounds the wait for the INVITE and the trigger call's ringing.",
		Flags: flags,
		Action: probeAction(probe.KindReceive, func(c *cli.Context, cfg *probe.Config) error {
			if c.String("from-user") == "" {
				// From SIPPROBE_TO or SIPPROBE_FROM_PASSWORD (set for other
				// jobs) they are ignored; on the command line, a mistake.
				for _, name := range []string{"to", "from-password", "from-password-file", "from-auth-user"} {
					if onCommandLine(c, name) {
						return usagef("--%s needs --from-user (the account that places the trigger call)", name)
					}
				}
			}
			pw, err := readSecret(c, "from-password", "from-password-file")
			if err != nil {
				return err
			}
			cfg.AllowEvict = c.Bool("allow-evict")
			cfg.Expires = c.Int("expires")
			if cfg.Expires < 1 {
				return usagef("%s %d: want at least 1 second", source(c, "expires"), cfg.Expires)
			}
			cfg.Receive = probe.ReceiveConfig{
				FromUser:     c.String("from-user"),
				FromAuthUser: c.String("from-auth-user"),
				FromPassword: pw,
				To:           c.String("to"),
				Wait:         c.Duration("wait"),
				RTP:          c.Bool("rtp"),
			}
			return nil
		}),
	}
}
