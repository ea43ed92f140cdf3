package probe

import (
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/internal/kamailio"
	"github.com/sipprobe/sipprobe/internal/testcerts"
	"github.com/sipprobe/sipprobe/results"
)

// TestKamailioCertExpiry: a real Kamailio presents certificates with
// chosen lifetimes; the probe reports them and warns before they expire.
func TestKamailioCertExpiry(t *testing.T) {
	certs := testcerts.New(t)
	day := 24 * time.Hour
	servers := map[string]*kamailio.Server{}
	for name, d := range map[string]time.Duration{"2d": 2 * day, "30d": 30 * day} {
		servers[name] = kamailio.Start(t, kamailio.WithCerts(certs), kamailio.WithServerCert(certs.ServerExpiringIn(t, d)))
	}
	servers["expired"] = kamailio.Start(t, kamailio.WithCerts(certs), kamailio.WithServerCert(certs.Expired))
	trust := TLSConfig{CAFile: certs.CAFile}
	for _, tc := range []struct {
		name         string
		server       string
		cfg          Config
		wantID       string
		wantStatus   results.Status
		days         [2]float64 // details.tls.days_left within
		wantVerified bool
		summary      string
	}{
		{"expires in 2 days: warning", "2d", Config{TLS: trust}, "tls-cert-expiring", results.StatusWarning, [2]float64{1, 2}, true, "expires in 2.0 days"},
		{"expires in 30 days: ok", "30d", Config{TLS: trust}, "ok", results.StatusOK, [2]float64{29, 30}, true, ""},
		{"30 days inside --cert-warn-days 40", "30d", Config{TLS: trust, CertWarnDays: 40}, "tls-cert-expiring", results.StatusWarning, [2]float64{29, 30}, true, "expires in 30.0 days"},
		{"warning off", "2d", Config{TLS: trust, CertWarnDays: NoCertWarn}, "ok", results.StatusOK, [2]float64{1, 2}, true, ""},
		{"--insecure still verifies for the details", "2d", Config{TLS: TLSConfig{Insecure: true}}, "tls-cert-expiring", results.StatusWarning, [2]float64{1, 2}, false, ""},
		{"--insecure with --ca-file verifies", "2d", Config{TLS: TLSConfig{Insecure: true, CAFile: certs.CAFile}}, "tls-cert-expiring", results.StatusWarning, [2]float64{1, 2}, true, ""},
		{"expired and verified: tls-failure", "expired", Config{TLS: trust}, "tls-failure", results.StatusCritical, [2]float64{-1.1, -0.9}, false, "expired"},
		{"expired under --insecure: still a warning", "expired", Config{TLS: TLSConfig{Insecure: true}}, "tls-cert-expiring", results.StatusWarning, [2]float64{-1.1, -0.9}, false, "expired 1.0 days ago"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := servers[tc.server]
			cfg := tc.cfg
			cfg.Target, cfg.Transport = k.Addr("tls"), "tls"
			r := kamProbe(t, KindOptions, cfg)
			wantDiagnosis(t, r, tc.wantID, tc.wantStatus)
			if !strings.Contains(r.Diagnosis.Summary, tc.summary) {
				t.Errorf("summary %q lacks %q", r.Diagnosis.Summary, tc.summary)
			}
			info := r.Details.TLS
			if info == nil || info.DaysLeft == nil || info.Verified == nil {
				t.Fatalf("TLS details incomplete: %+v", info)
			}
			if d := *info.DaysLeft; d < tc.days[0] || d > tc.days[1] {
				t.Errorf("days_left %.1f, want %v..%v", d, tc.days[0], tc.days[1])
			}
			if *info.Verified != tc.wantVerified {
				t.Errorf("verified %v, want %v (%s)", *info.Verified, tc.wantVerified, info.VerifyError)
			}
			if !strings.Contains(info.PeerSubject, "localhost") || info.NotAfter == "" || info.EarliestNotAfter != info.NotAfter {
				t.Errorf("subject/expiry not described: %+v", info)
			}
			if !strings.Contains(strings.Join(info.SANs, " "), "127.0.0.1") {
				t.Errorf("SANs %v lack 127.0.0.1", info.SANs)
			}
		})
	}
	t.Run("refused login stays wrong-password, with the expiry note", func(t *testing.T) {
		k := servers["2d"]
		r := kamProbe(t, KindRegister, Config{Target: k.Addr("tls"), Transport: "tls", User: "120", Password: "not-the-password", TLS: trust})
		wantDiagnosis(t, r, "wrong-password", results.StatusCritical)
		if notes := strings.Join(r.Diagnosis.Notes, "\n"); !strings.Contains(notes, "TLS certificate of localhost expires in 2.0 days") {
			t.Errorf("notes lack the expiry:\n%s", notes)
		}
	})
	t.Run("accepted login with the 2-day certificate", func(t *testing.T) {
		k := servers["2d"]
		r := kamProbe(t, KindRegister, Config{Target: k.Addr("tls"), Transport: "tls", User: "120", Password: k.Accounts["120"], TLS: trust})
		// Accepted credentials are OK, so the expiry is the warning.
		wantDiagnosis(t, r, "tls-cert-expiring", results.StatusWarning)
		if !strings.Contains(r.Diagnosis.Summary, "expires in 2.0 days") {
			t.Errorf("summary %q lacks the expiry", r.Diagnosis.Summary)
		}
	})
}

