package probe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"unicode"

	"github.com/sipprobe/sipprobe/results"
)

// DefaultDNSPort is the port of --dns-server when none is given.
const DefaultDNSPort = 53

// ErrDNSServer marks a --dns-server value that is not an IP[:port]. Its
// messages read "invalid --dns-server "VALUE": want ...".
var ErrDNSServer = errors.New("invalid --dns-server")

// ParseDNSServer parses a --dns-server value: an IP literal with an optional
// port (192.0.2.1, 192.0.2.1:5353, 2001:db8::1, [2001:db8::1]:5353). A name
// is refused on purpose: resolving the DNS server's own name would need the
// very resolver the user wants to bypass.
func ParseDNSServer(s string) (netip.AddrPort, error) {
	host, portStr, hasPort := s, "", false
	if h, p, err := net.SplitHostPort(s); err == nil {
		host, portStr, hasPort = h, p, true
	} else if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		host = s[1 : len(s)-1] // [v6] without a port
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		if looksLikeName(host) {
			return netip.AddrPort{}, fmt.Errorf("%w %q: want an IP address, not a name (finding the DNS server by its name would need DNS)", ErrDNSServer, s)
		}
		return netip.AddrPort{}, fmt.Errorf("%w %q: want an IP address with an optional port, like 192.0.2.53, 192.0.2.53:5353 or [2001:db8::53]:5353", ErrDNSServer, s)
	}
	// A zone (fe80::1%eth0) would be lost in AddrPort.String and dialled
	// without it; refusing is clearer than a silently wrong interface.
	if ip.Zone() != "" {
		return netip.AddrPort{}, fmt.Errorf("%w %q: IPv6 zones are not supported", ErrDNSServer, s)
	}
	port := uint64(DefaultDNSPort)
	if hasPort {
		if port, err = strconv.ParseUint(portStr, 10, 16); err != nil || port == 0 {
			return netip.AddrPort{}, fmt.Errorf("%w %q: want a port from 1 to 65535", ErrDNSServer, s)
		}
	}
	return netip.AddrPortFrom(ip.Unmap(), uint16(port)), nil
}

// looksLikeName tells a host name (ns1.example.com) from a mistyped address
// (192.0.2.300, [::1), for the error message only.
func looksLikeName(host string) bool {
	return strings.ContainsFunc(host, unicode.IsLetter) && !strings.ContainsAny(host, ":[]")
}

// serverResolver asks exactly one DNS server (--dns-server), with Go's own
// resolver so that no system library picks other servers behind our back.
// /etc/resolv.conf still supplies timeouts, attempts and search domains,
// and /etc/hosts is still read first: net.Resolver offers no way around
// either.
type serverResolver struct {
	addr netip.AddrPort
	r    *net.Resolver
}

func newServerResolver(addr netip.AddrPort) *serverResolver {
	var d net.Dialer
	return &serverResolver{addr: addr, r: &net.Resolver{
		PreferGo: true,
		// Go calls Dial once per query with a server from resolv.conf;
		// ignore that address and keep the network: "udp" normally, "tcp"
		// to retry a truncated answer (RFC 7766).
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr.String())
		},
	}}
}

// Server names the server for the lookups in the result.
func (s *serverResolver) Server() string { return s.addr.String() }

func (s *serverResolver) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	cname, srvs, err := s.r.LookupSRV(ctx, service, proto, name)
	return cname, srvs, s.relabel(err)
}

func (s *serverResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	ips, err := s.r.LookupNetIP(ctx, network, host)
	return ips, s.relabel(err)
}

// relabel puts our server into a *net.DNSError: Go fills in the
// resolv.conf server it would have asked, which we never dialled.
func (s *serverResolver) relabel(err error) error {
	var de *net.DNSError
	if errors.As(err, &de) && de.Server != "" {
		de.Server = s.addr.String()
	}
	return err
}

// serverNamer is a Resolver that can say which DNS server it asks.
type serverNamer interface{ Server() string }

// askedServer is the DNS server a lookup of host goes to, for the record:
// "" when the resolver does not say (the system's resolver) and when host
// never leaves the machine (RFC 6761 localhost and .invalid).
func askedServer(r Resolver, host string) string {
	if _, handled, _ := special(host); handled {
		return ""
	}
	if n, ok := r.(serverNamer); ok {
		return n.Server()
	}
	return ""
}

// dnsServerOf is the DNS server the failed lookups asked ("" for the
// system's resolver).
func dnsServerOf(ls []results.Lookup) string {
	for _, l := range ls {
		if l.Server != "" {
			return l.Server
		}
	}
	return ""
}

// resolver is the Resolver the configuration asks for: the system's, or
// only the --dns-server. An invalid server is an error, never a silent
// fallback to the system resolver.
func (c Config) resolver() (Resolver, error) {
	if c.DNSServer == "" {
		return net.DefaultResolver, nil
	}
	addr, err := ParseDNSServer(c.DNSServer)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return newServerResolver(addr), nil
}
