package probe

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/internal/kamailio"
	"github.com/sipprobe/sipprobe/internal/testcerts"
	"github.com/sipprobe/sipprobe/results"
)

// Integration tests against a real Kamailio registrar with digest auth
// (internal/kamailio). They skip without Kamailio locally and fail in CI.

func kamProbe(t *testing.T, kind Kind, cfg Config) results.Result {
	t.Helper()
	if cfg.Timeout == 0 {
		cfg.Timeout = 3 * time.Second
	}
	if cfg.Domain == "" && cfg.User != "" {
		cfg.Domain = kamailio.DefaultRealm
	}
	return Run(context.Background(), kind, cfg, WithResolver(net.DefaultResolver))
}

func wantDiagnosis(t *testing.T, r results.Result, id string, status results.Status) {
	t.Helper()
	if r.Diagnosis.ID != id || r.Status != status {
		t.Fatalf("got %s/%s (%d %s: %s; notes %v), want %s/%s", r.Diagnosis.ID, r.Status, r.FinalCode, r.FinalReason, r.Diagnosis.Summary, r.Diagnosis.Notes, id, status)
	}
}

func TestKamailioTransports(t *testing.T) {
	k := kamailio.Start(t)
	for _, tr := range []string{"udp", "tcp", "tls"} {
		t.Run("options over "+tr, func(t *testing.T) {
			r := kamProbe(t, KindOptions, Config{Target: k.Addr(tr), Transport: tr, TLS: TLSConfig{CAFile: k.Certs.CAFile}})
			wantDiagnosis(t, r, "ok", results.StatusOK)
			if r.FinalCode != 200 || r.Transport != tr {
				t.Errorf("final %d over %s", r.FinalCode, r.Transport)
			}
			if r.Details == nil || !strings.Contains(r.Details.ServerAgent, "kamailio") {
				t.Errorf("server agent not reported: %+v", r.Details)
			}
			if tr != "udp" && r.Timings.Connect <= 0 {
				t.Errorf("connect time not measured over %s", tr)
			}
			if tr == "tls" && (r.Details.TLS == nil || r.Details.TLS.Version == "") {
				t.Errorf("TLS session not described: %+v", r.Details.TLS)
			}
		})
		t.Run("register over "+tr, func(t *testing.T) {
			r := kamProbe(t, KindRegister, Config{Target: k.Addr(tr), Transport: tr, User: "120", Password: k.Accounts["120"], TLS: TLSConfig{CAFile: k.Certs.CAFile}})
			// No device is registered for 120: credentials fine, worth a warning.
			if r.FinalCode != 200 || r.Diagnosis.ID == "wrong-password" {
				t.Fatalf("final %d, diagnosis %s", r.FinalCode, r.Diagnosis.ID)
			}
			if r.Details.ContactCount == nil || *r.Details.ContactCount != 0 {
				t.Errorf("contact count = %v", r.Details.ContactCount)
			}
			if r.Details.NAT == nil || r.Details.NAT.Detected {
				t.Errorf("NAT info = %+v, want rport seen and no NAT on loopback", r.Details.NAT)
			}
		})
	}
	t.Run("sips: URI selects TLS", func(t *testing.T) {
		r := kamProbe(t, KindOptions, Config{Target: "sips:" + k.Addr("tls"), TLS: TLSConfig{CAFile: k.Certs.CAFile}})
		wantDiagnosis(t, r, "ok", results.StatusOK)
		if r.Transport != "tls" {
			t.Errorf("transport %s", r.Transport)
		}
	})
}