// TestKamailioTLSToPlainPort: TLS aimed at Kamailio's plain TCP SIP port.
// Kamailio waits for a SIP message and the handshake hangs; the plain
// OPTIONS over TCP made meanwhile answers, so the probe says so and stops
// waiting for the handshake.
func TestKamailioTLSToPlainPort(t *testing.T) {
	k := kamailio.Start(t)
	for _, target := range []string{k.Addr("tcp"), "sips:" + k.Addr("tcp")} {
		t.Run(target, func(t *testing.T) {
			timeout := 2 * time.Second
			r := kamProbe(t, KindOptions, Config{Target: target, Transport: "tls", Timeout: timeout, TLS: TLSConfig{CAFile: k.Certs.CAFile}, Refusals: func() catalog.Refusals {
				return catalog.Refusals{InWindow: 5, Window: catalog.DefaultBanWindow, Last: time.Now()}
			}})
			wantDiagnosis(t, r, "tls-failure", results.StatusCritical)
			if !strings.Contains(r.Diagnosis.Summary, "answered plain SIP over TCP (200 OK) but not TLS") || !strings.Contains(r.Diagnosis.Summary, "port 5061") {
				t.Errorf("summary %q", r.Diagnosis.Summary)
			}
			if r.Details.TLS == nil || r.Details.TLS.Failure != catalog.TLSPlainSIP {
				t.Errorf("TLS details %+v, want failure plain-sip", r.Details.TLS)
			}
			if a := r.Details.AltTransport; a == nil || !a.Answered || a.Code != 200 || a.Transport != "tcp" {
				t.Errorf("alt transport %+v", a)
			}
			// The plain answer ends the hang: the probe does not sit out
			// the timeout on a handshake that cannot complete. (Now and
			// then Kamailio closes on the ClientHello instead, sooner.)
			if total := r.Timings.Total.Duration(); total >= timeout {
				t.Errorf("took %v with --timeout %v: the handshake was not abandoned", total, timeout)
			}
			notes := strings.Join(r.Diagnosis.Notes, "\n")
			if !strings.Contains(notes, "while plain SIP over TCP answered on the same port, so the probe stopped waiting") && !strings.Contains(notes, "TLS handshake failed: EOF") {
				t.Errorf("notes do not say why the handshake was given up:\n%s", notes)
			}
		})
	}
	// Without the fallback nothing tells the port speaks plain SIP. Kamailio
	// usually waits for the end of the "SIP message" our ClientHello began
	// (no-response); now and then the ClientHello's random bytes hold an
	// empty line, Kamailio fails to parse it and closes the connection (a
	// handshake that broke off). Either way: critical, and no plain-SIP
	// finding.
	t.Run("--no-fallback leaves it a silent TLS port", func(t *testing.T) {
		r := kamProbe(t, KindOptions, Config{Target: k.Addr("tcp"), Transport: "tls", Timeout: time.Second, NoFallback: true})
		if id := r.Diagnosis.ID; (id != "no-response" && id != "tls-failure") || r.Status != results.StatusCritical {
			t.Errorf("got %s/%s, want no-response (or tls-failure when Kamailio closed) and critical", id, r.Status)
		}
		if d := r.Details; d != nil && (d.AltTransport != nil || (d.TLS != nil && d.TLS.Failure == catalog.TLSPlainSIP)) {
			t.Errorf("--no-fallback still checked plain SIP: alt %+v, TLS %+v", d.AltTransport, d.TLS)
		}
	})
}
