package testcerts

import (
	"crypto/x509"
	"testing"
	"time"
)

func TestServerExpiringIn(t *testing.T) {
	s := New(t)
	for _, tc := range []struct {
		name    string
		d       time.Duration
		wantErr bool
	}{
		{"in 2 days", 48 * time.Hour, false},
		{"in 30 days", 30 * 24 * time.Hour, false},
		{"expired a day ago", -24 * time.Hour, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := s.ServerExpiringIn(t, tc.d)
			if _, err := p.TLS(); err != nil {
				t.Fatalf("load pair: %v", err)
			}
			want := time.Now().Add(tc.d)
			if got := p.Cert.NotAfter; got.Before(want.Add(-time.Minute)) || got.After(want.Add(time.Minute)) {
				t.Errorf("NotAfter %v, want about %v", got, want)
			}
			_, err := p.Cert.Verify(x509.VerifyOptions{Roots: s.Pool(), DNSName: "127.0.0.1"})
			if (err != nil) != tc.wantErr {
				t.Errorf("verify: %v, want error %v", err, tc.wantErr)
			}
		})
	}
	if left := time.Until(s.Server.Cert.NotAfter); left < ValidFor-time.Hour {
		t.Errorf("Server expires in %v, want about %v", left, ValidFor)
	}
}
