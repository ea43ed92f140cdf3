package catalog

import (
	"strings"
	"testing"
)

// TestDNSFailureCausesDistinct: a kind's causes come before the entry's
// own; the two must not say the same thing twice ("A typo in the server
// name…", "A typo in the name…").
func TestDNSFailureCausesDistinct(t *testing.T) {
	c := Default()
	for _, kind := range []string{DNSNotFound, DNSNoAnswer, DNSServer} {
		for _, lang := range []Lang{EN, RU} {
			t.Run(kind+"/"+string(lang), func(t *testing.T) {
				d := c.Diagnose(Exchange{Method: "OPTIONS", Outcome: OutcomeDNS, DNSFailure: kind, Target: "sip:pbx.example.com"}, lang)
				seen := map[string]string{}
				for _, cause := range d.Causes {
					w := strings.Fields(strings.ToLower(cause))
					if len(w) > 3 {
						w = w[:3]
					}
					for i := range w {
						w[i] = strings.Trim(w[i], ",.;:")
					}
					key := strings.Join(w, " ")
					if prev, dup := seen[key]; dup {
						t.Errorf("causes repeat themselves:\n  %s\n  %s", prev, cause)
					}
					seen[key] = cause
				}
			})
		}
	}
}
