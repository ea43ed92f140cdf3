package main

import (
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/sipprobe/sipprobe/probe"
)

// inviteCommand places a real test call (issue 4).
func inviteCommand() *cli.Command {
	flags := append(commonFlags(), credentialFlags()...)
	flags = append(flags, expectFlags(probe.KindInvite)...)
	flags = append(flags,
		&cli.StringFlag{Name: "to", Usage: "`EXTENSION`, number or SIP URI to call (an echo test is best)", EnvVars: env("TO")},
		&cli.StringFlag{Name: "codecs", Value: strings.Join(probe.DefaultCodecs(), ","), Usage: "codecs to offer, in order: pcmu, pcma, g722, g729, opus, telephone-event", EnvVars: env("CODECS")},
		durationFlag("hold", probe.DefaultHold, "how long to keep the answered call up (in addition to --timeout; 0: hang up right after the ACK)"),
		durationFlag("ring-timeout", probe.DefaultRingTimeout, "how long to let it ring before CANCEL (counts from the first 180/183, in addition to --timeout)"),
		&cli.BoolFlag{Name: "rtp", Usage: "send RTP to the answer's address during the hold and count what comes back (two-way audio with an echo extension)", EnvVars: env("RTP")},
		&cli.BoolFlag{Name: "codec-sweep", Usage: "offer each codec alone, one short call each, and report which the PBX accepts", EnvVars: env("CODEC_SWEEP")},
		&cli.StringFlag{Name: "dtmf", Usage: "`DIGITS` (0-9 * # A-D) to send as RFC 4733 telephone-events after the answer and check in the echo; implies --rtp and lengthens --hold to fit them (0.5s + 0.2s a digit + 0.3s)", EnvVars: env("DTMF")},
		&cli.StringFlag{Name: "srtp", Value: probe.SRTPNone, Usage: "media encryption to offer: none, sdes (RTP/SAVP with SDES keys: encrypted or no call) or optional (RTP/AVP with a=crypto: encrypted when the far end agrees)", EnvVars: env("SRTP")},
	)
	return &cli.Command{
		Name:  "invite",
		Usage: "does a test call work? (INVITE with SDP, codec negotiation, setup timings, ACK/NAT checks, BYE)",
		UsageText: "sipprobe invite --server TARGET --user 120 --to 600 [--password P | --password-file F] [--codecs pcmu,pcma] [--hold 3s] [--rtp] [--dtmf 1234#] [flags]\n\n" +
			"--timeout bounds the setup until the far end rings; --ring-timeout then bounds the ringing (CANCEL after it);\n" +
			"--hold is added once the call is answered; ending the call gets up to 2s more, also after Ctrl-C.",
		Flags: flags,
		Action: probeAction(probe.KindInvite, func(c *cli.Context, cfg *probe.Config) error {
			if m := c.Float64("expect-min-mos"); m < 1 || m > 4.5 {
				return usagef("%s %g: want a MOS from 1 to 4.5", source(c, "expect-min-mos"), m)
			}
			if c.IsSet("codecs") && len(splitList(c.String("codecs"))) == 0 {
				// Not the defaults: an empty list is a mistake, not a wish.
				return usagef("%s %q: list one or more codecs, or leave it out for %s", source(c, "codecs"), c.String("codecs"), strings.Join(probe.DefaultCodecs(), ","))
			}
			cfg.Invite = probe.InviteConfig{
				To:          c.String("to"),
				Codecs:      splitList(c.String("codecs")),
				Hold:        probe.HoldOf(c.Duration("hold")), // the flag's default is DefaultHold
				RingTimeout: c.Duration("ring-timeout"),
				RTP:         c.Bool("rtp"),
				CodecSweep:  c.Bool("codec-sweep"),
				MinMOS:      c.Float64("expect-min-mos"),
				DTMF:        c.String("dtmf"),
				SRTP:        c.String("srtp"),
			}
			return nil
		}),
	}
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
