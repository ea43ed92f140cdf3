package probe

import (
	"crypto/tls"
	"crypto/x509"
	"math"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// chainFacts is what the result says about the certificates a server
// presented, whether or not the handshake accepted them.
type chainFacts struct {
	leaf     *x509.Certificate
	earliest time.Time // earliest NotAfter over the presented chain
	left     time.Duration
}

// factsOf reads the presented chain (leaf first). Like blackbox_exporter's
// probe_ssl_earliest_cert_expiry it looks at what the server sent, so an
// intermediate that expires before the leaf is what counts.
func factsOf(certs []*x509.Certificate, now time.Time) (chainFacts, bool) {
	if len(certs) == 0 {
		return chainFacts{}, false
	}
	f := chainFacts{leaf: certs[0], earliest: certs[0].NotAfter}
	for _, c := range certs[1:] {
		if c.NotAfter.Before(f.earliest) {
			f.earliest = c.NotAfter
		}
	}
	f.left = f.earliest.Sub(now)
	return f, true
}

// daysLeft is d in days, rounded to one decimal.
func daysLeft(d time.Duration) float64 {
	return math.Round(d.Hours()/24*10) / 10
}

// fill describes the chain in the result's TLS details.
func (f chainFacts) fill(info *results.TLSInfo) {
	info.PeerSubject = f.leaf.Subject.String()
	info.PeerIssuer = f.leaf.Issuer.String()
	info.NotAfter = f.leaf.NotAfter.UTC().Format(time.RFC3339)
	info.SANs = append([]string{}, f.leaf.DNSNames...)
	for _, ip := range f.leaf.IPAddresses {
		info.SANs = append(info.SANs, ip.String())
	}
	info.EarliestNotAfter = f.earliest.UTC().Format(time.RFC3339)
	d := daysLeft(f.left)
	info.DaysLeft = &d
}

// expiry is the chain's expiry for the diagnosis rules: Expiring when the
// earliest certificate ends within window (0: the warning is off), and
// always once it has expired (seen only under --insecure): turning the
// warning off must not make an expired certificate pass.
func (f chainFacts) expiry(window time.Duration) *catalog.CertExpiry {
	return &catalog.CertExpiry{
		Subject:  certName(f.leaf),
		NotAfter: f.earliest,
		DaysLeft: daysLeft(f.left),
		Expiring: f.left < 0 || window > 0 && f.left < window,
	}
}

// certName is how an admin calls a certificate: its common name, else its
// first DNS name, else its whole subject.
func certName(c *x509.Certificate) string {
	switch {
	case c.Subject.CommonName != "":
		return c.Subject.CommonName
	case len(c.DNSNames) > 0:
		return c.DNSNames[0]
	}
	return c.Subject.String()
}

// verifyChain checks the presented chain the way the handshake would have
// without --insecure: against --ca-file or the system roots, for the
// server name, now.
func verifyChain(certs []*x509.Certificate, conf *tls.Config, now time.Time) error {
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	_, err := certs[0].Verify(x509.VerifyOptions{
		Roots: conf.RootCAs, Intermediates: inter, DNSName: conf.ServerName, CurrentTime: now,
	})
	return err
}

// tlsInfo describes an established session for the result, and the
// certificate's expiry for the rules (nil without a certificate).
func tlsInfo(st tls.ConnectionState, conf *tls.Config, window time.Duration, now time.Time) (*results.TLSInfo, *catalog.CertExpiry) {
	info := &results.TLSInfo{
		Version:     tls.VersionName(st.Version),
		CipherSuite: tls.CipherSuiteName(st.CipherSuite),
		// The name verified against; st.ServerName is empty for an IP,
		// which is never sent as SNI (RFC 6066 §3).
		ServerName: conf.ServerName,
	}
	f, ok := factsOf(st.PeerCertificates, now)
	if !ok {
		return info, nil
	}
	f.fill(info)
	verified := len(st.VerifiedChains) > 0
	if !verified {
		// --insecure skipped verification; say the truth anyway.
		if err := verifyChain(st.PeerCertificates, conf, now); err != nil {
			info.VerifyError = err.Error()
		} else {
			verified = true
		}
	}
	info.Verified = &verified
	return info, f.expiry(window)
}

// describeRefused fills the details of a handshake that failed on the
// server's certificate with what that certificate said.
func describeRefused(info *results.TLSInfo, certs []*x509.Certificate, now time.Time) {
	f, ok := factsOf(certs, now)
	if !ok {
		return
	}
	f.fill(info)
	verified := false
	info.Verified = &verified
}
