package kamailio_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/kamailio"
	"github.com/sipprobe/sipprobe/internal/testcerts"
	"github.com/sipprobe/sipprobe/internal/testpeers"
)

// A REGISTER without Contact is a query (RFC 3261 §10.2.3): the 200 OK
// lists the bindings and nothing changes. sipprobe's default register
// probe relies on exactly this.
func TestRegisterWithoutContactListsBindings(t *testing.T) {
	s := kamailio.Start(t)
	const phone = "sip:120@127.0.0.1:5999"
	s.AddContact(t, "120", phone, time.Hour)
	resp := register(t, dial(t, s, "udp"), "120", "secret120")
	if resp.Code != 200 || !strings.Contains(strings.Join(resp.Headers.Values("Contact"), ","), phone) {
		t.Fatalf("want 200 listing %s, got:\n%s", phone, resp.Raw)
	}
	if got := s.Contacts(t, "120"); len(got) != 1 || got[0].Address != phone {
		t.Fatalf("bindings changed: %+v", got)
	}
}

func TestRegisterBindAndMaxContacts(t *testing.T) {
	s := kamailio.Start(t, kamailio.WithMaxContacts(1))
	c := dial(t, s, "udp")
	own := "<sip:120@" + c.LocalAddr().String() + ">"
	if resp := register(t, c, "120", "secret120", "Contact: "+own, "Expires: 60"); resp.Code != 200 {
		t.Fatalf("bind: %s", resp.Raw)
	}
	if got := s.Contacts(t, "120"); len(got) != 1 {
		t.Fatalf("want our binding, got %+v", got)
	}
	other := dial(t, s, "udp")
	resp := register(t, other, "120", "secret120", "Contact: <sip:120@"+other.LocalAddr().String()+">")
	if resp.Code < 400 {
		t.Fatalf("second contact beyond max_contacts=1 accepted:\n%s", resp.Raw)
	}
	t.Logf("beyond max_contacts: %d %s", resp.Code, resp.Reason)
	// Unbinding exactly our contact leaves none.
	if resp := register(t, c, "120", "secret120", "Contact: "+own, "Expires: 0"); resp.Code != 200 {
		t.Fatalf("unbind: %s", resp.Raw)
	}
	if got := s.Contacts(t, "120"); len(got) != 0 {
		t.Fatalf("binding left: %+v", got)
	}
}

// WithSingleContact: a new contact replaces the account's others, as
// Asterisk max_contacts=1 + remove_existing=yes does.
// WithContactRewrite: the stored contact is the request's source address.
func TestRegisterSingleContactAndRewrite(t *testing.T) {
	const phone = "sip:120@192.0.2.44:5062"
	for _, tc := range []struct {
		name    string
		opts    []kamailio.Option
		rewrite bool
	}{
		{"single contact", []kamailio.Option{kamailio.WithSingleContact()}, false},
		{"single contact and rewrite", []kamailio.Option{kamailio.WithSingleContact(), kamailio.WithContactRewrite()}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := kamailio.Start(t, tc.opts...)
			s.AddContact(t, "120", phone, time.Hour)
			c := dial(t, s, "udp")
			own := "sip:121@" + c.LocalAddr().String()
			if resp := register(t, c, "120", "secret120", "Contact: <"+own+">", "Expires: 60"); resp.Code != 200 {
				t.Fatalf("bind: %s", resp.Raw)
			}
			if got := s.Contacts(t, "120"); len(got) != 1 || got[0].Address != own {
				t.Fatalf("want only %s, got %+v", own, got)
			}
			// Registering the phone's contact from here: stored as sent, or
			// rewritten to this connection's address.
			if resp := register(t, c, "120", "secret120", "Contact: <"+phone+">", "Expires: 60"); resp.Code != 200 {
				t.Fatalf("re-register: %s", resp.Raw)
			}
			want := phone
			if tc.rewrite {
				want = "sip:120@" + c.LocalAddr().String()
			}
			if got := s.Contacts(t, "120"); len(got) != 1 || got[0].Address != want {
				t.Fatalf("want only %s, got %+v", want, got)
			}
		})
	}
}

func TestOptionsAuth(t *testing.T) {
	s := kamailio.Start(t, kamailio.WithOptionsAuth())
	c := dial(t, s, "udp")
	resp, err := c.RoundTrip(c.Request("OPTIONS", "sip:pbx.test", "sip:120@pbx.test"), rtt)
	if err != nil || resp.Code != 401 {
		t.Fatalf("want 401, got %v %+v", err, resp)
	}
	auth, err := testpeers.Authorization(resp, "OPTIONS", "sip:pbx.test", "120", "secret120")
	if err != nil {
		t.Fatal(err)
	}
	if resp, err = c.RoundTrip(c.Request("OPTIONS", "sip:pbx.test", "sip:120@pbx.test", auth), rtt); err != nil || resp.Code != 200 {
		t.Fatalf("want 200 after auth, got %v %+v", err, resp)
	}
}

// The TLS listener presents what the options ask for, so that client
// tests can provoke each tls-failure cause.
func TestTLSCertificates(t *testing.T) {
	certs := testcerts.New(t)
	for _, tc := range []struct {
		name   string
		opts   []kamailio.Option
		client bool
		want   any // nil or a pointer to the expected error type
	}{
		{name: "valid"},
		{name: "expired", opts: []kamailio.Option{kamailio.WithServerCert(certs.Expired)}, want: &x509.CertificateInvalidError{}},
		{name: "wrong name", opts: []kamailio.Option{kamailio.WithServerCert(certs.WrongName)}, want: &x509.HostnameError{}},
		{name: "untrusted", opts: []kamailio.Option{kamailio.WithServerCert(certs.Untrusted)}, want: &x509.UnknownAuthorityError{}},
		{name: "mutual TLS", opts: []kamailio.Option{kamailio.WithRequireClientCert()}, client: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := kamailio.Start(t, append(tc.opts, kamailio.WithCerts(certs))...)
			conf := &tls.Config{RootCAs: certs.Pool(), ServerName: "pbx.test"}
			if tc.client {
				pair, err := certs.Client.TLS()
				if err != nil {
					t.Fatal(err)
				}
				conf.Certificates = []tls.Certificate{pair}
			}
			c, err := testpeers.DialSIP(context.Background(), "tls", s.Addr("tls"), conf)
			if tc.want != nil {
				if err == nil || !errors.As(err, tc.want) {
					t.Fatalf("want %T, got %v", tc.want, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			resp, err := c.RoundTrip(c.Request("OPTIONS", "sip:pbx.test", "sip:probe@pbx.test"), rtt)
			if err != nil || resp.Code != 200 {
				t.Fatalf("OPTIONS over TLS: %v %+v", err, resp)
			}
		})
	}
}
