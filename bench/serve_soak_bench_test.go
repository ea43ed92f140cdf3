package bench

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/agent"
	"github.com/sipprobe/sipprobe/internal/kamailio"
	"github.com/sipprobe/sipprobe/results"
	"github.com/sipprobe/sipprobe/results/history"
	"github.com/sipprobe/sipprobe/scenarios"
)

// countingStore is the history with a count of the results saved.
type countingStore struct {
	*history.Store
	saved atomic.Int64
}

func (c *countingStore) Save(ctx context.Context, runID string, r results.Result) error {
	c.saved.Add(1)
	return c.Store.Save(ctx, runID, r)
}

// BenchmarkServeSoak runs `sipprobe serve`'s scheduler for 10,000 probes
// (20 OPTIONS and REGISTER probes every 100 ms against a local Kamailio,
// no rate limit: about 200 probes a second) and reports the resident set
// and the live heap (after a GC) at the start and the end of those 10,000:
// memory must stay flat over a long uptime (issue 10). It is a benchmark,
// not a timed test, and not part of `make test` (it takes about 90 s):
//
//	go test -run XXX -bench ServeSoak -benchtime 1x ./bench/
//
// The start is measured after a warm-up of 7,000 probes (35 s): sipgo keeps
// a finished transaction until its timers end (64×T1 = 32 s), so the heap
// holds about 32 s worth of probes (here ~6,400; for an agent probing every
// 30 s, a handful) and only then is the steady state reached.
func BenchmarkServeSoak(b *testing.B) {
	const probes, warm, soak = 20, 7000, 10000
	// Kamailio runs in a process of its own: the resident set measured
	// is the agent's alone (the in-process test PBX keeps every
	// transaction it answered, which would hide the agent's figures).
	k := kamailio.Start(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var doc strings.Builder
	fmt.Fprintf(&doc, "[defaults]\nserver = %q\ndomain = %q\ntimeout = \"2s\"\n", k.Addr("udp"), kamailio.DefaultRealm)
	for i := range probes {
		if i%4 == 0 {
			fmt.Fprintf(&doc, "\n[[probe]]\nname = \"reg-%d\"\nkind = \"register\"\nuser = \"120\"\npassword_env = \"PBX_PASSWORD\"\ninterval = \"100ms\"\n", i)
			continue
		}
		fmt.Fprintf(&doc, "\n[[probe]]\nname = \"alive-%d\"\nkind = \"options\"\ninterval = \"100ms\"\n", i)
	}
	dir := b.TempDir()
	path := filepath.Join(dir, "agent.toml")
	if err := os.WriteFile(path, []byte(doc.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	env := func(string) (string, bool) { return k.Accounts["120"], true }
	for b.Loop() {
		st, err := history.Open(filepath.Join(dir, fmt.Sprintf("h-%d.db", time.Now().UnixNano())))
		if err != nil {
			b.Fatal(err)
		}
		cs := &countingStore{Store: st}
		a, err := agent.New(path, agent.WithStore(cs), agent.WithLoadOptions(scenarios.WithLookupEnv(env)),
			agent.WithRunnerOptions(scenarios.WithRateLimit(0)))
		if err != nil {
			b.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		sctx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- a.Serve(sctx, ln, "") }()
		waitSaved(cs, warm)
		rssStart, heapStart := currentRSS(), liveHeap()
		waitSaved(cs, warm+soak)
		rssEnd, heapEnd := currentRSS(), liveHeap()
		stop()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		_ = st.Close()
		b.ReportMetric(float64(rssStart)/(1<<20), "rss-start-MiB")
		b.ReportMetric(float64(rssEnd)/(1<<20), "rss-end-MiB")
		b.ReportMetric(float64(heapStart)/(1<<20), "heap-start-MiB")
		b.ReportMetric(float64(heapEnd)/(1<<20), "heap-end-MiB")
		b.Logf("%d results: RSS %.1f → %.1f MiB, live heap %.1f → %.1f MiB", cs.saved.Load(),
			float64(rssStart)/(1<<20), float64(rssEnd)/(1<<20), float64(heapStart)/(1<<20), float64(heapEnd)/(1<<20))
	}
}

func waitSaved(cs *countingStore, n int64) {
	for cs.saved.Load() < n {
		time.Sleep(20 * time.Millisecond)
	}
}

// liveHeap is the bytes of live objects after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// currentRSS is this process's resident set (VmRSS) in bytes, 0 if unknown.
func currentRSS() int64 { return procStatusBytes("VmRSS:") }
