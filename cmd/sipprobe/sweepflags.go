package main

import (
	"github.com/urfave/cli/v2"
)

// sweepOnlyFlags are the flags of sweepFlags that mean something only in
// an account sweep, with what a user who gave one to a single probe may
// have wanted instead ("" when nothing fits).
func sweepOnlyFlags() []struct{ name, instead string } {
	return []struct{ name, instead string }{
		{"parallel", ""},
		{"rate", ""},
		{"max-rows", ""},
		{"json", "a single probe prints its result with -o json"},
		{"force", ""},
		{"cooldown", ""},
		{"db", ""},
		{"no-history", ""},
	}
}

// sweepConflicts are the flags an account sweep cannot use: every row
// names its own user, and an empty auth_user is the row's user (one digest
// user for every account is never what is meant). --domain, --server,
// --transport and a password are row defaults and stay allowed.
func sweepConflicts() []string { return []string{"user", "auth-user"} }

// checkSweepFlags refuses what a command with --accounts would silently
// drop: the sweep flags of a single probe ("register -u 120 --json x.jsonl"
// wrote no file and exited 0), and --user in a sweep. Only what is on the
// command line counts: SIPPROBE_PARALLEL or SIPPROBE_USER set for other
// jobs must not break this one.
func checkSweepFlags(c *cli.Context) error {
	if !hasFlag(c, "accounts") {
		return nil
	}
	if c.String("accounts") == "" {
		for _, f := range sweepOnlyFlags() {
			if !onCommandLine(c, f.name) {
				continue
			}
			if f.instead != "" {
				return usagef("--%s needs --accounts (%s)", f.name, f.instead)
			}
			return usagef("--%s only applies with --accounts (an account sweep)", f.name)
		}
		return nil
	}
	for _, name := range sweepConflicts() {
		if onCommandLine(c, name) {
			return usagef("--%s cannot go with %s: each row of the accounts file names its user (columns user and auth_user)", name, source(c, "accounts"))
		}
	}
	return nil
}
