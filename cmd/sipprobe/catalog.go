package main

import "github.com/urfave/cli/v2"

// catalogCommand is a placeholder until its issue lands.
func catalogCommand() *cli.Command {
	return &cli.Command{Name: "catalog", Hidden: true, Action: func(*cli.Context) error { return usagef("catalog: not built yet") }}
}