func TestKamailioCredentials(t *testing.T) {
	tests := []struct {
		name      string
		opts      []kamailio.Option
		user, pw  string
		diagnosis string
		responses int // exactly one authenticated attempt per challenge
	}{
		{"right password", nil, "121", "secret121", "", 2},
		{"wrong password: fresh 401", nil, "120", "nope", "wrong-password", 2},
		{"wrong password: 403 Wrong Guess", []kamailio.Option{kamailio.WithWrongPassword403()}, "120", "nope", "wrong-password", 2},
		{"unknown user: 404", nil, "999", "x", "unknown-user", 2},
		{"unknown user, Asterisk style 401", []kamailio.Option{kamailio.WithUnknownUser(kamailio.UnknownUserChallenge)}, "999", "x", "wrong-password", 2},
		{"qop=auth", []kamailio.Option{kamailio.WithQop()}, "120", "secret120", "", 2},
		{"SHA-256 (RFC 8760)", []kamailio.Option{kamailio.WithSHA256(), kamailio.WithQop()}, "120", "secret120", "", 2},
		{"SHA-256 wrong password", []kamailio.Option{kamailio.WithSHA256()}, "120", "nope", "wrong-password", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := kamailio.Start(t, tt.opts...)
			r := kamProbe(t, KindRegister, Config{Target: k.Addr("udp"), User: tt.user, Password: tt.pw})
			if tt.diagnosis == "" {
				if r.FinalCode != 200 || r.Status == results.StatusCritical {
					t.Fatalf("got %d %s (%s)", r.FinalCode, r.FinalReason, r.Diagnosis.ID)
				}
			} else {
				wantDiagnosis(t, r, tt.diagnosis, results.StatusCritical)
			}
			if want := "MD5"; strings.Contains(tt.name, "SHA-256") {
				want = "SHA-256"
				if r.Details.AuthAlgorithm != want {
					t.Errorf("answered with %q, want %s", r.Details.AuthAlgorithm, want)
				}
			}
			if len(r.Responses) != tt.responses {
				t.Errorf("responses %+v, want %d (one challenge, one authenticated attempt)", r.Responses, tt.responses)
			}
		})
	}
	t.Run("no password given", func(t *testing.T) {
		k := kamailio.Start(t)
		r := kamProbe(t, KindRegister, Config{Target: k.Addr("udp"), User: "120"})
		// Without a password nothing could be checked: say so, send nothing more.
		wantDiagnosis(t, r, "credentials-required", results.StatusUnknown)
		if r.FinalCode != 401 || len(r.Responses) != 1 {
			t.Fatalf("got %d with %d responses", r.FinalCode, len(r.Responses))
		}
	})
	t.Run("OPTIONS challenged without credentials means alive", func(t *testing.T) {
		k := kamailio.Start(t, kamailio.WithOptionsAuth())
		r := kamProbe(t, KindOptions, Config{Target: k.Addr("udp")})
		if r.Status != results.StatusOK || r.FinalCode != 401 {
			t.Fatalf("got %s %d (%s)", r.Status, r.FinalCode, r.Diagnosis.ID)
		}
	})
}

