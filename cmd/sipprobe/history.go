package main

import "github.com/urfave/cli/v2"

// historyCommand is a placeholder until its issue lands.
func historyCommand() *cli.Command {
	return &cli.Command{Name: "history", Hidden: true, Action: func(*cli.Context) error { return usagef("history: not built yet") }}
}
