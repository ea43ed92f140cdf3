package probe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// Resolver is the part of net.Resolver that resolution needs; tests inject
// their own.
type Resolver interface {
	LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error)
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// resolution is where to send, and how we found out.
type resolution struct {
	Addr      netip.AddrPort
	Transport string
	Host      string // the name the server should answer to (SNI, Request-URI)
	Lookups   []results.Lookup
}

// resolveError is a failed resolution with its kind, for the diagnosis.
type resolveError struct {
	kind    string // catalog.DNSNotFound, DNSNoAnswer, DNSServer
	lookups []results.Lookup
	err     error
	// invalidName: the name is under .invalid and was not looked up.
	invalidName bool
}

func (e *resolveError) Error() string { return e.err.Error() }
func (e *resolveError) Unwrap() error { return e.err }

// note says what resolving host tried, for the diagnosis.
func (e *resolveError) note(host string) catalog.Note {
	if e.invalidName {
		return catalog.NewNote("dns-invalid-name", "host", host)
	}
	return catalog.NewNote("dns-not-resolved", "host", host, "server", dnsServerOf(e.lookups)).
		With("text", lookupNotes(e.lookups)...)
}

// srvFor maps a transport to its RFC 3263 SRV service and protocol.
func srvFor(transport string) (service, proto string) {
	if transport == "tls" {
		return "sips", "tcp"
	}
	return "sip", transport
}

// resolve follows RFC 3263 §4 the way a phone does, without NAPTR (which
// phones rarely use and Go's resolver cannot ask): an IP or an explicit port
// skips SRV; otherwise SRV for the chosen transport, or for each transport in
// the order a phone would try them, then A/AAAA with the default port.
func resolve(ctx context.Context, r Resolver, t target, explicitTransport string) (resolution, error) {
	res := resolution{Host: t.Host}
	forced := explicitTransport
	if forced == "" {
		forced = t.Transport
	}
	if forced == "" && t.Scheme == "sips" {
		forced = "tls"
	}
	res.Transport = t.defaultTransport(explicitTransport)

	if ip, err := netip.ParseAddr(t.Host); err == nil {
		port := t.Port
		if port == 0 {
			port = defaultPort(res.Transport)
		}
		res.Addr = netip.AddrPortFrom(ip.Unmap(), uint16(port))
		return res, nil
	}

	if invalidName(t.Host) {
		// RFC 6761 §6.4: such a name never exists and no query is sent,
		// so no lookup is listed as tried.
		return res, &resolveError{kind: catalog.DNSNotFound, invalidName: true, err: fmt.Errorf("%s: %w", t.Host, errInvalidTLD)}
	}
	host, port := t.Host, t.Port
	// RFC 7118 defines no SRV service for SIP over WebSocket: a WebRTC
	// phone is given the URL, host and port.
	if port == 0 && !isWS(res.Transport) {
		candidates := []string{"udp", "tcp", "tls"}
		if forced != "" {
			candidates = []string{forced}
		}
		for _, tr := range candidates {
			service, proto := srvFor(tr)
			q := fmt.Sprintf("_%s._%s.%s", service, proto, host)
			_, srvs, err := lookupSRV(ctx, r, service, proto, host)
			l := results.Lookup{Query: q, Type: "SRV", Server: askedServer(r, host)}
			if err != nil {
				l.Error = dnsErrText(err)
				res.Lookups = append(res.Lookups, l)
				if dnsKind(err) == catalog.DNSServer {
					return res, &resolveError{kind: catalog.DNSServer, lookups: res.Lookups, err: fmt.Errorf("SRV %s: %w", q, err)}
				}
				continue
			}
			for _, s := range srvs {
				l.Answer = append(l.Answer, fmt.Sprintf("%d %d %d %s", s.Priority, s.Weight, s.Port, s.Target))
			}
			res.Lookups = append(res.Lookups, l)
			if len(srvs) > 0 {
				// Go's resolver sorts by priority and shuffles by weight.
				host, port = strings.TrimSuffix(srvs[0].Target, "."), int(srvs[0].Port)
				res.Transport = tr
				break
			}
		}
	}
	if port == 0 {
		port = defaultPort(res.Transport)
	}
	ips, err := lookupIP(ctx, r, host)
	l := results.Lookup{Query: host, Type: "A/AAAA", Server: askedServer(r, host)}
	if err != nil {
		l.Error = dnsErrText(err)
		res.Lookups = append(res.Lookups, l)
		return res, &resolveError{kind: dnsKind(err), lookups: res.Lookups, err: fmt.Errorf("%s: %w", host, err)}
	}
	for _, ip := range ips {
		l.Answer = append(l.Answer, ip.String())
	}
	res.Lookups = append(res.Lookups, l)
	if len(ips) == 0 {
		return res, &resolveError{kind: catalog.DNSNoAnswer, lookups: res.Lookups, err: fmt.Errorf("%s has no A or AAAA records", host)}
	}
	// Prefer IPv4 like most phones; fall back to the first address.
	pick := ips[0]
	for _, ip := range ips {
		if ip.Unmap().Is4() {
			pick = ip
			break
		}
	}
	res.Addr = netip.AddrPortFrom(pick.Unmap(), uint16(port))
	return res, nil
}

