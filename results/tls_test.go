package results

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/sipprobe/sipprobe/catalog"
)

// TestPromTLSAndContacts: the certificate expiry and the contact count
// are exported for the results that have them, and only for those.
func TestPromTLSAndContacts(t *testing.T) {
	expiry := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	days, two, zero := 1.5, 2, 0
	rs := []Result{
		{Name: "tls-alive", Probe: "options", Target: "sips:pbx", Transport: "tls", Status: StatusWarning, Diagnosis: catalog.Diagnosis{ID: "tls-cert-expiring"},
			Details: &Details{TLS: &TLSInfo{Version: "TLS 1.3", NotAfter: expiry.Add(time.Hour).Format(time.RFC3339), EarliestNotAfter: expiry.Format(time.RFC3339), DaysLeft: &days}}},
		{Name: "reg-two", Probe: "register", Target: "sip:pbx", Transport: "udp", Status: StatusOK, Diagnosis: catalog.Diagnosis{ID: "ok"}, Details: &Details{ContactCount: &two}},
		{Name: "reg-none", Probe: "register", Target: "sip:pbx", Transport: "udp", Status: StatusWarning, Diagnosis: catalog.Diagnosis{ID: "no-contacts"}, Details: &Details{ContactCount: &zero}},
		{Name: "reg-refused", Probe: "register", Target: "sip:pbx", Transport: "udp", Status: StatusCritical, Diagnosis: catalog.Diagnosis{ID: "wrong-password"}},
		{Name: "tls-refused", Probe: "options", Target: "sips:pbx", Transport: "tls", Status: StatusCritical, Diagnosis: catalog.Diagnosis{ID: "tls-failure"}, Details: &Details{TLS: &TLSInfo{Failure: "plain-sip"}}},
	}
	p := NewProm()
	for _, r := range rs {
		if err := p.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := p.Write(&buf, time.Now()); err != nil {
		t.Fatal(err)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := parser.TextToMetricFamilies(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatalf("not valid exposition: %v\n%s", err, buf.String())
	}
	series := func(metric string) map[string]float64 {
		out := map[string]float64{}
		for _, m := range mfs[metric].GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["kind"] == "" || labels["target"] == "" || labels["transport"] == "" {
				t.Errorf("%s: labels %v", metric, labels)
			}
			out[labels["name"]] = m.GetGauge().GetValue()
		}
		return out
	}
	for _, tc := range []struct {
		metric string
		want   map[string]float64
	}{
		{"sipprobe_tls_cert_expiry_timestamp_seconds", map[string]float64{"tls-alive": float64(expiry.Unix())}},
		{"sipprobe_register_contacts", map[string]float64{"reg-two": 2, "reg-none": 0}},
	} {
		t.Run(tc.metric, func(t *testing.T) {
			got := series(tc.metric)
			if len(got) != len(tc.want) {
				t.Errorf("series %v, want %v", got, tc.want)
			}
			for name, v := range tc.want {
				if g, ok := got[name]; !ok || g != v {
					t.Errorf("%s: got %v (present %v), want %v", name, g, ok, v)
				}
			}
		})
	}
	t.Run("a repeat without the value drops the series", func(t *testing.T) {
		r := rs[0]
		r.Details = &Details{TLS: &TLSInfo{Failure: "handshake"}}
		_ = p.Add(r)
		var buf bytes.Buffer
		_ = p.Write(&buf, time.Now())
		if strings.Contains(buf.String(), "sipprobe_tls_cert_expiry_timestamp_seconds{") {
			t.Errorf("stale expiry series:\n%s", buf.String())
		}
	})
}

func TestTLSTextLine(t *testing.T) {
	days, yes, no := 1.5, true, false
	base := TLSInfo{Version: "TLS 1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", PeerSubject: "CN=pbx", NotAfter: "2030-01-02T03:04:05Z", EarliestNotAfter: "2030-01-02T03:04:05Z", DaysLeft: &days}
	for _, tc := range []struct {
		name     string
		verified *bool
		err      string
		want     string
	}{
		{"verified", &yes, "", "(1.5 days); chain verified"},
		{"not verified", &no, "x509: certificate signed by unknown authority\x1b[31m", `chain NOT verified: "x509: certificate signed by unknown authority\x1b[31m"`},
		{"unknown", nil, "", "(1.5 days)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			info := base
			info.Verified, info.VerifyError = tc.verified, tc.err
			var b strings.Builder
			writeDetails(&b, Result{Details: &Details{TLS: &info}}, catalog.EN)
			if !strings.Contains(b.String(), tc.want) || strings.Contains(b.String(), "\x1b") {
				t.Errorf("got %q, want %q in it and no raw escape", b.String(), tc.want)
			}
		})
	}
}
