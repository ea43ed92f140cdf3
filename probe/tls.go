package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"github.com/sipprobe/sipprobe/catalog"
)

// tlsConfig builds the client TLS configuration. The server name is the
// target's host even after we resolved it to an address (sipgo would
// otherwise verify against the IP, DESIGN.md §4).
func tlsConfig(c TLSConfig, host string) (*tls.Config, error) {
	conf := &tls.Config{
		ServerName:         host,
		InsecureSkipVerify: c.Insecure, //nolint:gosec // only when the user asks
		MinVersion:         tls.VersionTLS12,
	}
	if c.ServerName != "" {
		conf.ServerName = c.ServerName
	}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("%w: --ca-file: %v", ErrConfig, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%w: --ca-file %s holds no PEM certificate", ErrConfig, c.CAFile)
		}
		conf.RootCAs = pool
	}
	if c.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("%w: --cert/--key: %v", ErrConfig, err)
		}
		conf.Certificates = []tls.Certificate{cert}
	}
	return conf, nil
}

// classifyTLS names the reason a handshake failed, so the diagnosis can say
// "expired" rather than "handshake error".
func classifyTLS(err error) *dialError {
	de := &dialError{outcome: catalog.OutcomeTLS, tlsFailure: catalog.TLSHandshake, err: wrapNote("tls-failed", err)}
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		alert    tls.AlertError
		recHdr   tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &unknown):
		de.tlsFailure = catalog.TLSUnknownAuthority
	case errors.As(err, &hostname):
		de.tlsFailure = catalog.TLSNameMismatch
	case errors.As(err, &invalid):
		if invalid.Reason == x509.Expired {
			de.tlsFailure = catalog.TLSExpired
		}
	case errors.As(err, &recHdr):
		de.tlsFailure = catalog.TLSProtocol
		de.plainSuspect = true
		de.err = wrapNote("tls-not-tls", err)
	case errors.As(err, &alert):
		de.tlsFailure = catalog.TLSProtocol
		if strings.Contains(err.Error(), "certificate") {
			de.tlsFailure = catalog.TLSClientCert
		}
	case errors.Is(err, context.Canceled):
		// Ctrl-C during the handshake: the server did nothing wrong.
		return &dialError{outcome: catalog.OutcomeCanceled, err: err}
	case errors.Is(err, context.DeadlineExceeded):
		de.outcome = catalog.OutcomeConnectTimeout
		de.tlsFailure = ""
		de.plainSuspect = true
		de.err = wrapNote("tls-slow", err)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET):
		// A plain SIP server closes on the bytes of a ClientHello.
		de.plainSuspect = true
	}
	var cve *tls.CertificateVerificationError
	if errors.As(err, &cve) {
		de.certs = cve.UnverifiedCertificates
	}
	return de
}
