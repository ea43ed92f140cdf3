package main

import (
	"github.com/urfave/cli/v2"

	"github.com/sipprobe/sipprobe/internal/localaddr"
)

// checkLocalAddr refuses a --local-addr that is not an address of this
// machine (localaddr.Check, which scenario files use for local_addr too);
// a malformed value is left to probe.Config.Validate.
func checkLocalAddr(c *cli.Context, laddr string) error {
	if err := localaddr.Check(laddr); err != nil {
		return usagef("%s %s: %v", source(c, "local-addr"), laddr, err)
	}
	return nil
}
