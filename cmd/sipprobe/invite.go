package main

import "github.com/urfave/cli/v2"

// inviteCommand is a placeholder until its issue lands.
func inviteCommand() *cli.Command {
	return &cli.Command{Name: "invite", Hidden: true, Action: func(*cli.Context) error { return usagef("invite: not built yet") }}
}
