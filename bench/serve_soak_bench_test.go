package bench

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/agent"
	"github.com/sipprobe/sipprobe/internal/testpbx"
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
// (20 OPTIONS and REGISTER probes every 10 ms against the test PBX, no
// rate limit) per iteration and reports the resident set after the first
// 1,000 and at the end, and the live heap after a GC: memory must stay
// flat over a long uptime (issue 10). It is a benchmark, not a timed test:
//
//	go test -run XXX -bench ServeSoak -benchtime 1x ./bench/
func BenchmarkServeSoak(b *testing.B) {
	const probes, total, warm = 20, 10000, 1000
	pbx, err := testpbx.New(testpbx.WithAccount("120", "secret"))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := pbx.Start(ctx); err != nil {
		b.Fatal(err)
	}
	defer pbx.Close()
	var doc strings.Builder
	fmt.Fprintf(&doc, "[defaults]\nserver = %q\ntimeout = \"2s\"\n", pbx.Addr("udp"))
	for i := range probes {
		if i%4 == 0 {
			fmt.Fprintf(&doc, "\n[[probe]]\nname = \"reg-%d\"\nkind = \"register\"\nuser = \"120\"\npassword_env = \"PBX_PASSWORD\"\ninterval = \"10ms\"\n", i)
			continue
		}
		fmt.Fprintf(&doc, "\n[[probe]]\nname = \"alive-%d\"\nkind = \"options\"\ninterval = \"10ms\"\n", i)
	}
	dir := b.TempDir()
	path := filepath.Join(dir, "agent.toml")
	if err := os.WriteFile(path, []byte(doc.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	env := func(string) (string, bool) { return "secret", true }
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
		waitSaved(cs, total)
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

// liveHeap is the heap in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// currentRSS is this process's resident set (VmRSS) in bytes, 0 if unknown.
func currentRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb * 1024
		}
	}
	return 0
}
