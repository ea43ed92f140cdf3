package probe

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/testpbx"
)

func startPBX(t *testing.T, opts ...testpbx.Option) *testpbx.PBX {
	t.Helper()
	p, err := testpbx.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// authSent counts the authenticated requests the PBX received.
func authSent(p *testpbx.PBX, method string) (auth, total int) {
	for _, r := range p.Requests() {
		if r.Method != method || r.Retransmission {
			continue
		}
		total++
		if r.HasAuth {
			auth++
		}
	}
	return auth, total
}

// TestAuthenticationFlows checks the ban-safety rule: at most one
// authenticated attempt per challenge, one more only for stale=true.
func TestAuthenticationFlows(t *testing.T) {
	tests := []struct {
		name      string
		opts      []testpbx.Option
		cfg       Config
		kind      Kind
		final     int
		auth      int // authenticated REGISTERs the PBX saw
		diagnosis string
	}{
		{
			name: "stale nonce gets exactly one fresh attempt",
			opts: []testpbx.Option{testpbx.WithAccount("120", "pw"), testpbx.WithStaleNonce()},
			cfg:  Config{User: "120", Password: "pw"}, kind: KindRegister, final: 200, auth: 2,
		},
		{
			name: "wrong password is never retried",
			opts: []testpbx.Option{testpbx.WithAccount("120", "pw")},
			cfg:  Config{User: "120", Password: "bad"}, kind: KindRegister, final: 403, auth: 1, diagnosis: "wrong-password",
		},
		{
			name: "wrong password answered with a fresh 401 is not retried",
			opts: []testpbx.Option{testpbx.WithAccount("120", "pw"), testpbx.WithAsteriskStyle()},
			cfg:  Config{User: "120", Password: "bad"}, kind: KindRegister, final: 401, auth: 1, diagnosis: "wrong-password",
		},
		{
			name: "wrong password with stale server is still one retry at most",
			opts: []testpbx.Option{testpbx.WithAccount("120", "pw"), testpbx.WithStaleNonce()},
			cfg:  Config{User: "120", Password: "bad"}, kind: KindRegister, final: 403, auth: 1, diagnosis: "wrong-password",
		},
		{
			name: "423 Interval Too Brief retried once with Min-Expires",
			opts: []testpbx.Option{testpbx.WithAccount("120", "pw"), testpbx.WithMinExpires(120)},
			cfg:  Config{User: "120", Password: "pw", Bind: true, Expires: 30}, kind: KindRegister, final: 200,
			auth: 4, // query, bind, bind again after 423, unbind
		},
		{
			name: "407 proxy challenge answered with Proxy-Authorization",
			opts: []testpbx.Option{testpbx.WithAccount("120", "pw"), testpbx.WithProxyAuth()},
			cfg:  Config{User: "120", Password: "pw"}, kind: KindRegister, final: 200, auth: 1,
		},
		{
			name: "SHA-256 with qop",
			opts: []testpbx.Option{testpbx.WithAccount("120", "pw"), testpbx.WithDigestAlgorithm("SHA-256"), testpbx.WithQop(true)},
			cfg:  Config{User: "120", Password: "pw"}, kind: KindRegister, final: 200, auth: 1,
		},
		{
			name: "auth user differs from the extension",
			opts: []testpbx.Option{testpbx.WithAccount("120", "pw", testpbx.AuthUser("dev120"))},
			cfg:  Config{User: "120", AuthUser: "dev120", Password: "pw"}, kind: KindRegister, final: 200, auth: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := startPBX(t, tt.opts...)
			cfg := tt.cfg
			cfg.Target, cfg.Timeout = p.Addr("udp"), 3*time.Second
			r := Run(context.Background(), tt.kind, cfg, WithResolver(net.DefaultResolver))
			if r.FinalCode != tt.final {
				t.Fatalf("final %d %s (%s; %v), want %d", r.FinalCode, r.FinalReason, r.Diagnosis.ID, r.Diagnosis.Notes, tt.final)
			}
			if tt.diagnosis != "" && r.Diagnosis.ID != tt.diagnosis {
				t.Errorf("diagnosis %s, want %s", r.Diagnosis.ID, tt.diagnosis)
			}
			if auth, _ := authSent(p, "REGISTER"); auth != tt.auth {
				t.Errorf("the PBX saw %d authenticated REGISTERs, want %d", auth, tt.auth)
			}
		})
	}
}

// TestBanSafety: a fail2ban-like PBX that bans after two failures must not
// ban us for one probe with a wrong password, whatever the server answers.
func TestBanSafety(t *testing.T) {
	for _, style := range []struct {
		name string
		opts []testpbx.Option
	}{
		{"403 on wrong password", nil},
		{"Asterisk-style fresh 401", []testpbx.Option{testpbx.WithAsteriskStyle()}},
		{"stale nonces", []testpbx.Option{testpbx.WithStaleNonce()}},
	} {
		for _, tr := range []string{"udp", "tcp"} {
			t.Run(style.name+" over "+tr, func(t *testing.T) {
				p := startPBX(t, append(style.opts, testpbx.WithAccount("120", "pw"), testpbx.WithBanAfter(2))...)
				r := Run(context.Background(), KindRegister, Config{Target: p.Addr(tr), Transport: tr, User: "120", Password: "bad", Timeout: 2 * time.Second})
				if r.Diagnosis.ID != "wrong-password" {
					t.Fatalf("diagnosis %s", r.Diagnosis.ID)
				}
				if p.Banned("127.0.0.1") {
					t.Fatal("one probe with a wrong password got 127.0.0.1 banned: it retried credentials")
				}
			})
		}
	}
}

// TestNoLeaks: a probe leaves no goroutine and no socket behind, whatever
// way it ended.
func TestNoLeaks(t *testing.T) {
	p := startPBX(t, testpbx.WithAccount("120", "pw"))
	silent, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	probeAll := func() {
		for _, c := range []struct {
			kind Kind
			cfg  Config
		}{
			{KindOptions, Config{Target: p.Addr("udp")}},
			{KindOptions, Config{Target: p.Addr("tcp"), Transport: "tcp"}},
			{KindRegister, Config{Target: p.Addr("udp"), User: "120", Password: "pw", Bind: true}},
			{KindRegister, Config{Target: p.Addr("tcp"), Transport: "tcp", User: "120", Password: "bad"}},
			{KindOptions, Config{Target: silent.LocalAddr().String(), Timeout: 400 * time.Millisecond}},
			{KindOptions, Config{Target: closedPort(t, "udp")}},
		} {
			c.cfg.Timeout = max(c.cfg.Timeout, time.Second)
			_ = Run(context.Background(), c.kind, c.cfg)
		}
	}
	assertNoLeaks(t, probeAll)
}
