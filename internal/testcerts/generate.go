package testcerts

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// authority is a CA kept in memory to sign leaves.
type authority struct {
	cert *x509.Certificate
	key  crypto.Signer
	file string
}

// New generates the whole set into a fresh t.TempDir(). ECDSA P-256 keeps
// generation in the milliseconds, so every test can have its own PKI.
func New(t testing.TB) *Set {
	t.Helper()
	s, err := Generate(t.TempDir())
	if err != nil {
		t.Fatalf("testcerts: %v", err)
	}
	return s
}

// Generate writes the set into dir; New is the usual entry point.
func Generate(dir string) (*Set, error) {
	now := time.Now()
	ca, err := newAuthority(dir, "ca", "sipprobe test CA", now)
	if err != nil {
		return nil, err
	}
	other, err := newAuthority(dir, "other-ca", "untrusted test CA", now)
	if err != nil {
		return nil, err
	}
	valid := serverSpec(now, ValidFor)
	expired := valid
	// Expired long enough ago that clock skew cannot make it valid.
	expired.from, expired.to = now.Add(-48*time.Hour), now.Add(-24*time.Hour)
	wrong := valid
	wrong.names, wrong.ips = []string{"wrong.test"}, nil
	client := valid
	client.names, client.ips, client.client = nil, nil, true

	s := &Set{Dir: dir, CAFile: ca.file, OtherCAFile: other.file, ca: ca}
	for _, l := range []struct {
		name string
		spec leafSpec
		by   *authority
		out  *Pair
	}{
		{"server", valid, ca, &s.Server},
		{"expired", expired, ca, &s.Expired},
		{"wrong-name", wrong, ca, &s.WrongName},
		{"untrusted", valid, other, &s.Untrusted},
		{"client", client, ca, &s.Client},
	} {
		if *l.out, err = l.by.issue(dir, l.name, l.spec); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func newAuthority(dir, name, cn string, now time.Time) (*authority, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate %s key: %w", name, err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"sipprobe tests"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(caValidFor),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("self-sign %s: %w", name, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	file := filepath.Join(dir, name+".pem")
	if err := writePEM(file, "CERTIFICATE", der); err != nil {
		return nil, err
	}
	return &authority{cert: cert, key: key, file: file}, nil
}

// serverSpec is a server certificate for the loopback names that
// expires d from now (valid from an hour ago, so clock skew does not
// matter; a negative d gives an expired one).
func serverSpec(now time.Time, d time.Duration) leafSpec {
	from := now.Add(-time.Hour)
	if d < 0 {
		from = now.Add(d - 24*time.Hour)
	}
	return leafSpec{names: serverDNSNames, ips: serverIPs, from: from, to: now.Add(d)}
}

// ServerExpiringIn issues another server certificate like Set.Server,
// signed by the trusted CA, that expires d from now: a test of expiry
// warnings picks "in 2 days" or "in 30 days".
func (s *Set) ServerExpiringIn(t testing.TB, d time.Duration) Pair {
	t.Helper()
	p, err := s.ca.issue(s.Dir, "server-"+serial().String(), serverSpec(time.Now(), d))
	if err != nil {
		t.Fatalf("testcerts: %v", err)
	}
	return p
}

// leafSpec describes one leaf certificate.
type leafSpec struct {
	names    []string
	ips      []string
	from, to time.Time
	client   bool
}

func (a *authority) issue(dir, name string, spec leafSpec) (Pair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Pair{}, fmt.Errorf("generate %s key: %w", name, err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: name, Organization: []string{"sipprobe tests"}},
		NotBefore:    spec.from,
		NotAfter:     spec.to,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     spec.names,
	}
	if len(spec.names) > 0 {
		tmpl.Subject.CommonName = spec.names[0]
	}
	if spec.client {
		tmpl.Subject.CommonName = "sipprobe-client"
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	for _, ip := range spec.ips {
		tmpl.IPAddresses = append(tmpl.IPAddresses, net.ParseIP(ip))
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, key.Public(), a.key)
	if err != nil {
		return Pair{}, fmt.Errorf("sign %s: %w", name, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return Pair{}, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return Pair{}, err
	}
	p := Pair{
		CertFile: filepath.Join(dir, name+".pem"),
		KeyFile:  filepath.Join(dir, name+".key"),
		CAFile:   a.file,
		Cert:     cert,
	}
	if err := writePEM(p.CertFile, "CERTIFICATE", der); err != nil {
		return Pair{}, err
	}
	return p, writePEM(p.KeyFile, "PRIVATE KEY", keyDER)
}

// serial is random so that no two test certificates look alike to a cache.
func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return n
}

func writePEM(path, typ string, der []byte) error {
	// 0600 for keys is what a real server expects; harmless for certs.
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		return fmt.Errorf("testcerts: %w", err)
	}
	return nil
}
