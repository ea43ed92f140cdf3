package catalog

import (
	"strings"
	"testing"
)

func resp(code int, reason string) *Reply { return &Reply{Code: code, Reason: reason} }

// TestDiagnoseRules: the context rules, one case per rule.
func TestDiagnoseRules(t *testing.T) {
	for _, tc := range []struct {
		name string
		ex   Exchange
		want string
	}{
		{"200 to OPTIONS", Exchange{Method: "OPTIONS", Outcome: OutcomeResponse, Final: resp(200, "OK")}, "ok"},
		{"outcome omitted but final set", Exchange{Method: "OPTIONS", Final: resp(200, "OK")}, "ok"},
		{"202 counts as ok", Exchange{Method: "REGISTER", Outcome: OutcomeResponse, Final: resp(202, "Accepted")}, "ok"},
		{"response outcome without final", Exchange{Outcome: OutcomeResponse}, "internal-error"},
		{"unknown outcome", Exchange{Outcome: "weird"}, "internal-error"},

		{"OPTIONS 401 is alive", Exchange{Method: "OPTIONS", Outcome: OutcomeResponse, Final: resp(401, "Unauthorized")}, "auth-required-alive"},
		{"OPTIONS 407 is alive", Exchange{Method: "OPTIONS", Outcome: OutcomeResponse, Final: resp(407, "Proxy Authentication Required")}, "auth-required-alive"},
		{"OPTIONS 403", Exchange{Method: "OPTIONS", Outcome: OutcomeResponse, Final: resp(403, "Forbidden")}, "options-forbidden"},
		{"OPTIONS 405", Exchange{Method: "OPTIONS", Outcome: OutcomeResponse, Final: resp(405, "Method Not Allowed")}, "options-not-supported"},

		{"REGISTER 401 final without password", Exchange{Method: "REGISTER", Outcome: OutcomeResponse, Final: resp(401, "Unauthorized"), Challenges: 1}, "credentials-required"},
		{"REGISTER 401 after auth", Exchange{Method: "REGISTER", Outcome: OutcomeResponse, Final: resp(401, "Unauthorized"), AuthSent: true, CredentialsGiven: true, Challenges: 2}, "wrong-password"},
		{"REGISTER 407 after auth", Exchange{Method: "REGISTER", Outcome: OutcomeResponse, Final: resp(407, "Proxy Authentication Required"), AuthSent: true, CredentialsGiven: true}, "wrong-password"},
		{"401 unanswerable challenge", Exchange{Method: "REGISTER", Outcome: OutcomeResponse, Final: resp(401, "Unauthorized"), CredentialsGiven: true}, "auth-unsupported"},
		{"401 stale nonce phrase", Exchange{Method: "REGISTER", Outcome: OutcomeResponse, Final: resp(401, "AUTH Error: Stall nonce"), AuthSent: true}, "stale-nonce"},
		{"401 expired authorization", Exchange{Method: "REGISTER", Outcome: OutcomeResponse, Final: resp(401, "Expired Authorization"), AuthSent: true}, "authorization-expired"},

		{"REGISTER 403 without auth", Exchange{Method: "REGISTER", Outcome: OutcomeResponse, Final: resp(403, "Forbidden")}, "registration-forbidden"},
		{"REGISTER 403 after auth", Exchange{Method: "REGISTER", Outcome: OutcomeResponse, Final: resp(403, "Forbidden"), AuthSent: true}, "wrong-password"},
		{"REGISTER 403 Wrong Guess", Exchange{Method: "REGISTER", Outcome: OutcomeResponse, Final: resp(403, "Wrong Guess")}, "wrong-password"},
		{"REGISTER 403 User Disabled after auth", Exchange{Method: "REGISTER", Outcome: OutcomeResponse, Final: resp(403, "User Disabled"), AuthSent: true}, "user-disabled"},
		{"REGISTER 403 No Such User", Exchange{Method: "REGISTER", Outcome: OutcomeResponse, Final: resp(403, "No Such User")}, "unknown-user"},
		{"INVITE 403", Exchange{Method: "INVITE", Outcome: OutcomeResponse, Final: resp(403, "Forbidden"), AuthSent: true}, "call-forbidden"},
		{"INVITE 403 no money", Exchange{Method: "INVITE", Outcome: OutcomeResponse, Final: resp(403, "No Money Left on RFC Account")}, "no-funds"},

		{"REGISTER 404", Exchange{Method: "REGISTER", Outcome: OutcomeResponse, Final: resp(404, "Not Found")}, "unknown-user"},
		{"INVITE 404", Exchange{Method: "INVITE", Outcome: OutcomeResponse, Final: resp(404, "Not Found")}, "number-not-found"},
		{"OPTIONS 404 is alive", Exchange{Method: "OPTIONS", Outcome: OutcomeResponse, Final: resp(404, "Not Found")}, "options-answered"},
		{"OPTIONS 404 for a user is not reachable", Exchange{Method: "OPTIONS", ToUser: "120", Outcome: OutcomeResponse, Final: resp(404, "Not Found")}, "not-found"},
		{"OPTIONS 480 for a user", Exchange{Method: "OPTIONS", ToUser: "120", Outcome: OutcomeResponse, Final: resp(480, "Temporarily Unavailable")}, "temporarily-unavailable"},
		{"OPTIONS 486 for a user is reachable", Exchange{Method: "OPTIONS", ToUser: "120", Outcome: OutcomeResponse, Final: resp(486, "Busy Here")}, "options-answered"},
		{"OPTIONS 603 is alive", Exchange{Method: "OPTIONS", Outcome: OutcomeResponse, Final: resp(603, "Decline")}, "options-answered"},
		{"OPTIONS 302 is alive", Exchange{Method: "OPTIONS", Outcome: OutcomeResponse, Final: resp(302, "Moved Temporarily")}, "options-answered"},
		{"OPTIONS 501 is alive", Exchange{Method: "OPTIONS", Outcome: OutcomeResponse, Final: resp(501, "Not Implemented")}, "options-not-supported"},
		{"OPTIONS 503 is down", Exchange{Method: "OPTIONS", Outcome: OutcomeResponse, Final: resp(503, "Service Unavailable")}, "service-unavailable"},
		{"OPTIONS 408 is down", Exchange{Method: "OPTIONS", Outcome: OutcomeResponse, Final: resp(408, "Request Timeout")}, "request-timeout"},
		{"OPTIONS authenticated then 401 again", Exchange{Method: "OPTIONS", AuthSent: true, CredentialsGiven: true, Outcome: OutcomeResponse, Final: resp(401, "Unauthorized")}, "wrong-password"},
		{"OPTIONS authenticated then a bare 403", Exchange{Method: "OPTIONS", AuthSent: true, CredentialsGiven: true, Outcome: OutcomeResponse, Final: resp(403, "Forbidden")}, "wrong-password"},
		{"OPTIONS to a user challenged without a password", Exchange{Method: "OPTIONS", ToUser: "120", Outcome: OutcomeResponse, Final: resp(401, "Unauthorized")}, "credentials-required"},
		{"canceled while the plain-SIP check answered", Exchange{Method: "OPTIONS", Transport: "tls", Outcome: OutcomeCanceled, Alt: &AltTransport{Transport: "tcp", Answered: true, Code: 200}}, "canceled"},
		{"OPTIONS authenticated then 403 Wrong Guess", Exchange{Method: "OPTIONS", AuthSent: true, CredentialsGiven: true, Outcome: OutcomeResponse, Final: resp(403, "Wrong Guess")}, "wrong-password"},
		{"INVITE 404 Out of Order", Exchange{Method: "INVITE", Outcome: OutcomeResponse, Final: resp(404, "Out of Order")}, "no-route"},

		{"INVITE 486", Exchange{Method: "INVITE", Outcome: OutcomeResponse, Final: resp(486, "Busy Here")}, "busy"},
		{"INVITE 488", Exchange{Method: "INVITE", Outcome: OutcomeResponse, Final: resp(488, "Not Acceptable Here")}, "codec-mismatch"},
		{"INVITE 488 Private IP", Exchange{Method: "INVITE", Outcome: OutcomeResponse, Final: resp(488, "Private IP Address")}, "private-ip-rejected"},
		{"INVITE 415", Exchange{Method: "INVITE", Outcome: OutcomeResponse, Final: resp(415, "Unsupported Media Type")}, "codec-mismatch"},
		{"MESSAGE 415", Exchange{Method: "MESSAGE", Outcome: OutcomeResponse, Final: resp(415, "Unsupported Media Type")}, "unsupported-media-type"},
		{"INVITE 606", Exchange{Method: "INVITE", Outcome: OutcomeResponse, Final: resp(606, "Not Acceptable")}, "codec-mismatch"},
		{"INVITE 499 Codec Mismatch", Exchange{Method: "INVITE", Outcome: OutcomeResponse, Final: resp(499, "Codec Mismatch")}, "codec-mismatch"},
		{"INVITE 499 other", Exchange{Method: "INVITE", Outcome: OutcomeResponse, Final: resp(499, "Whatever")}, "unknown-4xx"},
		{"INVITE 480 with Q.850 17", Exchange{Method: "INVITE", Outcome: OutcomeResponse, Final: &Reply{Code: 480, Reason: "Temporarily Unavailable", ReasonHdr: "Q.850;cause=17;text=\"User busy\""}}, "busy"},
		{"INVITE 503 with Q.850 1", Exchange{Method: "INVITE", Outcome: OutcomeResponse, Final: &Reply{Code: 503, ReasonHdr: "SIP;cause=503, Q.850 ; cause = 1"}}, "number-not-found"},
		{"INVITE 486 with Q.850 16 keeps busy", Exchange{Method: "INVITE", Outcome: OutcomeResponse, Final: &Reply{Code: 486, ReasonHdr: "Q.850;cause=16"}}, "busy"},
		{"REGISTER 480 ignores Q.850", Exchange{Method: "REGISTER", Outcome: OutcomeResponse, Final: &Reply{Code: 480, ReasonHdr: "Q.850;cause=17"}}, "temporarily-unavailable"},
		{"INVITE 487 after ring timeout", Exchange{Method: "INVITE", Outcome: OutcomeResponse, Final: resp(487, "Request Terminated"), RingTimeout: true}, "no-answer"},
		{"ring timeout with 180 as last", Exchange{Method: "INVITE", Outcome: OutcomeResponse, Final: resp(180, "Ringing"), RingTimeout: true}, "no-answer"},
		{"INVITE 487 otherwise", Exchange{Method: "INVITE", Outcome: OutcomeResponse, Final: resp(487, "Request Terminated")}, "request-terminated"},
		{"REGISTER 423", Exchange{Method: "REGISTER", Outcome: OutcomeResponse, Final: &Reply{Code: 423, MinExpires: "3600"}}, "interval-too-brief"},
		{"503", Exchange{Method: "REGISTER", Outcome: OutcomeResponse, Final: &Reply{Code: 503, RetryAfter: "120"}}, "service-unavailable"},
		{"status code 700", Exchange{Outcome: OutcomeResponse, Final: resp(700, "X")}, "invalid-status-code"},
		{"status code 0", Exchange{Outcome: OutcomeResponse, Final: resp(0, "")}, "invalid-status-code"},
		{"599 unregistered", Exchange{Outcome: OutcomeResponse, Final: resp(599, "")}, "unknown-5xx"},
		{"4xx after UDP while TCP registers", Exchange{Method: "REGISTER", Transport: "udp", Outcome: OutcomeResponse, Final: resp(403, "Forbidden"), Alt: &AltTransport{Transport: "tcp", Answered: true, Code: 200}}, "transport-mismatch"},

		{"2xx no common codec", Exchange{Method: "INVITE", Outcome: OutcomeResponse, Final: resp(200, "OK"), NoCommonCodec: true}, "codec-mismatch"},
		{"2xx media rejected", Exchange{Method: "INVITE", Outcome: OutcomeResponse, Final: resp(200, "OK"), MediaRejected: true}, "media-rejected"},
		{"2xx private media address", Exchange{Method: "INVITE", Outcome: OutcomeResponse, Final: resp(200, "OK"), PrivateMediaAddr: true}, "nat-media-private-address"},
		{"2xx ACK lost beats private address", Exchange{Method: "INVITE", Outcome: OutcomeResponse, Final: resp(200, "OK"), PrivateMediaAddr: true, ACKNotReceived: true}, "ack-not-received"},
		{"2xx no RTP back", Exchange{Method: "INVITE", Outcome: OutcomeResponse, Final: resp(200, "OK"), NoRTPBack: true}, "no-rtp-back"},
		{"2xx REGISTER without contacts is ok", Exchange{Method: "REGISTER", Outcome: OutcomeResponse, Final: resp(200, "OK"), AuthSent: true}, "ok"},
		{"2xx REGISTER binding not listed", Exchange{Method: "REGISTER", Outcome: OutcomeResponse, Final: resp(200, "OK"), BindingNotListed: true}, "binding-not-listed"},
		{"2xx REGISTER query before --bind lists contacts", Exchange{Method: "REGISTER", Outcome: OutcomeResponse, Final: resp(200, "OK"), BindWouldEvict: true, Registered: 1}, "bind-would-evict"},
		{"2xx REGISTER --bind evicted a contact", Exchange{Method: "REGISTER", Outcome: OutcomeResponse, Final: resp(200, "OK"), ContactEvicted: true, Evicted: 1}, "contact-evicted"},
		{"2xx REGISTER without a challenge to our password", Exchange{Method: "REGISTER", Outcome: OutcomeResponse, Final: resp(200, "OK"), CredentialsGiven: true, CredentialsNotChecked: true}, "credentials-not-checked"},
		{"unchecked credentials beat an eviction", Exchange{Method: "REGISTER", Outcome: OutcomeResponse, Final: resp(200, "OK"), CredentialsNotChecked: true, ContactEvicted: true, Evicted: 1}, "credentials-not-checked"},
		{"eviction beats binding not listed", Exchange{Method: "REGISTER", Outcome: OutcomeResponse, Final: resp(200, "OK"), ContactEvicted: true, Evicted: 1, BindingNotListed: true}, "contact-evicted"},

		{"UDP timeout", Exchange{Method: "OPTIONS", Transport: "udp", Outcome: OutcomeTimeout}, "nat-timeout"},
		{"UDP timeout, TCP answered", Exchange{Method: "OPTIONS", Transport: "udp", Outcome: OutcomeTimeout, Alt: &AltTransport{Transport: "tcp", Answered: true, Code: 200}}, "nat-timeout"},
		{"UDP timeout, TCP refused", Exchange{Method: "OPTIONS", Transport: "udp", Outcome: OutcomeTimeout, Alt: &AltTransport{Transport: "tcp"}}, "nat-timeout"},
		{"UDP timeout, TCP silent too", Exchange{Method: "OPTIONS", Transport: "udp", Outcome: OutcomeTimeout, Alt: &AltTransport{Transport: "tcp", Silent: true}}, "no-response"},
		{"UDP timeout from a loopback or own address: no NAT between", Exchange{Method: "OPTIONS", Transport: "udp", Outcome: OutcomeTimeout, LocalPeer: true}, "no-response"},
		{"UDP timeout from a local peer, TCP refused", Exchange{Method: "OPTIONS", Transport: "udp", Outcome: OutcomeTimeout, LocalPeer: true, Alt: &AltTransport{Transport: "tcp"}}, "no-response"},
		{"UDP timeout from a local peer, TCP answered", Exchange{Method: "OPTIONS", Transport: "udp", Outcome: OutcomeTimeout, LocalPeer: true, Alt: &AltTransport{Transport: "tcp", Answered: true, Code: 200}}, "transport-mismatch"},
		{"TCP timeout", Exchange{Method: "OPTIONS", Transport: "tcp", Outcome: OutcomeTimeout}, "no-response"},
		{"TLS connect timeout", Exchange{Method: "OPTIONS", Transport: "tls", Outcome: OutcomeConnectTimeout}, "no-response"},
		{"TCP timeout, UDP answered", Exchange{Method: "REGISTER", Transport: "tcp", Outcome: OutcomeTimeout, Alt: &AltTransport{Transport: "udp", Answered: true, Code: 401}}, "transport-mismatch"},
		{"timeout after 100 Trying", Exchange{Method: "INVITE", Transport: "udp", Outcome: OutcomeTimeout, Provisional: []Reply{{Code: 100, Reason: "Trying"}}}, "no-final-response"},
		{"ring timeout", Exchange{Method: "INVITE", Transport: "udp", Outcome: OutcomeTimeout, RingTimeout: true, Provisional: []Reply{{Code: 180}}}, "no-answer"},
		{"ICMP unreachable", Exchange{Transport: "udp", Outcome: OutcomePortUnreachable}, "port-unreachable"},
		{"TCP refused", Exchange{Transport: "tcp", Outcome: OutcomeRefused}, "port-unreachable"},
		{"re-INVITE never ACKed", Exchange{Method: "INVITE", Final: resp(200, "OK"), ReinviteNoACK: true}, "reinvite-ack-missing"},
		{"re-INVITE never ACKed, no RTP back either", Exchange{Method: "INVITE", Final: resp(200, "OK"), ReinviteNoACK: true, NoRTPBack: true}, "no-rtp-back"},
		{"UDP closed, TCP answers", Exchange{Method: "OPTIONS", Transport: "udp", Outcome: OutcomePortUnreachable, Alt: &AltTransport{Transport: "tcp", Answered: true, Code: 200}}, "transport-mismatch"},
		{"UDP closed, TCP refused too", Exchange{Method: "OPTIONS", Transport: "udp", Outcome: OutcomePortUnreachable, Alt: &AltTransport{Transport: "tcp"}}, "port-unreachable"},
		{"ICMP host unreachable", Exchange{Transport: "udp", Outcome: OutcomeHostUnreachable, Unreachable: UnreachHost}, "host-unreachable"},
		{"no local route", Exchange{Transport: "udp", Outcome: OutcomeHostUnreachable, Unreachable: UnreachLocal}, "host-unreachable"},
		{"TCP no route to host", Exchange{Transport: "tcp", Outcome: OutcomeHostUnreachable}, "host-unreachable"},
		{"ICMP admin prohibited", Exchange{Transport: "udp", Outcome: OutcomeHostUnreachable, Unreachable: UnreachProhibited}, "firewall-rejected"},
		{"UDP timeout, TCP no route", Exchange{Method: "OPTIONS", Transport: "udp", Outcome: OutcomeTimeout, Alt: &AltTransport{Transport: "tcp", Unreachable: true}}, "host-unreachable"},
		{"connection closed", Exchange{Transport: "tcp", Outcome: OutcomeClosed}, "connection-closed"},
		{"TLS failure", Exchange{Transport: "tls", Outcome: OutcomeTLS, TLSFailure: TLSExpired}, "tls-failure"},
		{"DNS failure", Exchange{Outcome: OutcomeDNS, DNSFailure: DNSNotFound}, "dns-failure"},
		{"malformed", Exchange{Outcome: OutcomeMalformed}, "malformed-response"},
		{"too large", Exchange{Outcome: OutcomeTooLarge}, "udp-message-too-large"},
		{"canceled", Exchange{Outcome: OutcomeCanceled}, "canceled"},
		{"internal", Exchange{Outcome: OutcomeInternal}, "internal-error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, lang := range []Lang{EN, RU} {
				d := Default().Diagnose(tc.ex, lang)
				if d.ID != tc.want {
					t.Fatalf("%s: got %s (%s), want %s", lang, d.ID, d.Summary, tc.want)
				}
				if d.Summary == "" || len(d.Causes) == 0 || len(d.Remedies) == 0 {
					t.Fatalf("%s: incomplete diagnosis %+v", lang, d)
				}
			}
		})
	}
}

