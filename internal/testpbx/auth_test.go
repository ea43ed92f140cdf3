package testpbx

import (
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/icholy/digest"
)

func TestAuthModes(t *testing.T) {
	tests := []struct {
		name       string
		opts       []Option
		user, pass string
		wantCode   int
		wantReason string
		check      func(t *testing.T, chal *sip.Response)
	}{
		{name: "md5 qop ok", user: "120", pass: "secret", wantCode: 200,
			check: wantChallenge("MD5", true, 401)},
		{name: "sha256 ok", opts: []Option{WithDigestAlgorithm("SHA-256")}, user: "120", pass: "secret", wantCode: 200,
			check: wantChallenge("SHA-256", true, 401)},
		{name: "no qop ok", opts: []Option{WithQop(false)}, user: "120", pass: "secret", wantCode: 200,
			check: wantChallenge("MD5", false, 401)},
		{name: "proxy auth 407", opts: []Option{WithProxyAuth()}, user: "120", pass: "secret", wantCode: 200,
			check: wantChallenge("MD5", true, 407)},
		{name: "auth user differs", opts: []Option{WithAccount("140", "pw", AuthUser("u140"))}, user: "140", pass: "pw", wantCode: 200},
		{name: "wrong password default 403", user: "120", pass: "bad", wantCode: 403, wantReason: "Forbidden"},
		{name: "wrong password custom", opts: []Option{WithAccount("150", "pw", RejectWrongPassword(403, "Wrong Guess"))},
			user: "150", pass: "bad", wantCode: 403, wantReason: "Wrong Guess"},
		{name: "unknown user default 404", user: "999", pass: "x", wantCode: 404},
		{name: "unknown user custom", opts: []Option{WithUnknownUser(403, "No Such User")}, user: "999", pass: "x", wantCode: 403, wantReason: "No Such User"},
		{name: "asterisk wrong password 401", opts: []Option{WithAsteriskStyle()}, user: "120", pass: "bad", wantCode: 401},
		{name: "asterisk unknown user 401", opts: []Option{WithAsteriskStyle()}, user: "999", pass: "x", wantCode: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := startPBX(t, append([]Option{WithAccount("120", "secret")}, tt.opts...)...)
			c := dialRaw(t, p, "udp")
			req := c.newRequest(sip.REGISTER, tt.user, "", p)
			c.send(req)
			chal := c.finalResponse(time.Second)
			if tt.check != nil {
				tt.check(t, chal)
			}
			authUser := tt.user
			if tt.name == "auth user differs" {
				authUser = "u140"
			}
			c.send(authorize(t, req, chal, authUser, tt.pass))
			res := c.finalResponse(time.Second)
			if res.StatusCode != tt.wantCode || (tt.wantReason != "" && res.Reason != tt.wantReason) {
				t.Fatalf("got %d %q, want %d %q", res.StatusCode, res.Reason, tt.wantCode, tt.wantReason)
			}
			if res.StatusCode == 401 && strings.Contains(res.GetHeader("WWW-Authenticate").Value(), "stale=true") {
				t.Fatal("a failed attempt must not look stale")
			}
		})
	}
}

func wantChallenge(alg string, qop bool, code int) func(*testing.T, *sip.Response) {
	return func(t *testing.T, res *sip.Response) {
		t.Helper()
		if res.StatusCode != code {
			t.Fatalf("challenge code %d, want %d", res.StatusCode, code)
		}
		name := "WWW-Authenticate"
		if code == 407 {
			name = "Proxy-Authenticate"
		}
		ch, err := digest.ParseChallenge(res.GetHeader(name).Value())
		if err != nil {
			t.Fatal(err)
		}
		if ch.Algorithm != alg || ch.SupportsQOP("auth") != qop || ch.Realm != "testpbx.local" || ch.Nonce == "" {
			t.Fatalf("challenge %+v", ch)
		}
	}
}

