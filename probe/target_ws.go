package probe

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/sipprobe/sipprobe/probe/transport"
)

// parseWSTarget reads a ws:// or wss:// URL (RFC 6455 §3), the way WebRTC
// phones are configured: wss://pbx.example.com:8089/ws. ok is false for
// anything else. The query and fragment are dropped; the path is kept for
// the HTTP upgrade.
func parseWSTarget(s string) (t target, ok bool, err error) {
	scheme, rest, found := strings.Cut(strings.TrimSpace(s), "://")
	if !found {
		return t, false, nil
	}
	switch strings.ToLower(scheme) {
	case "ws", "wss":
	default:
		return t, false, nil
	}
	t = target{Scheme: "sip", Transport: strings.ToLower(scheme), Path: "/"}
	rest, _, _ = strings.Cut(rest, "#")
	rest, _, _ = strings.Cut(rest, "?")
	hostport := rest
	if i := strings.Index(rest, "/"); i >= 0 {
		hostport, t.Path = rest[:i], rest[i:]
	}
	if strings.Contains(hostport, "@") {
		return t, true, fmt.Errorf("%w %q: a ws:// URL names no user: give the account with --user", ErrTarget, shownTarget(s))
	}
	host, port, err := splitHostPort(hostport)
	if err != nil {
		return t, true, fmt.Errorf("%w %q: %v", ErrTarget, shownTarget(s), err)
	}
	if !validHost(host) {
		return t, true, fmt.Errorf("%w %q: %q is not a host name or IP address", ErrTarget, shownTarget(s), host)
	}
	if strings.ContainsAny(t.Path, " \t\r\n") {
		return t, true, fmt.Errorf("%w %q: the path holds white space", ErrTarget, shownTarget(s))
	}
	t.Host, t.Port = host, port
	return t, true, nil
}

// isWS reports whether transport is SIP over WebSocket (RFC 7118).
func isWS(transport string) bool { return transport == "ws" || transport == "wss" }

// wsURL is the WebSocket URL a probe of t over transport connects to: the
// target's own URL, or for a host or sip: target the root path.
func (t target) wsURL(transport string, port int) string {
	path := t.Path
	if path == "" {
		path = "/"
	}
	return transport + "://" + wsHostHeader(t.Host, port, transport) + path
}

// wsHostHeader is the Host header of the upgrade (RFC 6455 §4.1): the
// port is left out when it is the scheme's default.
func wsHostHeader(host string, port int, tr string) string {
	if port == 0 || port == wsDefaultPort(tr == "wss") {
		if strings.Contains(host, ":") {
			return "[" + host + "]"
		}
		return host
	}
	return net.JoinHostPort(host, strconv.Itoa(port))
}

// wsDefaultPort is the port of a WebSocket target without one.
func wsDefaultPort(secure bool) int { return transport.DefaultPort(secure) }
