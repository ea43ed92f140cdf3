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
	Path      string // the HTTP path of a ws:// or wss:// target
}

func parseTarget(s string) (target, error) {
	t := target{Scheme: "sip"}
	in := strings.TrimSpace(s)
	if in == "" {
		return t, fmt.Errorf("%w: empty", ErrTarget)
	}
	if wt, ok, err := parseWSTarget(in); ok {
		return wt, err
	}
	rest := in
	if scheme, after, ok := strings.Cut(in, ":"); ok {
		switch strings.ToLower(scheme) {
		case "sip", "sips":
			t.Scheme = strings.ToLower(scheme)
			rest = after
		default:
			if foreignScheme(scheme, after) {
				// tel:+123 or http://pbx would otherwise be read as a host
				// named "tel" or "http" and looked up in DNS.
				return t, fmt.Errorf("%w %q: %q is not a SIP URI scheme: want host, host:port, [v6]:port or a sip:/sips: URI", ErrTarget, shownTarget(s), scheme+":")
			}
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
		return t, fmt.Errorf("%w %q: %v", ErrTarget, shownTarget(s), err)
	}
	if !validHost(host) {
		return t, fmt.Errorf("%w %q: %q is not a host name or IP address", ErrTarget, shownTarget(s), host)
	}
	t.Host, t.Port = host, port
	switch t.Transport {
	case "", "udp", "tcp", "tls", "ws", "wss":
	default:
		return t, fmt.Errorf("%w %q: transport %q is not udp, tcp, tls, ws or wss", ErrTarget, shownTarget(s), t.Transport)
	}
	if t.Scheme == "sips" {
		switch t.Transport {
		case "udp":
			// RFC 3261 §26.2.2: a SIPS URI is reached over TLS on every hop.
			return t, fmt.Errorf("%w %q: sips: needs TLS, not ;transport=udp (use sip: for UDP)", ErrTarget, shownTarget(s))
		case "ws":
			// RFC 7118 §5.2: sips: with transport=ws is SIP over secure WebSocket.
			t.Transport = "wss"
		case "tcp":
			// RFC 5630 §3.1.3: the TCP transport of a SIPS URI is TLS over TCP.
			t.Transport = "tls"
		}
	}
	return t, nil
}

// foreignScheme reports whether "scheme:after" is a URI of another scheme
// (tel:+123, http://pbx) rather than host:port. A host never holds "//" and
// a port starts with a digit; URI schemes start with a letter and hold no
// dot (RFC 3986 §3.1), while most host names do. More colons make it an
// IPv6 address (fe80::1), which the host parser checks.
func foreignScheme(scheme, after string) bool {
	if strings.HasPrefix(after, "//") {
		return true
	}
	switch strings.ToLower(scheme) {
	case "tel", "fax", "modem", "mailto", "urn", "h323", "im", "pres":
		// Schemes seen next to SIP (RFC 3966 tel:+123, RFC 3508 h323:),
		// never a host a user means, even before a number (tel:123).
		return true
	}
	if scheme == "" || strings.Contains(after, ":") || strings.Contains(scheme, ".") || (after != "" && after[0] >= '0' && after[0] <= '9') {
		return false
	}
	for i, r := range scheme {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-'):
		default:
			return false
		}
	}
	return true
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
	// Digits only: strconv.Atoi would take "+5060" and "-0".
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, fmt.Errorf("port %q is not a number from 1 to 65535", s)
	}
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
		// A zone (fe80::1%eth0) has no place in a SIP URI and would not
		// survive the round trip through one.
		return a.Zone() == ""
	}
	labels := strings.Split(strings.TrimSuffix(h, "."), ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			switch {
			case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			default:
				return false
			}
		}
	}
	// RFC 1123 §2.1: a top-level label is never all digits, so 10.0.0.300
	// or 127.1 is a mistyped address, not a name to look up.
	return strings.Trim(labels[len(labels)-1], "0123456789") != ""
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
	if t.Path != "" {
		return t.wsURL(t.Transport, t.Port)
	}
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
	switch transport {
	case "tls":
		return 5061
	case "ws", "wss":
		return wsDefaultPort(transport == "wss")
	}
	return 5060
}

// shownTarget is s as an error message may quote it: a password in the
// userinfo (sip:120:pw@pbx, ws://u:pw@pbx) becomes ***, since errors reach
// terminals, logs and monitoring (RFC 3261 §19.1.1 deprecates it anyway).
func shownTarget(s string) string {
	at := strings.LastIndex(s, "@")
	if at < 0 {
		return s
	}
	head, start := s[:at], 0
	if i := strings.Index(head, "://"); i >= 0 {
		start = i + 3
	} else if i := strings.Index(head, ":"); i > 0 && isSchemeName(head[:i]) {
		start = i + 1
	}
	user := head[start:]
	if i := strings.Index(user, ":"); i >= 0 {
		return s[:start] + user[:i] + ":***" + s[at:]
	}
	return s
}

// isSchemeName: a URI scheme (RFC 3986 §3.1), a letter then letters,
// digits, +, - or .; "120" in "120:pw@pbx" is none.
func isSchemeName(s string) bool {
	for i, r := range s {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if i == 0 && !letter || !letter && !(r >= '0' && r <= '9') && r != '+' && r != '-' && r != '.' {
			return false
		}
	}
	return s != ""
}
