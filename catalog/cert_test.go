package catalog

import (
	"strings"
	"testing"
	"time"
)

// TestCertExpiryRule: an expiring certificate turns an ok/info diagnosis
// into tls-cert-expiring (warning); a worse diagnosis stays and gains a note.
func TestCertExpiryRule(t *testing.T) {
	notAfter := time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC)
	soon := &CertExpiry{Subject: "pbx.test", NotAfter: notAfter, DaysLeft: 1.74, Expiring: true}
	far := &CertExpiry{Subject: "pbx.test", NotAfter: notAfter, DaysLeft: 30, Expiring: false}
	gone := &CertExpiry{Subject: "pbx.test", NotAfter: notAfter, DaysLeft: -2.25, Expiring: true}
	tls := func(ex Exchange) Exchange { ex.Transport = "tls"; ex.Target = "sips:pbx.test"; return ex }
	for _, tc := range []struct {
		name     string
		ex       Exchange
		wantID   string
		wantSev  Severity
		summary  string // in the English summary
		wantNote string // in the English notes
	}{
		{"ok becomes the warning", tls(Exchange{Method: "OPTIONS", Final: resp(200, "OK"), Cert: soon}),
			idCertExpiring, SeverityWarning, "The TLS certificate of pbx.test expires in 1.7 days (2030-01-02 03:04 UTC).", ""},
		{"far expiry stays ok", tls(Exchange{Method: "OPTIONS", Final: resp(200, "OK"), Cert: far}), "ok", SeverityOK, "", ""},
		{"no certificate stays ok", tls(Exchange{Method: "OPTIONS", Final: resp(200, "OK")}), "ok", SeverityOK, "", ""},
		{"info becomes the warning", tls(Exchange{Method: "OPTIONS", Final: resp(401, "Unauthorized"), Cert: soon}),
			idCertExpiring, SeverityWarning, "expires in 1.7 days", ""},
		{"wrong password stays, with a note", tls(Exchange{Method: "REGISTER", AuthSent: true, CredentialsGiven: true, Final: resp(403, "Forbidden"), Cert: soon}),
			"wrong-password", SeverityCritical, "", "Besides: the TLS certificate of pbx.test expires in 1.7 days"},
		{"503 stays, with a note", tls(Exchange{Method: "OPTIONS", Final: resp(503, "Service Unavailable"), Cert: soon}),
			"service-unavailable", SeverityCritical, "", "expires in 1.7 days"},
		{"a warning stays, with a note", tls(Exchange{Method: "REGISTER", AuthSent: true, Final: resp(200, "OK"), BindWouldEvict: true, Registered: 1, Cert: soon}),
			"bind-would-evict", SeverityWarning, "", "expires in 1.7 days"},
		{"expired under --insecure", tls(Exchange{Method: "OPTIONS", Final: resp(200, "OK"), Cert: gone}),
			idCertExpiring, SeverityWarning, "expired 2.2 days ago", ""},
		{"expired under --insecure, failed probe", tls(Exchange{Method: "REGISTER", AuthSent: true, Final: resp(403, "Forbidden"), Cert: gone}),
			"wrong-password", SeverityCritical, "", "expired 2.2 days ago"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, lang := range []Lang{EN, RU} {
				d := Default().Diagnose(tc.ex, lang)
				if d.ID != tc.wantID || d.Severity != tc.wantSev {
					t.Fatalf("%s: got %s/%s (%s), want %s/%s", lang, d.ID, d.Severity, d.Summary, tc.wantID, tc.wantSev)
				}
				if strings.ContainsAny(d.Summary, "{}[]") {
					t.Errorf("%s: unfilled summary %q", lang, d.Summary)
				}
				if lang != EN {
					continue
				}
				if !strings.Contains(d.Summary, tc.summary) {
					t.Errorf("summary %q lacks %q", d.Summary, tc.summary)
				}
				notes := strings.Join(d.Notes, "\n")
				if tc.wantNote != "" && !strings.Contains(notes, tc.wantNote) {
					t.Errorf("notes lack %q:\n%s", tc.wantNote, notes)
				}
				if tc.wantNote == "" && strings.Contains(notes, "TLS certificate") {
					t.Errorf("expiry noted twice:\n%s", notes)
				}
			}
		})
	}
}

// TestPlainSIPRule: a TLS attempt that failed while plain SIP over TCP
// answered on the same port is tls-failure/plain-sip, before any silence
// or ban rule.
func TestPlainSIPRule(t *testing.T) {
	answered := &AltTransport{Transport: "tcp", Answered: true, Code: 200}
	for _, tc := range []struct {
		name string
		ex   Exchange
		want string // "" means tls-failure/plain-sip
	}{
		{"handshake broke off", Exchange{Transport: "tls", Outcome: OutcomeTLS, TLSFailure: TLSHandshake, Alt: answered}, ""},
		{"not TLS bytes", Exchange{Transport: "tls", Outcome: OutcomeTLS, TLSFailure: TLSProtocol, Alt: answered}, ""},
		{"handshake hung", Exchange{Transport: "tls", Outcome: OutcomeConnectTimeout, Alt: answered}, ""},
		{"hung after refused logins", Exchange{Method: "REGISTER", Transport: "tls", Outcome: OutcomeConnectTimeout, Alt: answered, Refusals: Refusals{InWindow: 5, Window: DefaultBanWindow, Last: time.Now()}}, ""},
		{"TCP did not answer", Exchange{Transport: "tls", Outcome: OutcomeTLS, TLSFailure: TLSHandshake, Alt: &AltTransport{Transport: "tcp", Silent: true}}, "tls-failure"},
		{"hung, TCP silent after refused logins", Exchange{Transport: "tls", Outcome: OutcomeConnectTimeout, Alt: &AltTransport{Transport: "tcp", Silent: true}, Refusals: Refusals{InWindow: 5, Window: DefaultBanWindow, Last: time.Now()}}, "fail2ban-ban"},
		{"UDP is not TLS", Exchange{Transport: "udp", Outcome: OutcomeTimeout, Alt: answered}, "nat-timeout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.ex.Target = "sips:127.0.0.1:5060"
			d := Default().Diagnose(tc.ex, EN)
			if tc.want != "" {
				if d.ID != tc.want || strings.Contains(d.Summary, "plain SIP") {
					t.Fatalf("got %s (%s), want %s", d.ID, d.Summary, tc.want)
				}
				return
			}
			want := "sips:127.0.0.1:5060 answered plain SIP over TCP (200 OK) but not TLS: this port speaks plain SIP; TLS is usually on port 5061."
			if d.ID != "tls-failure" || d.Severity != SeverityCritical || d.Summary != want {
				t.Fatalf("got %s/%s %q, want tls-failure %q", d.ID, d.Severity, d.Summary, want)
			}
			ru := Default().Diagnose(tc.ex, RU)
			if !strings.Contains(ru.Summary, "обычным SIP по TCP (200 OK)") {
				t.Errorf("ru summary %q", ru.Summary)
			}
		})
	}
}
