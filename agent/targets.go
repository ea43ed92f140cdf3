package agent

import (
	"fmt"
	"net"
	"path"
	"strconv"
	"strings"

	"github.com/sipprobe/sipprobe/scenarios"
)

// target is /probe's target=HOST[:PORT], checked and lower-cased.
type target struct {
	host, port string
}

// String is the form the probe is given: host, host:port or [v6]:port.
func (t target) String() string {
	if t.port == "" {
		if strings.Contains(t.host, ":") {
			return "[" + t.host + "]"
		}
		return t.host
	}
	return net.JoinHostPort(t.host, t.port)
}

// parseTarget accepts HOST, HOST:PORT or [V6]:PORT, nothing else: no
// scheme (the entry decides sip: or sips:), no user, no parameters (the
// entry decides the transport).
func parseTarget(s string) (target, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || strings.ContainsAny(s, "@;?/ \t\r\n%#") || strings.HasPrefix(s, "sip:") || strings.HasPrefix(s, "sips:") {
		return target{}, fmt.Errorf("%w %q: want HOST or HOST:PORT", ErrBadTarget, s)
	}
	if h, p, err := net.SplitHostPort(s); err == nil {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 || !validTargetHost(h) {
			return target{}, fmt.Errorf("%w %q: want HOST or HOST:PORT", ErrBadTarget, s)
		}
		// One spelling per port (05060 is 5060): the rate limit and the
		// account locks are keyed on it.
		return target{host: h, port: strconv.Itoa(n)}, nil
	}
	h := strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	if !validTargetHost(h) {
		return target{}, fmt.Errorf("%w %q: want HOST or HOST:PORT", ErrBadTarget, s)
	}
	return target{host: h}, nil
}

// validTargetHost accepts an IP address or a DNS name without empty
// labels ("pbx..example", "10.1.2." and "[" are refused).
func validTargetHost(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	if h == "" || strings.Contains(h, ":") {
		return false
	}
	for _, l := range strings.Split(h, ".") {
		if l == "" {
			return false
		}
	}
	return true
}

// serverTarget reduces an entry's server (a TARGET of DESIGN.md §1) to
// host and port.
func serverTarget(server string) target {
	s := strings.ToLower(strings.TrimSpace(server))
	for _, scheme := range []string{"sips:", "sip:"} {
		s = strings.TrimPrefix(s, scheme)
	}
	if i := strings.IndexAny(s, ";?"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	if h, p, err := net.SplitHostPort(s); err == nil {
		return target{host: h, port: p}
	}
	return target{host: strings.Trim(s, "[]")}
}

// allowed decides whether /probe may send entry p to t. Credentials go
// only where the configuration says (issue 10): the entry's own server, or
// a targets pattern. any_target, which the loader refuses on entries with
// credentials, opens every target.
func allowed(p scenarios.Probe, t target) bool {
	if p.AnyTarget {
		return true
	}
	if serverTarget(p.Config.Target) == t {
		return true
	}
	for _, pat := range p.Targets {
		if matchTarget(pat, t) {
			return true
		}
	}
	return false
}

// numericPattern reports whether every label without a glob character is
// a number.
func numericPattern(labels []string) bool {
	for _, l := range labels {
		if strings.ContainsAny(l, "*?[") {
			continue
		}
		if _, err := strconv.Atoi(l); err != nil {
			return false
		}
	}
	return true
}

// matchTarget matches a targets pattern: HOST (any port) or HOST:PORT,
// where a glob character matches within one dot-separated label only, so
// "10.1.2.*" matches 10.1.2.7 but not 10.1.2.7.attacker.example, and
// "*.example.com" matches one level of subdomain.
func matchTarget(pattern string, t target) bool {
	ph, pp := pattern, ""
	if h, p, err := net.SplitHostPort(pattern); err == nil {
		ph, pp = h, p
	} else {
		ph = strings.Trim(pattern, "[]")
	}
	if pp != "" {
		if ok, _ := path.Match(pp, t.port); !ok || t.port == "" {
			return false
		}
	}
	pl, hl := strings.Split(ph, "."), strings.Split(t.host, ".")
	if len(pl) != len(hl) {
		return false
	}
	// A pattern whose fixed labels are all numbers ("10.1.2.*") names
	// addresses: it must not match a DNS name such as 10.1.2.com, whose
	// owner decides where it points.
	if numericPattern(pl) && net.ParseIP(t.host) == nil {
		return false
	}
	for i := range pl {
		if ok, _ := path.Match(pl[i], hl[i]); !ok {
			return false
		}
	}
	return true
}
