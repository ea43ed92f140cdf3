package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/kamailio"
	"github.com/sipprobe/sipprobe/internal/testcerts"
)

// TestCertExpiryCLI: the exit code and JSON of a TLS probe against a real
// Kamailio whose certificate expires in 2 or 30 days.
func TestCertExpiryCLI(t *testing.T) {
	certs := testcerts.New(t)
	soon := kamailio.Start(t, kamailio.WithCerts(certs), kamailio.WithServerCert(certs.ServerExpiringIn(t, 48*time.Hour)))
	later := kamailio.Start(t, kamailio.WithCerts(certs), kamailio.WithServerCert(certs.ServerExpiringIn(t, 30*24*time.Hour)))
	for _, tc := range []struct {
		name     string
		server   *kamailio.Server
		args     []string
		env      string // SIPPROBE_CERT_WARN_DAYS
		wantCode int
		wantID   string
	}{
		{"2 days: warning", soon, nil, "", 1, "tls-cert-expiring"},
		{"30 days: ok", later, nil, "", 0, "ok"},
		{"30 days with --cert-warn-days 40", later, []string{"--cert-warn-days", "40"}, "", 1, "tls-cert-expiring"},
		{"30 days with SIPPROBE_CERT_WARN_DAYS=40", later, nil, "40", 1, "tls-cert-expiring"},
		{"2 days with --cert-warn-days 0", soon, []string{"--cert-warn-days", "0"}, "", 0, "ok"},
		{"sips: URI", soon, []string{"--server", "sips:" + soon.Addr("tls")}, "", 1, "tls-cert-expiring"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env != "" {
				t.Setenv("SIPPROBE_CERT_WARN_DAYS", tc.env)
			}
			args := append([]string{"options", "--server", tc.server.Addr("tls"), "--transport", "tls",
				"--ca-file", certs.CAFile, "--timeout", "3s", "--output", "json"}, tc.args...)
			code, out, stderr := runMain(t, args...)
			var r struct {
				Status    string
				Diagnosis struct{ ID, Summary string }
				Details   struct {
					TLS struct {
						DaysLeft *float64 `json:"days_left"`
						Verified *bool    `json:"verified"`
						Earliest string   `json:"earliest_not_after"`
						SANs     []string `json:"sans"`
					} `json:"tls"`
				}
			}
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatalf("not JSON: %v\n%s\n%s", err, out, stderr)
			}
			if code != tc.wantCode || r.Diagnosis.ID != tc.wantID {
				t.Fatalf("exit %d, %s (%s); want exit %d, %s", code, r.Diagnosis.ID, r.Diagnosis.Summary, tc.wantCode, tc.wantID)
			}
			tl := r.Details.TLS
			if tl.DaysLeft == nil || tl.Verified == nil || !*tl.Verified || tl.Earliest == "" || len(tl.SANs) == 0 {
				t.Fatalf("TLS details incomplete: %s", out)
			}
			if tc.server == soon && (*tl.DaysLeft < 1 || *tl.DaysLeft > 2) {
				t.Errorf("days_left %.1f, want between 1 and 2", *tl.DaysLeft)
			}
			if tc.wantID == "tls-cert-expiring" && !strings.Contains(r.Diagnosis.Summary, "localhost expires in") {
				t.Errorf("summary %q", r.Diagnosis.Summary)
			}
		})
	}
	t.Run("negative --cert-warn-days is a usage error", func(t *testing.T) {
		code, _, stderr := runMain(t, "options", "--server", soon.Addr("tls"), "--cert-warn-days", "-1")
		if code != 3 || !strings.Contains(stderr, "--cert-warn-days") {
			t.Fatalf("exit %d: %s", code, stderr)
		}
	})
}

// TestTLSToPlainPortCLI: TLS aimed at a plain SIP port is critical and
// says where TLS usually is.
func TestTLSToPlainPortCLI(t *testing.T) {
	k := kamailio.Start(t)
	start := time.Now()
	code, out, stderr := runMain(t, "options", "--server", "sips:"+k.Addr("tcp"), "--timeout", "2s")
	if code != 2 {
		t.Fatalf("exit %d, want 2\n%s\n%s", code, out, stderr)
	}
	if !strings.Contains(out, "answered plain SIP over TCP (200 OK) but not TLS") || !strings.Contains(out, "port 5061") {
		t.Errorf("output does not say it:\n%s", out)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("took %v with --timeout 2s", took)
	}
}
