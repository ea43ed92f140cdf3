package catalog

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

// TestRemediesSkipWhatWasTried: a remedy that suggests what the exchange
// shows sipprobe already did is dropped or replaced by the rest of its
// advice; without that evidence it stays.
func TestRemediesSkipWhatWasTried(t *testing.T) {
	timeout := func(tr string, alt *AltTransport) Exchange {
		return Exchange{Method: "OPTIONS", Transport: tr, Outcome: OutcomeTimeout, Alt: alt, Target: "sip:pbx.example.com"}
	}
	reply := func(tr, target string, code int, reason string) Exchange {
		return Exchange{Method: "REGISTER", Transport: tr, Outcome: OutcomeResponse, Final: resp(code, reason), Target: target, CredentialsGiven: true, AuthSent: true}
	}
	tests := []struct {
		name    string
		ex      Exchange
		lang    Lang
		id      string
		absent  []string
		present []string
	}{
		{"UDP silent, TCP refused", timeout("udp", &AltTransport{Transport: "tcp"}), EN, "nat-timeout",
			[]string{"Try TCP"}, []string{"SIP ALG", "sngrep"}},
		{"UDP silent, TCP refused, ru", timeout("udp", &AltTransport{Transport: "tcp"}), RU, "nat-timeout",
			[]string{"Попробуйте TCP"}, []string{"SIP ALG"}},
		{"UDP silent, TCP answered", timeout("udp", &AltTransport{Transport: "tcp", Answered: true, Code: 200}), EN, "nat-timeout",
			[]string{"Try TCP"}, []string{"SIP ALG"}},
		{"UDP silent, no fallback", timeout("udp", nil), EN, "nat-timeout",
			nil, []string{"Try TCP instead of UDP"}},
		{"silent on both transports", timeout("udp", &AltTransport{Transport: "tcp", Silent: true}), EN, "no-response",
			[]string{"Try the other transport"}, []string{"Check the port: 5060 for UDP and TCP, 5061 for TLS"}},
		{"silent on both transports, ru", timeout("udp", &AltTransport{Transport: "tcp", Silent: true}), RU, "no-response",
			[]string{"Попробуйте другой транспорт"}, []string{"Проверьте порт: 5060"}},
		{"TCP silent, no fallback", timeout("tcp", nil), EN, "no-response",
			nil, []string{"Try the other transport"}},
		{"1xx then silence over TCP", Exchange{Method: "INVITE", Transport: "tcp", Outcome: OutcomeTimeout, Provisional: []Reply{{Code: 100}}}, EN, "no-final-response",
			[]string{"Try TCP"}, []string{"pjsip set history"}},
		{"1xx then silence over UDP", Exchange{Method: "INVITE", Transport: "udp", Outcome: OutcomeTimeout, Provisional: []Reply{{Code: 100}}}, EN, "no-final-response",
			nil, []string{"Try TCP to rule out"}},
		{"login timed out over TCP", reply("tcp", "pbx.example.com", 408, "Login timed out"), EN, "login-timed-out",
			[]string{"Try TCP"}, []string{"Retry; if it persists, ask the provider to check its authentication backend."}},
		{"login timed out over UDP", reply("udp", "pbx.example.com", 408, "Login timed out"), EN, "login-timed-out",
			nil, []string{"Try TCP if UDP packets get lost"}},
		{"stale nonce over TCP, ru", reply("tcp", "pbx.example.com", 401, "Stale nonce"), RU, "stale-nonce",
			[]string{"попробуйте TCP"}, []string{"не заблокированы на стороне клиента."}},
		{"503 from an IP address", reply("udp", "sip:192.0.2.10:5060", 503, "Service Unavailable"), EN, "service-unavailable",
			[]string{"IP address instead"}, []string{"contact support", "Retry-After"}},
		{"503 from an IPv6 address", reply("udp", "[2001:db8::1]:5060", 503, "Service Unavailable"), EN, "service-unavailable",
			[]string{"IP address instead"}, []string{"contact support"}},
		{"503 from a name", reply("udp", "sip:pbx.example.com:5060", 503, "Service Unavailable"), EN, "service-unavailable",
			nil, []string{"Try the server's IP address instead of its name"}},
		{"resolver failed for a name", Exchange{Method: "OPTIONS", Transport: "udp", Outcome: OutcomeDNS, DNSFailure: DNSServer, Target: "pbx.example.com"}, EN, "dns-failure",
			nil, []string{"meanwhile probe by IP address", "IP address instead of its name"}},
	}
	c := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := c.Diagnose(tt.ex, tt.lang)
			if d.ID != tt.id {
				t.Fatalf("id %s, want %s", d.ID, tt.id)
			}
			all := strings.Join(d.Remedies, "\n")
			for _, s := range tt.absent {
				if strings.Contains(all, s) {
					t.Errorf("remedies suggest %q, which was tried:\n%s", s, all)
				}
			}
			for _, s := range tt.present {
				if !strings.Contains(all, s) {
					t.Errorf("remedies lack %q:\n%s", s, all)
				}
			}
		})
	}
}

func TestTargetIsIP(t *testing.T) {
	for in, want := range map[string]bool{
		"192.0.2.1": true, "192.0.2.1:5060": true, "sip:192.0.2.1": true, "sips:120@192.0.2.1:5061;transport=tls": true,
		"[::1]:5060": true, "::1": true, "sip:[2001:db8::1]": true, "SIP:10.0.0.1?x=y": true,
		"": false, "pbx.example.com": false, "sip:pbx:5060": false, "sip:120@pbx.example.com": false, "1.2.3": false,
	} {
		t.Run(in, func(t *testing.T) {
			if got := targetIsIP(in); got != want {
				t.Errorf("targetIsIP(%q) = %v, want %v", in, got, want)
			}
		})
	}
}

func TestLoadRejectsBadTriedTags(t *testing.T) {
	for _, tc := range []struct{ name, file, want string }{
		{"unknown id", `{"tried":[{"id":"nope","remedy":0,"suggests":"tcp"}]}`, "unknown id"},
		{"unknown kind", `{"tried":[{"id":"dns-failure","kind":"nope","remedy":0,"suggests":"ip"}]}`, "unknown kind"},
		{"no such remedy", `{"tried":[{"id":"nat-timeout","remedy":9,"suggests":"tcp"}]}`, "no remedy 9"},
		{"tag on a remedy that does not say it", `{"tried":[{"id":"nat-timeout","remedy":1,"suggests":"tcp"}]}`, "does not mention TCP"},
		{"unknown suggestion", `{"tried":[{"id":"nat-timeout","remedy":0,"suggests":"sctp"}]}`, "is not one of"},
		{"replacement in one language", `{"tried":[{"id":"nat-timeout","remedy":0,"suggests":"tcp","en":"x"}]}`, "both en and ru"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := embeddedFiles(t)
			files["99-test.json"] = &fstest.MapFile{Data: []byte(tc.file)}
			_, err := Load(files)
			if !errors.Is(err, ErrInvalidCatalog) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want ErrInvalidCatalog with %q", err, tc.want)
			}
		})
	}
}
