package catalog

import "testing"

// BenchmarkDiagnoseRegister matches a REGISTER exchange against the rules
// and renders its diagnosis, as every probe of a sweep does once (issue
// 13); it measures and asserts nothing about speed.
func BenchmarkDiagnoseRegister(b *testing.B) {
	cat := Default()
	cases := []struct {
		name string
		ex   Exchange
	}{
		{"accepted", Exchange{Method: "REGISTER", Transport: "udp", Outcome: OutcomeResponse, User: "u00001",
			Target: "sip:127.0.0.1:5060", CredentialsGiven: true, AuthSent: true, Challenges: 1,
			Final: &Reply{Code: 200, Reason: "OK", Server: "kamailio (5.6.3 (x86_64/linux))"}}},
		{"refused", Exchange{Method: "REGISTER", Transport: "udp", Outcome: OutcomeResponse, User: "u00001",
			Target: "sip:127.0.0.1:5060", CredentialsGiven: true, AuthSent: true, Challenges: 2,
			Final: &Reply{Code: 401, Reason: "Unauthorized", Server: "kamailio (5.6.3 (x86_64/linux))"}}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = cat.Diagnose(c.ex, EN)
			}
		})
	}
}
