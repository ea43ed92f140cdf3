package probe

import (
	"context"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/kamailio"
	"github.com/sipprobe/sipprobe/results"
)

// poolSweep runs one probe per config at once, all through pool, and
// returns the results in the order of cfgs.
func poolSweep(pool *LinkPool, kind Kind, cfgs []Config) []results.Result {
	out := make([]results.Result, len(cfgs))
	var wg sync.WaitGroup
	for i, cfg := range cfgs {
		wg.Go(func() {
			out[i] = Run(context.Background(), kind, cfg, WithResolver(net.DefaultResolver), WithLinkPool(pool))
		})
	}
	wg.Wait()
	return out
}

// ownTranscript checks that every message of r carries one and the same
// Call-ID, and returns it.
func ownTranscript(t *testing.T, r results.Result) string {
	t.Helper()
	var id string
	for _, m := range r.Messages {
		got := string(callIDOf([]byte(m.Raw)))
		if got == "" {
			t.Fatalf("%s: a %s message without Call-ID in the transcript:\n%s", r.User, m.Dir, m.Raw)
		}
		if id == "" {
			id = got
		}
		if got != id {
			t.Fatalf("%s: transcript mixes Call-IDs %s and %s", r.User, id, got)
		}
	}
	return id
}

func TestLinkPoolSweepAgainstKamailio(t *testing.T) {
	const n = 200
	accounts := make(map[string]string, n)
	for i := range n {
		accounts[fmt.Sprintf("%d", 2000+i)] = fmt.Sprintf("pw-%d", 2000+i)
	}
	k := kamailio.Start(t, kamailio.WithAccounts(accounts))
	// Every 40th account gets a wrong password: a sweep mixes them.
	wrong := func(i int) bool { return i%40 == 7 }
	cfgs := make([]Config, n)
	for i := range cfgs {
		u := fmt.Sprintf("%d", 2000+i)
		pw := accounts[u]
		if wrong(i) {
			pw = "not-" + pw
		}
		cfgs[i] = Config{Target: k.Addr("udp"), User: u, Password: pw, Domain: kamailio.DefaultRealm, Timeout: 10 * time.Second}
	}
	pool := NewLinkPool()
	rs := poolSweep(pool, KindRegister, cfgs)
	if err := pool.Close(); err != nil {
		t.Fatal(err)
	}

	seen := make(map[string]string, n)
	for i, r := range rs {
		if r.User != cfgs[i].User {
			t.Fatalf("result %d is for %q, want %q", i, r.User, cfgs[i].User)
		}
		if wrong(i) {
			wantDiagnosis(t, r, "wrong-password", results.StatusCritical)
		} else if r.FinalCode != 200 || r.Status == results.StatusCritical {
			t.Fatalf("%s: got %d %s (%s)", r.User, r.FinalCode, r.FinalReason, r.Diagnosis.ID)
		}
		// REGISTER, 401, REGISTER with credentials, final answer: and
		// nothing of the 199 other probes on the same socket.
		if len(r.Messages) < 4 || len(r.Responses) != 2 {
			t.Errorf("%s: %d messages, responses %+v", r.User, len(r.Messages), r.Responses)
		}
		id := ownTranscript(t, r)
		if other, dup := seen[id]; dup {
			t.Fatalf("%s and %s share Call-ID %s", other, r.User, id)
		}
		seen[id] = r.User
		if r.LocalAddr != rs[0].LocalAddr {
			t.Errorf("%s went out from %s, the first probe from %s: not one shared socket", r.User, r.LocalAddr, rs[0].LocalAddr)
		}
	}
}

func TestLinkPoolOptionsAndPortUnreachable(t *testing.T) {
	t.Run("options through the pool", func(t *testing.T) {
		k := kamailio.Start(t)
		pool := NewLinkPool()
		defer pool.Close()
		cfgs := make([]Config, 20)
		for i := range cfgs {
			cfgs[i] = Config{Target: k.Addr("udp"), Timeout: 5 * time.Second}
		}
		for _, r := range poolSweep(pool, KindOptions, cfgs) {
			wantDiagnosis(t, r, "ok", results.StatusOK)
			ownTranscript(t, r)
			if len(r.Messages) != 2 {
				t.Errorf("%d messages, want the OPTIONS and its 200", len(r.Messages))
			}
		}
	})
	t.Run("every probe on a closed port hears port unreachable", func(t *testing.T) {
		addr := closedPort(t, "udp")
		pool := NewLinkPool()
		defer pool.Close()
		cfgs := make([]Config, 30)
		for i := range cfgs {
			cfgs[i] = Config{Target: addr, User: fmt.Sprintf("%d", 3000+i), Password: "x", Timeout: 3 * time.Second, NoFallback: true}
		}
		for _, r := range poolSweep(pool, KindRegister, cfgs) {
			wantDiagnosis(t, r, "port-unreachable", results.StatusCritical)
			ownTranscript(t, r)
		}
	})
	t.Run("a closed pool refuses, probes still yield one result", func(t *testing.T) {
		pool := NewLinkPool()
		if err := pool.Close(); err != nil {
			t.Fatal(err)
		}
		r := Run(context.Background(), KindOptions, Config{Target: closedPort(t, "udp"), Timeout: time.Second}, WithResolver(net.DefaultResolver), WithLinkPool(pool))
		if r.Status != results.StatusUnknown {
			t.Errorf("status %s (%s), want unknown", r.Status, r.Diagnosis.ID)
		}
	})
}

func TestLinkPoolCloseLeavesNothing(t *testing.T) {
	k := kamailio.Start(t)
	assertNoLeaks(t, func() {
		pool := NewLinkPool()
		cfgs := make([]Config, 10)
		for i := range cfgs {
			cfgs[i] = Config{Target: k.Addr("udp"), User: "120", Password: k.Accounts["120"], Domain: kamailio.DefaultRealm, Timeout: 5 * time.Second}
		}
		for _, r := range poolSweep(pool, KindRegister, cfgs) {
			if r.FinalCode != 200 {
				t.Errorf("got %d (%s)", r.FinalCode, r.Diagnosis.ID)
			}
		}
		if err := pool.Close(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestCallIDOf(t *testing.T) {
	tests := []struct{ name, raw, want string }{
		{"long form", "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP x\r\nCall-ID: abc@h\r\n\r\n", "abc@h"},
		{"compact form", "SIP/2.0 200 OK\r\ni:  abc \r\n\r\n", "abc"},
		{"any case, space before colon", "OPTIONS sip:x SIP/2.0\r\ncall-id : abc\r\n\r\n", "abc"},
		{"bare LF", "SIP/2.0 200 OK\nCall-Id: abc\n\n", "abc"},
		{"only in the body", "SIP/2.0 200 OK\r\nContent-Length: 12\r\n\r\nCall-ID: abc", ""},
		{"not a header name prefix", "SIP/2.0 200 OK\r\nCall-IDx: abc\r\nI-Am: x\r\n\r\n", ""},
		{"start line is no header", "i: abc\r\n\r\n", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(callIDOf([]byte(tt.raw))); got != tt.want {
				t.Errorf("callIDOf = %q, want %q", got, tt.want)
			}
		})
	}
}
