package probe

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/testcerts"
)

func TestChainExpiry(t *testing.T) {
	now := time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	cert := func(cn string, left time.Duration) *x509.Certificate {
		return &x509.Certificate{Subject: pkix.Name{CommonName: cn}, NotAfter: now.Add(left)}
	}
	for _, tc := range []struct {
		name         string
		chain        []*x509.Certificate
		window       time.Duration
		wantDays     float64
		wantExpiring bool
	}{
		{"leaf in 2 days", []*x509.Certificate{cert("pbx", 2*day)}, 14 * day, 2, true},
		{"leaf in 30 days", []*x509.Certificate{cert("pbx", 30*day)}, 14 * day, 30, false},
		{"leaf in 30 days, window 40", []*x509.Certificate{cert("pbx", 30*day)}, 40 * day, 30, true},
		{"warning off", []*x509.Certificate{cert("pbx", 2*day)}, 0, 2, false},
		{"intermediate expires first", []*x509.Certificate{cert("pbx", 300*day), cert("intermediate", 5*day+12*time.Hour)}, 14 * day, 5.5, true},
		{"fractional days", []*x509.Certificate{cert("pbx", 36*time.Hour)}, 14 * day, 1.5, true},
		{"expired", []*x509.Certificate{cert("pbx", -3*day)}, 14 * day, -3, true},
		{"just inside the window", []*x509.Certificate{cert("pbx", 14*day-time.Minute)}, 14 * day, 14, true},
		{"exactly the window", []*x509.Certificate{cert("pbx", 14*day)}, 14 * day, 14, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, ok := factsOf(tc.chain, now)
			if !ok {
				t.Fatal("no facts")
			}
			e := f.expiry(tc.window)
			if e.DaysLeft != tc.wantDays || e.Expiring != tc.wantExpiring || e.Subject != "pbx" {
				t.Errorf("got %+v, want %.1f days, expiring %v", e, tc.wantDays, tc.wantExpiring)
			}
		})
	}
	if _, ok := factsOf(nil, now); ok {
		t.Error("facts of no certificate")
	}
}

func TestCertName(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    *x509.Certificate
		want string
	}{
		{"common name", &x509.Certificate{Subject: pkix.Name{CommonName: "pbx.example.com"}, DNSNames: []string{"x"}}, "pbx.example.com"},
		{"first DNS name", &x509.Certificate{Subject: pkix.Name{Organization: []string{"Org"}}, DNSNames: []string{"sip.example.com", "x"}}, "sip.example.com"},
		{"subject", &x509.Certificate{Subject: pkix.Name{Organization: []string{"Org"}}}, "O=Org"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := certName(tc.c); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestVerifyChain: under --insecure the probe verifies the chain itself
// so details.tls.verified stays truthful.
func TestVerifyChain(t *testing.T) {
	certs := testcerts.New(t)
	now := time.Now()
	for _, tc := range []struct {
		name   string
		pair   testcerts.Pair
		server string
		want   bool
	}{
		{"valid", certs.Server, "127.0.0.1", true},
		{"expired", certs.Expired, "127.0.0.1", false},
		{"wrong name", certs.WrongName, "pbx.test", false},
		{"unknown CA", certs.Untrusted, "localhost", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := verifyChain([]*x509.Certificate{tc.pair.Cert}, &tls.Config{RootCAs: certs.Pool(), ServerName: tc.server}, now)
			if (err == nil) != tc.want {
				t.Errorf("verify: %v, want verified %v", err, tc.want)
			}
		})
	}
}
