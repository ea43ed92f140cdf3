package testcerts

import (
	"crypto/x509"
	"errors"
	"testing"
	"time"
)

func TestVerify(t *testing.T) {
	s := New(t)
	trusted := s.Pool()
	for _, tc := range []struct {
		name     string
		pair     Pair
		host     string
		client   bool
		wantFail any // nil, or a pointer to the x509 error type expected
	}{
		{name: "server ipv4", pair: s.Server, host: "127.0.0.1"},
		{name: "server ipv6", pair: s.Server, host: "::1"},
		{name: "server localhost", pair: s.Server, host: "localhost"},
		{name: "server realm", pair: s.Server, host: "pbx.test"},
		{name: "expired", pair: s.Expired, host: "127.0.0.1", wantFail: &x509.CertificateInvalidError{}},
		{name: "wrong name", pair: s.WrongName, host: "pbx.test", wantFail: &x509.HostnameError{}},
		{name: "wrong name own host", pair: s.WrongName, host: "wrong.test"},
		{name: "untrusted", pair: s.Untrusted, host: "127.0.0.1", wantFail: &x509.UnknownAuthorityError{}},
		{name: "client", pair: s.Client, client: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.pair.TLS(); err != nil {
				t.Fatalf("load pair: %v", err)
			}
			opts := x509.VerifyOptions{Roots: trusted, DNSName: tc.host, CurrentTime: time.Now()}
			if tc.client {
				opts.KeyUsages = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
			}
			_, err := tc.pair.Cert.Verify(opts)
			switch want := tc.wantFail.(type) {
			case nil:
				if err != nil {
					t.Fatalf("verify: %v", err)
				}
			case *x509.CertificateInvalidError:
				if !errors.As(err, want) || want.Reason != x509.Expired {
					t.Fatalf("want expired, got %v", err)
				}
			case *x509.HostnameError:
				if !errors.As(err, want) {
					t.Fatalf("want hostname error, got %v", err)
				}
			case *x509.UnknownAuthorityError:
				if !errors.As(err, want) {
					t.Fatalf("want unknown authority, got %v", err)
				}
			}
		})
	}
}