// TestStaleNonce: the first correct answer gets 401 stale=true, a second
// attempt with the fresh nonce passes.
func TestStaleNonce(t *testing.T) {
	p := startPBX(t, WithAccount("120", "secret"), WithStaleNonce())
	c := dialRaw(t, p, "udp")
	req := c.newRequest(sip.REGISTER, "120", "", p)
	c.send(req)
	chal := c.finalResponse(time.Second)
	req = authorize(t, req, chal, "120", "secret")
	c.send(req)
	stale := c.finalResponse(time.Second)
	ch, _ := digest.ParseChallenge(stale.GetHeader("WWW-Authenticate").Value())
	if stale.StatusCode != 401 || ch == nil || !ch.Stale {
		t.Fatalf("want 401 stale=true, got %d %v", stale.StatusCode, stale.GetHeader("WWW-Authenticate"))
	}
	c.send(authorize(t, req, stale, "120", "secret"))
	if res := c.finalResponse(time.Second); res.StatusCode != 200 {
		t.Fatalf("after stale: %d", res.StatusCode)
	}
	if _, auth := countAuth(p.Requests(), "REGISTER"); auth != 2 {
		t.Fatalf("%d authenticated attempts recorded, want 2", auth)
	}
}

// TestUnknownNonceIsStale: right password with a nonce the PBX never issued.
func TestUnknownNonceIsStale(t *testing.T) {
	p := startPBX(t, WithAccount("120", "secret"))
	c := dialRaw(t, p, "udp")
	req := c.newRequest(sip.REGISTER, "120", "", p)
	fake := sip.NewResponseFromRequest(req, 401, "Unauthorized", nil)
	fake.AppendHeader(sip.NewHeader("WWW-Authenticate", `Digest realm="testpbx.local", nonce="forged", algorithm=MD5, qop="auth"`))
	c.send(authorize(t, req, fake, "120", "secret"))
	res := c.finalResponse(time.Second)
	if res.StatusCode != 401 || !strings.Contains(res.GetHeader("WWW-Authenticate").Value(), "stale=true") {
		t.Fatalf("got %d %v", res.StatusCode, res.GetHeader("WWW-Authenticate"))
	}
}

// TestBan: after n failures the address gets silence, for every method.
func TestBan(t *testing.T) {
	p := startPBX(t, WithAccount("120", "secret"), WithBanAfter(2))
	c := dialRaw(t, p, "udp")
	for i := range 2 {
		if res := registerRaw(t, p, c, "120", "bad", nil); res.StatusCode != 403 {
			t.Fatalf("attempt %d: %d", i, res.StatusCode)
		}
	}
	if !p.Banned("127.0.0.1") {
		t.Fatal("not banned after 2 failures")
	}
	c.send(c.newRequest(sip.OPTIONS, "120", "", p))
	if b := c.readRaw(300 * time.Millisecond); b != nil {
		t.Fatalf("banned address got an answer: %q", b)
	}
	recs := p.Requests()
	if last := recs[len(recs)-1]; !last.Ignored || last.Method != "OPTIONS" {
		t.Fatalf("last record %+v", last)
	}
}

func TestOptions(t *testing.T) {
	t.Run("open", func(t *testing.T) {
		p := startPBX(t)
		c := dialRaw(t, p, "udp")
		res := c.do(c.newRequest(sip.OPTIONS, "probe", "", p), "", "")
		if res.StatusCode != 200 || res.GetHeader("Allow") == nil || res.GetHeader("Accept").Value() != "application/sdp" {
			t.Fatalf("%v", res)
		}
		if v := res.Via(); v == nil || !v.Params.Has("received") {
			t.Fatalf("rport/received not filled: %v", v)
		}
	})
	t.Run("challenged", func(t *testing.T) {
		p := startPBX(t, WithAccount("120", "secret"), WithOptionsAuth())
		c := dialRaw(t, p, "tcp")
		req := c.newRequest(sip.OPTIONS, "120", "", p)
		c.send(req)
		if res := c.finalResponse(time.Second); res.StatusCode != 401 {
			t.Fatalf("got %d", res.StatusCode)
		}
		req2 := c.newRequest(sip.OPTIONS, "120", "", p)
		if res := c.do(req2, "120", "secret"); res.StatusCode != 200 {
			t.Fatalf("authenticated: %d", res.StatusCode)
		}
	})
	t.Run("unknown method", func(t *testing.T) {
		p := startPBX(t)
		c := dialRaw(t, p, "udp")
		if res := c.do(c.newRequest(sip.SUBSCRIBE, "x", "", p), "", ""); res.StatusCode != 405 {
			t.Fatalf("got %d", res.StatusCode)
		}
	})
}
