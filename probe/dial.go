package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"syscall"

	"github.com/sipprobe/sipprobe/catalog"
)

// dialError is a transport failure before any SIP was exchanged.
type dialError struct {
	outcome    catalog.Outcome
	tlsFailure string
	wsFailure  string // transport.Upgrade* for OutcomeWebSocket
	unreach    string // catalog.Unreach* for OutcomeHostUnreachable
	err        error
	// certs is the chain a handshake refused (for the details).
	certs []*x509.Certificate
	// plainSuspect: the TLS handshake failed the way it does against a
	// plain SIP port (non-TLS bytes, a close, a hang), worth a plain check.
	plainSuspect bool
}

func (e *dialError) Error() string { return e.err.Error() }
func (e *dialError) Unwrap() error { return e.err }

// dial opens the probe's connection to raddr. UDP sockets are connected so
// ICMP errors reach us; TCP and TLS are dialled here rather than inside sipgo
// so refused, timed-out and TLS failures are told apart precisely.
func dial(ctx context.Context, transport string, laddr string, raddr netip.AddrPort, tlsConf *tls.Config, ws wsDial) (net.Conn, error) {
	d := net.Dialer{}
	network := transport
	if network == "tls" || isWS(network) {
		network = "tcp"
	}
	if laddr != "" {
		a, err := localAddr(network, laddr)
		if err != nil {
			return nil, &dialError{outcome: catalog.OutcomeInternal, err: err}
		}
		d.LocalAddr = a
	}
	if network == "udp" {
		d.Control = func(network, _ string, rc syscall.RawConn) error { return enableICMPErrors(network, rc) }
	}
	c, err := d.DialContext(ctx, network, raddr.String())
	if err != nil {
		de := classifyDial(err)
		if de.outcome == catalog.OutcomeHostUnreachable && de.unreach == "" && !routeExists(raddr) {
			de.unreach = catalog.UnreachLocal
			de.err = wrapNote("dial-no-route-local", err, "addr", raddr.String())
		}
		return nil, de
	}
	if transport == "tls" || transport == "wss" {
		tc := tls.Client(c, tlsConf)
		if err := tc.HandshakeContext(ctx); err != nil {
			_ = c.Close()
			return nil, classifyTLS(err)
		}
		c = tc
	}
	if isWS(transport) {
		return upgradeWS(ctx, c, ws)
	}
	return c, nil
}

func localAddr(network, s string) (net.Addr, error) {
	ap, err := netip.ParseAddrPort(s)
	if err != nil {
		ip, err2 := netip.ParseAddr(s)
		if err2 != nil {
			return nil, fmt.Errorf("--local-addr %q: %w", s, err)
		}
		ap = netip.AddrPortFrom(ip, 0)
	}
	if network == "udp" {
		return net.UDPAddrFromAddrPort(ap), nil
	}
	return net.TCPAddrFromAddrPort(ap), nil
}

func classifyDial(err error) *dialError {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return &dialError{outcome: catalog.OutcomeRefused, err: wrapNote("dial-refused", err)}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return &dialError{outcome: catalog.OutcomeConnectTimeout, err: wrapNote("dial-timeout", err)}
	case errors.Is(err, context.Canceled):
		return &dialError{outcome: catalog.OutcomeCanceled, err: err}
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		// TCP does not say which ICMP message (host or network
		// unreachable, or a firewall's "prohibited") killed the connect.
		return &dialError{outcome: catalog.OutcomeHostUnreachable, err: wrapNote("dial-no-route", err)}
	case errors.Is(err, syscall.EPERM), errors.Is(err, syscall.EACCES):
		return &dialError{outcome: catalog.OutcomeHostUnreachable, unreach: catalog.UnreachProhibited,
			err: wrapNote("dial-firewall", err)}
	case errors.Is(err, syscall.EADDRNOTAVAIL), errors.Is(err, syscall.EADDRINUSE):
		return &dialError{outcome: catalog.OutcomeInternal, err: wrapNote("dial-local-addr", err)}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &dialError{outcome: catalog.OutcomeConnectTimeout, err: wrapNote("dial-timeout", err)}
	}
	return &dialError{outcome: catalog.OutcomeInternal, err: err}
}

// routeExists asks this machine's routing table whether raddr is reachable
// at all: connecting a UDP socket looks the route up and sends nothing.
func routeExists(raddr netip.AddrPort) bool {
	c, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(raddr))
	if err != nil {
		return !errors.Is(err, syscall.ENETUNREACH) && !errors.Is(err, syscall.EHOSTUNREACH)
	}
	_ = c.Close()
	return true
}
