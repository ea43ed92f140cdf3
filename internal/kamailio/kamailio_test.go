package kamailio_test

import (
	"context"
	"crypto/tls"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/kamailio"
	"github.com/sipprobe/sipprobe/internal/testpeers"
)

const rtt = 2 * time.Second

func dial(t *testing.T, s *kamailio.Server, transport string) *testpeers.SIPConn {
	t.Helper()
	conf := &tls.Config{RootCAs: s.Certs.Pool(), ServerName: "pbx.test"}
	c, err := testpeers.DialSIP(context.Background(), transport, s.Addr(transport), conf)
	if err != nil {
		t.Fatalf("dial %s: %v", transport, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestOptionsEveryTransport(t *testing.T) {
	s := kamailio.Start(t)
	for _, transport := range []string{"udp", "tcp", "tls"} {
		t.Run(transport, func(t *testing.T) {
			c := dial(t, s, transport)
			resp, err := c.RoundTrip(c.Request("OPTIONS", "sip:pbx.test", "sip:probe@pbx.test"), rtt)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Code != 200 || !strings.Contains(resp.Header("Allow"), "REGISTER") {
				t.Fatalf("want 200 with Allow, got:\n%s", resp.Raw)
			}
		})
	}
}

// register sends REGISTER, answers one challenge with password, and
// returns the final response to the authenticated request.
func register(t *testing.T, c *testpeers.SIPConn, user, password string, extra ...string) *testpeers.Response {
	t.Helper()
	const ruri = "sip:pbx.test"
	aor := "sip:" + user + "@pbx.test"
	resp, err := c.RoundTrip(c.Request("REGISTER", ruri, aor, extra...), rtt)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Code != 401 {
		return resp
	}
	auth, err := testpeers.Authorization(resp, "REGISTER", ruri, user, password)
	if err != nil {
		t.Fatal(err)
	}
	resp, err = c.RoundTrip(c.Request("REGISTER", ruri, aor, append(extra, auth)...), rtt)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestRegister(t *testing.T) {
	for _, tc := range []struct {
		name       string
		opts       []kamailio.Option
		user, pass string
		want       int
		reason     string
	}{
		{name: "ok", user: "120", pass: "secret120", want: 200},
		{name: "wrong password challenges again", user: "120", pass: "nope", want: 401},
		{name: "wrong password 403", opts: []kamailio.Option{kamailio.WithWrongPassword403()},
			user: "120", pass: "nope", want: 403, reason: "Wrong Guess"},
		{name: "unknown user 404", user: "999", pass: "x", want: 404, reason: "Unknown user account"},
		{name: "unknown user challenged", opts: []kamailio.Option{kamailio.WithUnknownUser(kamailio.UnknownUserChallenge)},
			user: "999", pass: "x", want: 401},
		{name: "qop", opts: []kamailio.Option{kamailio.WithQop()}, user: "121", pass: "secret121", want: 200},
		{name: "qop wrong password", opts: []kamailio.Option{kamailio.WithQop()}, user: "121", pass: "bad", want: 401},
		{name: "sha256", opts: []kamailio.Option{kamailio.WithSHA256()}, user: "120", pass: "secret120", want: 200},
		{name: "sha256 qop wrong password", opts: []kamailio.Option{kamailio.WithSHA256(), kamailio.WithQop(),
			kamailio.WithWrongPassword403()}, user: "120", pass: "bad", want: 403},
		{name: "custom realm", opts: []kamailio.Option{kamailio.WithRealm("other.test")}, user: "600", pass: "secret600", want: 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := kamailio.Start(t, tc.opts...)
			c := dial(t, s, "udp")
			resp := register(t, c, tc.user, tc.pass)
			if resp.Code != tc.want || (tc.reason != "" && resp.Reason != tc.reason) {
				t.Fatalf("want %d %s, got:\n%s", tc.want, tc.reason, resp.Raw)
			}
		})
	}
}

func TestChallenge(t *testing.T) {
	for _, tc := range []struct {
		name    string
		opts    []kamailio.Option
		want    []string
		notWant []string
	}{
		{name: "default md5", want: []string{`realm="pbx.test"`}, notWant: []string{"qop", "SHA-256"}},
		{name: "qop", opts: []kamailio.Option{kamailio.WithQop()}, want: []string{`qop="auth"`}},
		{name: "sha256", opts: []kamailio.Option{kamailio.WithSHA256()}, want: []string{"algorithm=SHA-256"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := kamailio.Start(t, tc.opts...)
			c := dial(t, s, "udp")
			start := time.Now()
			resp, err := c.RoundTrip(c.Request("REGISTER", "sip:pbx.test", "sip:120@pbx.test"), rtt)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("rtt %v", time.Since(start))
			chal := resp.Header("WWW-Authenticate")
			for _, w := range tc.want {
				if !strings.Contains(chal, w) {
					t.Errorf("challenge %q lacks %q", chal, w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(chal, w) {
					t.Errorf("challenge %q has %q", chal, w)
				}
			}
		})
	}
}