func TestKamailioBindings(t *testing.T) {
	k := kamailio.Start(t)
	const phone = "sip:120@192.0.2.44:5062"
	k.AddContact(t, "120", phone, time.Hour)
	before := k.Contacts(t, "120")

	t.Run("default register leaves bindings alone and reports them", func(t *testing.T) {
		r := kamProbe(t, KindRegister, Config{Target: k.Addr("udp"), User: "120", Password: k.Accounts["120"]})
		wantDiagnosis(t, r, "ok", results.StatusOK)
		after := k.Contacts(t, "120")
		if len(after) != len(before) || after[0].Address != before[0].Address {
			t.Fatalf("bindings changed: before %+v after %+v", before, after)
		}
		if r.Details.ContactCount == nil || *r.Details.ContactCount != 1 || !strings.Contains(r.Details.Contacts[0].URI, "192.0.2.44") {
			t.Errorf("reported contacts %+v", r.Details.Contacts)
		}
		for _, m := range r.Messages {
			if m.Dir == results.DirOut && strings.Contains(m.Raw, "\r\nContact:") {
				t.Errorf("a credentials check sent a Contact:\n%s", m.Raw)
			}
		}
	})
	for _, tr := range []string{"udp", "tcp"} {
		t.Run("--bind on an account with a phone binds nothing over "+tr, func(t *testing.T) {
			r := kamProbe(t, KindRegister, Config{Target: k.Addr(tr), Transport: tr, User: "120", Password: k.Accounts["120"], Bind: true, Expires: 30})
			wantDiagnosis(t, r, "bind-would-evict", results.StatusWarning)
			if r.Status.ExitCode() != 1 {
				t.Errorf("exit code %d, want 1", r.Status.ExitCode())
			}
			d := r.Details
			if !d.BindSkipped || d.ContactCount == nil || *d.ContactCount != 1 || d.Contacts[0].URI != phone {
				t.Errorf("details %+v, want the phone's contact listed and the bind skipped", d)
			}
			wantOnlyPhone(t, k, phone)
			for _, m := range r.Messages {
				if m.Dir == results.DirOut && strings.Contains(m.Raw, "\r\nContact:") {
					t.Errorf("sent a Contact:\n%s", m.Raw)
				}
			}
		})
		t.Run("--bind --allow-evict on a multi-contact registrar evicts nothing over "+tr, func(t *testing.T) {
			r := kamProbe(t, KindRegister, Config{Target: k.Addr(tr), Transport: tr, User: "120", Password: k.Accounts["120"], Bind: true, AllowEvict: true, Expires: 30})
			wantDiagnosis(t, r, "ok", results.StatusOK)
			d := r.Details
			if d.BindingVerified == nil || !*d.BindingVerified || d.Unbound == nil || !*d.Unbound || len(d.Evicted) != 0 {
				t.Fatalf("verified %v, unbound %v, evicted %+v", d.BindingVerified, d.Unbound, d.Evicted)
			}
			wantOnlyPhone(t, k, phone)
			for _, m := range r.Messages {
				if m.Dir == results.DirOut && strings.Contains(m.Raw, "Contact: *") {
					t.Error("sent a wildcard Contact")
				}
			}
		})
	}
}

// wantOnlyPhone fails unless the account's only binding is phone.
func wantOnlyPhone(t *testing.T, k *kamailio.Server, phone string) {
	t.Helper()
	if after := k.Contacts(t, "120"); len(after) != 1 || after[0].Address != phone {
		t.Fatalf("the account has %+v, want only the phone %s", after, phone)
	}
}

