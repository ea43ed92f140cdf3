package probe

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// target is a parsed TARGET: host, host:port, [v6]:port, a bare IPv6
// address, or a sip:/sips: URI with optional ;transport=.
type target struct {
	Scheme    string // "sip" or "sips"
	User      string // user part of a URI target, if any
	Host      string // without IPv6 brackets
	Port      int    // 0 when not given
	Transport string // from ;transport=, lower case
}

func parseTarget(s string) (target, error) {
	t := target{Scheme: "sip"}
	in := strings.TrimSpace(s)
	if in == "" {
		return t, fmt.Errorf("%w: empty", ErrTarget)
	}
	rest := in
	if scheme, after, ok := strings.Cut(in, ":"); ok {
		switch strings.ToLower(scheme) {
		case "sip", "sips":
			t.Scheme = strings.ToLower(scheme)
			rest = after
		}
	}
	// URI headers (?...) and parameters (;...) follow the host part.
	rest, _, _ = strings.Cut(rest, "?")
	hostport, params, _ := strings.Cut(rest, ";")
	if at := strings.LastIndex(hostport, "@"); at >= 0 {
		t.User = hostport[:at]
		if i := strings.Index(t.User, ":"); i >= 0 {
			t.User = t.User[:i] // never keep a password from a URI
		}
		hostport = hostport[at+1:]
	}
	for _, p := range strings.Split(params, ";") {
		k, v, _ := strings.Cut(p, "=")
		if strings.EqualFold(strings.TrimSpace(k), "transport") {
			t.Transport = strings.ToLower(strings.TrimSpace(v))
		}
	}
	host, port, err := splitHostPort(hostport)
	if err != nil {
		return t, fmt.Errorf("%w %q: %v", ErrTarget, s, err)
	}
	if !validHost(host) {
		return t, fmt.Errorf("%w %q: %q is not a host name or IP address", ErrTarget, s, host)
	}
	t.Host, t.Port = host, port
	switch t.Transport {
	case "", "udp", "tcp", "tls":
	default:
		return t, fmt.Errorf("%w %q: transport %q is not udp, tcp or tls", ErrTarget, s, t.Transport)
	}
	return t, nil
}

func splitHostPort(hp string) (string, int, error) {
	if hp == "" {
		return "", 0, fmt.Errorf("no host")
	}
	if strings.HasPrefix(hp, "[") {
		end := strings.Index(hp, "]")
		if end < 0 {
			return "", 0, fmt.Errorf("missing ]")
		}
		host := hp[1:end]
		rest := hp[end+1:]
		if _, err := netip.ParseAddr(host); err != nil || !strings.Contains(host, ":") {
			return "", 0, fmt.Errorf("%q in brackets is not an IPv6 address", host)
		}
		if rest == "" {
			return host, 0, nil
		}
		if !strings.HasPrefix(rest, ":") {
			return "", 0, fmt.Errorf("unexpected %q after ]", rest)
		}
		p, err := parsePort(rest[1:])
		return host, p, err
	}
	if strings.Count(hp, ":") > 1 { // a bare IPv6 address has no port
		if _, err := netip.ParseAddr(hp); err != nil {
			return "", 0, fmt.Errorf("%q is not an IPv6 address (write [v6]:port)", hp)
		}
		return hp, 0, nil
	}
	host, ps, ok := strings.Cut(hp, ":")
	if !ok {
		return host, 0, nil
	}
	p, err := parsePort(ps)
	return host, p, err
}

func parsePort(s string) (int, error) {
	p, err := strconv.Atoi(s)
	if err != nil || p < 1 || p > 65535 {
		return 0, fmt.Errorf("port %q is not a number from 1 to 65535", s)
	}
	return p, nil
}

func validHost(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	if a, err := netip.ParseAddr(h); err == nil {
		// A zone (fe80::1%eth0) must survive the round trip through the
		// bracketed URI form, so it may hold only interface-name characters:
		// "::%]" would become "sip:[::%]]", which does not parse again.
		return hostChars(a.Zone())
	}
	return hostChars(h)
}

// hostChars reports whether s holds only letters, digits, '-', '.' and '_'.
func hostChars(s string) bool {
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '.', r == '_':
		default:
			return false
		}
	}
	return true
}

// defaultTransport: an explicit choice wins, then ;transport=, then sips: → tls.
func (t target) defaultTransport(explicit string) string {
	switch {
	case explicit != "":
		return explicit
	case t.Transport != "":
		return t.Transport
	case t.Scheme == "sips":
		return "tls"
	}
	return "udp"
}

// uri is the canonical form used in results and Request-URIs.
func (t target) uri() string {
	h := t.Host
	if strings.Contains(h, ":") {
		h = "[" + h + "]"
	}
	if t.Port != 0 {
		h = net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
	}
	if t.User != "" {
		h = t.User + "@" + h
	}
	return t.Scheme + ":" + h
}

func defaultPort(transport string) int {
	if transport == "tls" {
		return 5061
	}
	return 5060
}
