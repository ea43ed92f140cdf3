// Package testcerts generates a throw-away PKI for TLS tests: a trusted CA,
// a valid server certificate for the loopback names, and the classic broken
// ones (expired, wrong name, signed by an unknown CA) plus a client
// certificate. Everything is written as PEM files into t.TempDir(), because
// the peers under test (Kamailio, the sipprobe CLI) read files, not memory.
package testcerts

import (
	"crypto/tls"
	"crypto/x509"
	"time"
)

// serverDNSNames and serverIPs are what the valid server certificate covers: the
// loopback addresses the harness listens on and the test realm.
var (
	serverDNSNames = []string{"localhost", "pbx.test"}
	serverIPs      = []string{"127.0.0.1", "::1"}
)

// ValidFor is the lifetime left on the valid certificates of a Set: well
// beyond the default expiry warning (14 days), so probes of them are ok.
const ValidFor = 90 * 24 * time.Hour

// caValidFor outlives every leaf, so that a chain's earliest expiry is the
// leaf's whichever way it is counted.
const caValidFor = 365 * 24 * time.Hour

// Pair is one certificate and its key on disk.
type Pair struct {
	CertFile string // PEM certificate (leaf only)
	KeyFile  string // PEM PKCS#8 private key
	CAFile   string // PEM certificate of the CA that signed it
	Cert     *x509.Certificate
}

// TLS loads the pair for use in a crypto/tls config.
func (p Pair) TLS() (tls.Certificate, error) {
	return tls.LoadX509KeyPair(p.CertFile, p.KeyFile)
}

// Set is the generated PKI.
type Set struct {
	Dir string // where the files are

	// CAFile is the PEM certificate of the trusted test CA; pass it as
	// --ca-file or as RootCAs.
	CAFile string
	// OtherCAFile is the PEM certificate of the CA nobody trusts.
	OtherCAFile string

	Server    Pair // valid for 127.0.0.1, ::1, localhost, pbx.test, for ValidFor
	Expired   Pair // same names, expired yesterday
	WrongName Pair // valid, but only for wrong.test
	Untrusted Pair // same names as Server, signed by the other CA
	Client    Pair // client-auth certificate for CN "sipprobe-client"

	ca *authority
}

// Pool returns a cert pool holding only the trusted test CA.
func (s *Set) Pool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(s.ca.cert)
	return pool
}
