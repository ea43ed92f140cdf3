package main

import (
	"net"
	"net/netip"
	"os"
	"strings"

	"github.com/urfave/cli/v2"
)

// unknownCommand is the usage error for a first word that names no
// command, with the nearest command as flag typos get the nearest flag
// ("optoins" → "did you mean options?").
func unknownCommand(cmds []*cli.Command, typed string) error {
	if near := nearestCommand(cmds, typed); near != "" {
		return usagef("unknown command %q: did you mean %s?", typed, near)
	}
	return usagef("unknown command %q", typed)
}

// nearestCommand is the visible command closest to a mistyped one, by
// nearestName's rule, as for flags.
func nearestCommand(cmds []*cli.Command, typed string) string {
	var names []string
	for _, c := range cmds {
		if !c.Hidden {
			names = append(names, c.Name)
		}
	}
	return nearestName(names, typed)
}

// unexpectedArgument is the usage error for a positional argument of a
// probe command. The target is the argument a user most often gives
// without its flag ("sipprobe options 127.0.0.1:5303"): when the argument
// looks like one and --server is not given, suggest the flag.
func unexpectedArgument(c *cli.Context, arg string) error {
	if c.String("server") == "" && looksLikeTarget(arg) {
		return usagef("unexpected argument %q: did you mean --server %s?", arg, arg)
	}
	return usagef("unexpected argument %q", arg)
}

// looksLikeTarget reports whether s reads as a SIP URI, an IP address,
// host:port or a dotted host name, and is not a file here (lab.toml).
func looksLikeTarget(s string) bool {
	lower := strings.ToLower(s)
	for _, scheme := range []string{"sip:", "sips:", "ws://", "wss://"} {
		if strings.HasPrefix(lower, scheme) {
			return true
		}
	}
	if _, err := os.Stat(s); err == nil {
		return false
	}
	if _, err := netip.ParseAddr(s); err == nil {
		return true
	}
	if h, port, err := net.SplitHostPort(s); err == nil {
		if !allDigits(port) {
			return false
		}
		if _, err := netip.ParseAddr(h); err == nil {
			return true
		}
		return isHostName(h) // pbx:5060
	}
	return isHostName(s) && strings.Contains(s, ".")
}

// isHostName: letters, digits, hyphens and dots, starting with a letter or
// digit (RFC 1123 §2.1), nothing a file path or a flag would hold.
func isHostName(s string) bool {
	if s == "" || s[0] == '-' || s[0] == '.' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
