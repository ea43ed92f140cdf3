package main

import (
	"regexp"
	"strings"
	"sync"

	"github.com/urfave/cli/v2"

	"github.com/sipprobe/sipprobe/internal/editdist"
)

// The Go flag package's messages, which urfave/cli passes on as they are
// ("flag provided but not defined: -bogus"). They name flags with one dash
// and say "parse error" for any bad value. Compiled on the first usage
// error, not in every run.
var (
	reUnknownFlag = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^flag provided but not defined: -+(.+)$`)
	})
	reBadValue = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-+([^:]+): `)
	})
	reNoValue = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^flag needs an argument: -+(.+)$`)
	})
)

// flagError rewords a flag parsing error of cmd (nil: the top level) for a
// person: the flag as typed (--bogus), the value it wants, the nearest flag.
func flagError(cmd *cli.Command, err error) error {
	msg := err.Error()
	flags := []cli.Flag{}
	if cmd != nil {
		flags = cmd.Flags
	}
	if m := reUnknownFlag().FindStringSubmatch(msg); m != nil {
		where := ""
		if cmd != nil {
			where = " for " + cmd.FullName()
		}
		if near := nearestFlag(flags, m[1]); near != "" {
			return usagef("unknown flag %s%s: did you mean %s?", dashed(m[1]), where, dashed(near))
		}
		return usagef("unknown flag %s%s", dashed(m[1]), where)
	}
	if m := reBadValue().FindStringSubmatch(msg); m != nil {
		return usagef("%s %q: want %s", dashed(m[2]), m[1], valueWanted(findFlag(flags, m[2])))
	}
	if m := reNoValue().FindStringSubmatch(msg); m != nil {
		return usagef("%s needs %s", dashed(m[1]), valueWanted(findFlag(flags, m[1])))
	}
	return usagef("%v", err)
}

func findFlag(flags []cli.Flag, name string) cli.Flag {
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				return f
			}
		}
	}
	return nil
}

// nearestFlag is the flag name closest to a mistyped one, if any is close:
// within a third of its length, at least one edit ("timout" → "timeout"),
// or one that starts with it ("--pass" → "--password").
func nearestFlag(flags []cli.Flag, typed string) string {
	var names []string
	for _, f := range flags {
		for _, n := range f.Names() {
			if len(n) > 1 {
				names = append(names, n)
			}
		}
	}
	return nearestName(names, typed)
}

// nearestName is the name closest to a mistyped one: within a third of
// its length, at least one edit, or one that starts with it ("reg" →
// "register"); "" when none is that close.
func nearestName(names []string, typed string) string {
	best, bestDist := "", 0
	t := []rune(strings.ToLower(typed))
	limit := max(1, len(t)/3)
	for _, n := range names {
		d := editdist.Distance(t, []rune(n), limit)
		if d > limit && len(t) >= 3 && strings.HasPrefix(n, string(t)) {
			d = limit
		}
		if d <= limit && (best == "" || d < bestDist) {
			best, bestDist = n, d
		}
	}
	return best
}