// TestDiagnoseNotes: the facts behind a diagnosis reach its notes.
func TestDiagnoseNotes(t *testing.T) {
	for _, tc := range []struct {
		name string
		ex   Exchange
		lang Lang
		want []string
	}{
		{"TCP unreachable too", Exchange{Method: "OPTIONS", Transport: "udp", Outcome: OutcomeTimeout, Alt: &AltTransport{Transport: "tcp", Unreachable: true}}, EN, []string{"no route to the host there either"}},
		{"Retry-After", Exchange{Method: "INVITE", Final: &Reply{Code: 503, RetryAfter: "120;duration=60"}}, EN, []string{"try again in 120 s"}},
		{"Retry-After ru", Exchange{Method: "INVITE", Final: &Reply{Code: 503, RetryAfter: "30"}}, RU, []string{"повторить через 30 с"}},
		{"Min-Expires", Exchange{Method: "REGISTER", Final: &Reply{Code: 423, MinExpires: "3600"}}, EN, []string{"--expires 3600"}},
		{"Warning code", Exchange{Method: "INVITE", Final: &Reply{Code: 488, Warning: `305 pbx "Incompatible media format"`}}, EN, []string{"Warning 305", "none of the offered codecs"}},
		{"Warning free text", Exchange{Method: "INVITE", Final: &Reply{Code: 488, Warning: "bad stuff"}}, EN, []string{"Warning header: bad stuff"}},
		{"Q.850", Exchange{Method: "INVITE", Final: &Reply{Code: 480, ReasonHdr: "Q.850;cause=34"}}, EN, []string{"Q.850 cause 34", "No circuit"}},
		{"Q.850 unknown cause", Exchange{Method: "INVITE", Final: &Reply{Code: 480, ReasonHdr: "Q.850;cause=99"}}, EN, []string{"Q.850 cause 99"}},
		{"Asterisk wrong password", Exchange{Method: "REGISTER", AuthSent: true, Final: &Reply{Code: 401, Server: "Asterisk PBX 20.5.0"}}, EN, []string{"unknown user, a wrong password and an ACL mismatch"}},
		{"vendor phrase is quoted", Exchange{Method: "INVITE", Final: resp(480, "Strange Vendor Words")}, EN, []string{`"480 Strange Vendor Words"`}},
		{"UDP silence, TCP answered", Exchange{Transport: "udp", Outcome: OutcomeTimeout, Alt: &AltTransport{Transport: "tcp", Answered: true, Code: 200}}, EN, []string{"Checked over TCP: the same server answered 200 OK"}},
		{"UDP silence, TCP silent", Exchange{Transport: "udp", Outcome: OutcomeTimeout, Alt: &AltTransport{Transport: "tcp", Silent: true}}, EN, []string{"Checked over TCP: no answer there either"}},
		{"UDP silence, TCP refused", Exchange{Transport: "udp", Outcome: OutcomeTimeout, Alt: &AltTransport{Transport: "tcp"}}, EN, []string{"Checked over TCP: nothing accepts TCP there"}},
		{"UDP silence, TCP answered ru", Exchange{Transport: "udp", Outcome: OutcomeTimeout, Alt: &AltTransport{Transport: "tcp", Answered: true}}, RU, []string{"Проверка по TCP: тот же сервер ответил"}},
		{"provisional", Exchange{Outcome: OutcomeTimeout, Provisional: []Reply{{Code: 100}}}, EN, []string{"100 Trying"}},
		{"detail", Exchange{Outcome: OutcomeDNS, Detail: "SRV _sip._udp.x: NXDOMAIN; A x: NXDOMAIN"}, EN, []string{"SRV _sip._udp.x"}},
		{"second media finding", Exchange{Method: "INVITE", Final: resp(200, "OK"), NoRTPBack: true, PrivateMediaAddr: true}, EN, []string{"Also: The call was answered, but the server's SDP answer gives a private media address"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Default().Diagnose(tc.ex, tc.lang)
			notes := strings.Join(d.Notes, "\n")
			for _, w := range tc.want {
				if !strings.Contains(notes, w) {
					t.Errorf("notes lack %q:\n%s", w, notes)
				}
			}
		})
	}
}

