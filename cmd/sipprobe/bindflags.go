package main

import (
	"github.com/urfave/cli/v2"

	"github.com/sipprobe/sipprobe/probe"
)

// bindFlags reads --bind, --expires and --allow-evict of register. The
// last two only mean something with --bind: given on the command line
// without it they are a mistake, but from SIPPROBE_EXPIRES or
// SIPPROBE_ALLOW_EVICT (set for every job of a crontab) they must not
// break the plain credential checks, so they are ignored there.
func bindFlags(c *cli.Context, cfg *probe.Config) error {
	cfg.Bind = c.Bool("bind")
	if !cfg.Bind {
		for _, name := range []string{"expires", "allow-evict"} {
			if onCommandLine(c, name) {
				return usagef("--%s only applies with --bind (without it, register leaves the bindings alone)", name)
			}
		}
		return nil
	}
	cfg.AllowEvict = c.Bool("allow-evict")
	cfg.Expires = c.Int("expires")
	if cfg.Expires < 1 {
		// RFC 3261 §10.2.2: Expires: 0 asks the registrar to remove the
		// binding; there would be nothing to verify.
		return usagef("%s %d: want at least 1 second with --bind (Expires: 0 removes a binding instead of creating one)", source(c, "expires"), cfg.Expires)
	}
	return nil
}