// errInvalidTLD is returned for names RFC 6761 §6.4 says must never resolve.
var errInvalidTLD = &net.DNSError{Err: "no such host (RFC 6761 .invalid name)", IsNotFound: true}

// invalidName reports whether host is under the .invalid TLD.
func invalidName(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	return h == "invalid" || strings.HasSuffix(h, ".invalid")
}

func special(host string) (ips []netip.Addr, handled bool, err error) {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	switch {
	case invalidName(h):
		return nil, true, errInvalidTLD
	case h == "localhost" || strings.HasSuffix(h, ".localhost"):
		// RFC 6761 §6.3: always loopback, never sent to a DNS server.
		return []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.IPv6Loopback()}, true, nil
	}
	return nil, false, nil
}

func lookupSRV(ctx context.Context, r Resolver, service, proto, host string) (string, []*net.SRV, error) {
	if _, handled, err := special(host); handled {
		if err == nil {
			err = &net.DNSError{Err: "no SRV for a loopback name", IsNotFound: true}
		}
		return "", nil, err
	}
	return r.LookupSRV(ctx, service, proto, host)
}

func lookupIP(ctx context.Context, r Resolver, host string) ([]netip.Addr, error) {
	if ips, handled, err := special(host); handled {
		return ips, err
	}
	return r.LookupNetIP(ctx, "ip", host)
}

func dnsKind(err error) string {
	var de *net.DNSError
	if errors.As(err, &de) {
		if de.IsNotFound {
			return catalog.DNSNotFound
		}
		if de.IsTimeout || de.IsTemporary {
			return catalog.DNSServer
		}
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return catalog.DNSServer
	}
	return catalog.DNSServer
}

func dnsErrText(err error) string {
	var de *net.DNSError
	if errors.As(err, &de) {
		if de.IsNotFound {
			return enText(catalog.NewNote(dnsNotFound))
		}
		if de.IsTimeout {
			return enText(catalog.NewNote(dnsTimeout))
		}
		// Go keeps only the text of the socket error (DNSError unwraps
		// to context errors alone); that text names our ephemeral port.
		if strings.HasSuffix(de.Err, "connection refused") {
			return enText(catalog.NewNote(dnsRefused))
		}
		return de.Err
	}
	return err.Error()
}

// The notes of the failures dnsErrText words itself.
const (
	dnsNotFound = "dns-nxdomain"
	dnsTimeout  = "dns-timeout"
	dnsRefused  = "dns-refused"
)

// dnsErrNote is a lookup's recorded error (results.Lookup keeps the
// English text) as the note it came from, so the notes read in the
// result's language; the resolver's own words stay as they are.
func dnsErrNote(text string) catalog.Note {
	for _, key := range []string{dnsNotFound, dnsTimeout, dnsRefused} {
		if n := catalog.NewNote(key); enText(n) == text {
			return n
		}
	}
	return catalog.Text(text)
}