func TestSummaryPlaceholders(t *testing.T) {
	c := Default()
	d := c.Diagnose(Exchange{Method: "REGISTER", AuthSent: true, User: "120", Final: resp(403, "Forbidden")}, EN)
	if !strings.Contains(d.Summary, "for 120") {
		t.Errorf("user missing: %q", d.Summary)
	}
	d = c.Diagnose(Exchange{Method: "REGISTER", AuthSent: true, Final: resp(403, "Forbidden")}, RU)
	if strings.Contains(d.Summary, "пользователя ") || strings.ContainsAny(d.Summary, "{}[]") {
		t.Errorf("empty user left a hole: %q", d.Summary)
	}
	d = c.Diagnose(Exchange{Transport: "tls", Outcome: OutcomeTLS, TLSFailure: TLSNameMismatch, Target: "sips:pbx.example.com"}, EN)
	if !strings.Contains(d.Summary, "another name") || !strings.Contains(d.Summary, "pbx.example.com") {
		t.Errorf("TLS kind summary: %q", d.Summary)
	}
	d = c.Diagnose(Exchange{Outcome: OutcomeDNS, DNSFailure: "weird"}, EN)
	if d.ID != "dns-failure" || d.Summary == "" {
		t.Errorf("unknown DNS kind: %+v", d)
	}
}

