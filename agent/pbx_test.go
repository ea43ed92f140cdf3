package agent

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/testpbx"
	"github.com/sipprobe/sipprobe/results/history"
)

func startPBX(t *testing.T, opts ...testpbx.Option) *testpbx.PBX {
	t.Helper()
	pbx, err := testpbx.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := pbx.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pbx.Close() })
	return pbx
}

// Scrape storm: 200 concurrent /probe requests for one account. Every
// request gets an answer (a probe result, or 503 with the reason when the
// bound on concurrent /probe requests is reached), the account's probes
// never overlap, each challenge gets at most one authenticated REGISTER,
// and the PBX sees no more authenticated REGISTERs than probes ran.
func TestScrapeStorm(t *testing.T) {
	pbx := startPBX(t, testpbx.WithAccount("120", "secret"))
	s := serve(t, fmt.Sprintf(`
[[probe]]
name = "reg"
kind = "register"
server = %q
user = "120"
password_env = "PBX_PASSWORD"
timeout = "3s"
`, pbx.Addr("udp")))
	const n = 200
	var wg sync.WaitGroup
	codes := make([]int, n)
	bodies := make([]string, n)
	for i := range n {
		wg.Go(func() {
			resp, err := http.Get(s.url + "/probe?module=reg&target=" + pbx.Addr("udp"))
			if err != nil {
				bodies[i] = err.Error()
				return
			}
			defer resp.Body.Close()
			var b strings.Builder
			buf := make([]byte, 4096)
			for {
				k, err := resp.Body.Read(buf)
				b.Write(buf[:k])
				if err != nil {
					break
				}
			}
			codes[i], bodies[i] = resp.StatusCode, b.String()
		})
	}
	wg.Wait()
	ran, busy := 0, 0
	for i := range n {
		switch {
		case codes[i] == 200 && strings.Contains(bodies[i], `sipprobe_probe_success{kind="register",name="reg"`):
			ran++
			if !strings.Contains(bodies[i], `sipprobe_probe_diagnosis_info{id="ok"`) && !strings.Contains(bodies[i], `severity="warning"`) {
				t.Errorf("request %d: not ok:\n%s", i, bodies[i])
			}
		case codes[i] == http.StatusServiceUnavailable && strings.Contains(bodies[i], "too many probes in flight"):
			busy++
		default:
			t.Errorf("request %d: %d %s", i, codes[i], bodies[i])
		}
	}
	if ran == 0 {
		t.Fatalf("%d probes ran", ran)
	}
	authed := map[string]int{}
	challenged := map[string]int{}
	total := 0
	for _, r := range pbx.Requests() {
		if r.Method != "REGISTER" || r.Retransmission {
			continue
		}
		if r.HasAuth {
			authed[r.CallID]++
			total++
		} else {
			challenged[r.CallID]++
		}
	}
	for id, k := range authed {
		if k > 1 || challenged[id] < k {
			t.Errorf("Call-ID %s: %d authenticated REGISTERs after %d challenges", id, k, challenged[id])
		}
	}
	if total > ran {
		t.Errorf("%d authenticated REGISTERs for %d probes run", total, ran)
	}
	t.Logf("%d requests: %d probes ran (%d authenticated REGISTERs), %d answered 503", n, ran, total, busy)
}

// SIGTERM (the context of Serve) during a held test call: the call is hung
// up (BYE), the agent stops in bounded time, and the history has exactly
// one result for the probe.
func TestDrainDuringCall(t *testing.T) {
	pbx := startPBX(t, testpbx.WithAccount("120", "secret", testpbx.Extension("600", testpbx.ExtensionBehaviour{})))
	s := serve(t, fmt.Sprintf(`
[[probe]]
name = "call"
kind = "invite"
server = %q
user = "120"
password_env = "PBX_PASSWORD"
to = "600"
hold = "60s"
interval = "5s"
`, pbx.Addr("udp")))
	var callID string
	eventually(t, "the call to be confirmed (the ACK of the 2xx)", func() bool {
		// The 401 to the first INVITE is ACKed too, with its own CSeq;
		// the call is up once the authenticated INVITE's CSeq is ACKed.
		var authed uint32
		for _, r := range pbx.Requests() {
			switch {
			case r.Method == "INVITE" && r.HasAuth:
				authed, callID = r.CSeq, r.CallID
			case r.Method == "ACK" && authed != 0 && r.CSeq == authed && r.CallID == callID:
				return true
			}
		}
		return false
	})
	start := time.Now()
	if err := s.stop(); err != nil {
		t.Fatalf("Serve after drain: %v", err)
	}
	if took := time.Since(start); took > DefaultDrainTimeout+shutdownTimeout {
		t.Errorf("drain took %v", took)
	}
	bye := false
	for _, r := range pbx.Requests() {
		if r.Method == "BYE" && r.CallID == callID {
			bye = true
		}
	}
	if !bye {
		t.Error("the held call was not hung up")
	}
	st, err := history.Open(s.store.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sums, err := st.Summaries(context.Background(), history.Query{Name: "call", Since: start.Add(-time.Hour)})
	if err != nil || len(sums) != 1 {
		t.Fatalf("summaries %v, %v", sums, err)
	}
	if sums[0].Results != 1 {
		t.Errorf("%d results in the history, want 1", sums[0].Results)
	}
	t.Logf("the interrupted call: %s (%s)", sums[0].Status, sums[0].Recent[0].Diagnosis)
}
