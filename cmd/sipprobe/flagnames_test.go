package main

import (
	"io"
	"slices"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestCachedFlagNames holds every wrapped flag's cached names to what
// urfave/cli itself computes for the flag, so a name with a comma or a
// blank (which cli.FlagNames would cut) cannot slip past the cache.
func TestCachedFlagNames(t *testing.T) {
	app := newApp(io.Discard, io.Discard)
	wrapped := 0
	var walk func(path string, cmds []*cli.Command)
	walk = func(path string, cmds []*cli.Command) {
		for _, cmd := range cmds {
			t.Run(path+cmd.Name, func(t *testing.T) {
				for _, f := range cmd.Flags {
					w, ok := f.(*namesOnce)
					if !ok {
						continue
					}
					wrapped++
					if want := w.namedFlag.Names(); !slices.Equal(w.Names(), want) {
						t.Errorf("cached names %q, urfave/cli says %q", w.Names(), want)
					}
				}
			})
			walk(path+cmd.Name+"/", cmd.Subcommands)
		}
	}
	walk("", app.Commands)
	if wrapped < 40 {
		t.Errorf("only %d flags have cached names; the probe commands alone have more", wrapped)
	}
}