func TestExplainText(t *testing.T) {
	c := Default()
	for _, tc := range []struct{ in, want string }{
		{"403 Wrong Guess", "wrong-password"},
		{"SIP 403: Wrong Guess", "wrong-password"},
		{"SIP/2.0 486 Busy Here", "busy"},
		{"sip/2.0 503 Service Unavailable", "service-unavailable"},
		{"403: Wrong Guess", "wrong-password"},
		{"488", "codec-mismatch"},
		{"484 – Addres incomplete", "address-incomplete"},
		{"timeout", "nat-timeout"},
		{"nat-timeout", "nat-timeout"},
		{"tls name mismatch", "tls-failure"},
		{"dns no answer", "dns-failure"},
		{"wrong guess", "wrong-password"},
		{"no such user", "unknown-user"},
		{"   ", ""},
		{"banana", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			d, ok := c.ExplainText(tc.in, EN)
			if ok != (tc.want != "") || d.ID != tc.want {
				t.Errorf("got %q %v, want %q", d.ID, ok, tc.want)
			}
		})
	}
	d, _ := c.ExplainText("tls expired", RU)
	if !strings.Contains(d.Summary, "срок действия") {
		t.Errorf("kind not applied: %q", d.Summary)
	}
}

// TestUnreachableKinds: who reported the server unreachable picks the
// summary, so the admin knows whether to look at this machine's routes,
// a router, or the server itself.
func TestUnreachableKinds(t *testing.T) {
	for _, tc := range []struct {
		kind string
		want map[Lang]string
	}{
		{UnreachHost, map[Lang]string{EN: "ICMP host unreachable", RU: "ICMP host unreachable"}},
		{UnreachNet, map[Lang]string{EN: "ICMP network unreachable", RU: "ICMP network unreachable"}},
		{UnreachLocal, map[Lang]string{EN: "This machine has no route", RU: "нет маршрута"}},
		{"", map[Lang]string{EN: "no route to the host", RU: "нет маршрута до узла"}},
	} {
		t.Run("kind "+tc.kind, func(t *testing.T) {
			for lang, want := range tc.want {
				d := Default().Diagnose(Exchange{Transport: "udp", Outcome: OutcomeHostUnreachable, Unreachable: tc.kind, Target: "sip:pbx.test"}, lang)
				if d.ID != "host-unreachable" || !strings.Contains(d.Summary, want) || !strings.Contains(d.Summary, "sip:pbx.test") {
					t.Errorf("%s: got %s %q, want %q and the target in it", lang, d.ID, d.Summary, want)
				}
			}
		})
	}
}