// TestKamailioBindEviction runs --bind against registrars that keep one
// contact per account (issue 8): the phone must be there afterwards, or
// at least nothing pointing at sipprobe.
func TestKamailioBindEviction(t *testing.T) {
	const phone = "sip:120@192.0.2.44:5062"
	t.Run("empty account: bound, verified, removed", func(t *testing.T) {
		k := kamailio.Start(t, kamailio.WithSingleContact())
		r := kamProbe(t, KindRegister, Config{Target: k.Addr("udp"), User: "120", Password: k.Accounts["120"], Bind: true, Expires: 30})
		wantDiagnosis(t, r, "ok", results.StatusOK)
		if d := r.Details; d.BindingVerified == nil || !*d.BindingVerified || d.Unbound == nil || !*d.Unbound {
			t.Fatalf("details %+v", d)
		}
		if after := k.Contacts(t, "120"); len(after) != 0 {
			t.Fatalf("left behind: %+v", after)
		}
	})
	t.Run("single contact: the phone is evicted and restored", func(t *testing.T) {
		k := kamailio.Start(t, kamailio.WithSingleContact())
		k.AddContact(t, "120", phone, time.Hour)
		r := kamProbe(t, KindRegister, Config{Target: k.Addr("udp"), User: "120", Password: k.Accounts["120"], Bind: true, AllowEvict: true, Expires: 30})
		wantDiagnosis(t, r, "contact-evicted", results.StatusWarning)
		ev := r.Details.Evicted
		if len(ev) != 1 || ev[0].URI != phone || !ev[0].Restored || ev[0].RewrittenAs != "" {
			t.Fatalf("evicted %+v, want the phone restored", ev)
		}
		if ev[0].Expires < 3500 || ev[0].Expires >= 3600 {
			t.Errorf("re-registered for %ds, want what it had left (just under 3600)", ev[0].Expires)
		}
		wantOnlyPhone(t, k, phone)
	})
	t.Run("single contact and rewriting: nothing points at sipprobe afterwards", func(t *testing.T) {
		k := kamailio.Start(t, kamailio.WithSingleContact(), kamailio.WithContactRewrite())
		k.AddContact(t, "120", phone, time.Hour)
		r := kamProbe(t, KindRegister, Config{Target: k.Addr("udp"), User: "120", Password: k.Accounts["120"], Bind: true, AllowEvict: true, Expires: 30})
		wantDiagnosis(t, r, "contact-evicted", results.StatusWarning)
		ev := r.Details.Evicted
		if len(ev) != 1 || ev[0].URI != phone || ev[0].Restored || ev[0].RewrittenAs == "" ||
			ev[0].RewriteRemoved == nil || !*ev[0].RewriteRemoved {
			t.Fatalf("evicted %+v, want the phone rewritten and the rewrite removed", ev)
		}
		if !strings.Contains(ev[0].RewrittenAs, r.LocalAddr) {
			t.Errorf("rewritten as %s, want our address %s", ev[0].RewrittenAs, r.LocalAddr)
		}
		for _, c := range k.Contacts(t, "120") {
			if strings.Contains(c.Address, r.LocalAddr) {
				t.Errorf("a binding points at sipprobe: %+v", c)
			}
		}
	})
}

func TestKamailioTLSFailures(t *testing.T) {
	certs := testcerts.New(t)
	tests := []struct {
		name    string
		cert    testcerts.Pair
		cfg     TLSConfig
		failure string
	}{
		{"system roots do not trust the test CA", certs.Server, TLSConfig{}, catalog.TLSUnknownAuthority},
		{"untrusted CA", certs.Untrusted, TLSConfig{CAFile: certs.CAFile}, catalog.TLSUnknownAuthority},
		{"expired", certs.Expired, TLSConfig{CAFile: certs.CAFile}, catalog.TLSExpired},
		{"wrong name", certs.WrongName, TLSConfig{CAFile: certs.CAFile}, catalog.TLSNameMismatch},
		{"--ca-file makes it pass", certs.Server, TLSConfig{CAFile: certs.CAFile}, ""},
		{"--server-name picks the name to verify", certs.WrongName, TLSConfig{CAFile: certs.CAFile, ServerName: "wrong.test"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := kamailio.Start(t, kamailio.WithCerts(certs), kamailio.WithServerCert(tt.cert))
			r := kamProbe(t, KindOptions, Config{Target: k.Addr("tls"), Transport: "tls", TLS: tt.cfg})
			if tt.failure == "" {
				wantDiagnosis(t, r, "ok", results.StatusOK)
				return
			}
			if r.Status != results.StatusCritical || !strings.HasPrefix(r.Diagnosis.ID, "tls") {
				t.Fatalf("got %s/%s", r.Diagnosis.ID, r.Status)
			}
			if r.Details.TLS == nil || r.Details.TLS.Failure != tt.failure {
				t.Errorf("TLS details %+v, want failure %s", r.Details.TLS, tt.failure)
			}
		})
	}
	t.Run("unreadable --ca-file is a usage problem", func(t *testing.T) {
		r := Run(context.Background(), KindOptions, Config{Target: "127.0.0.1:1", Transport: "tls", TLS: TLSConfig{CAFile: "/nonexistent.pem"}})
		if r.Status != results.StatusUnknown || !strings.Contains(r.Error, "--ca-file") {
			t.Fatalf("got %s: %s", r.Status, r.Error)
		}
	})
}
