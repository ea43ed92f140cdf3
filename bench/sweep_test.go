package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sipprobe/sipprobe/probe"
)

// sweepStats is what one sipprobe sweep achieved.
type sweepStats struct {
	ok, failed int
	elapsed    time.Duration
	firstError string
}

// sweep probes every account once with a pool of parallel workers, the way
// `sipprobe run --parallel N` does: results are consumed as they come and
// not kept, so memory is bounded by the pool, not by the number of probes.
func sweep(ctx context.Context, server, realm string, users []string, passwords map[string]string, parallel int) sweepStats {
	jobs := make(chan string)
	var ok, failed atomic.Int64
	var firstErr sync.Once
	var st sweepStats
	if *flagGC > 0 {
		defer probe.TuneGCForSweep(*flagGC, probe.SweepMemoryLimit(parallel))()
	}
	var opts []probe.Option
	if *flagPool {
		// One shared UDP link per server, as `run` uses for a sweep.
		pool := probe.NewLinkPool()
		defer pool.Close()
		opts = append(opts, probe.WithLinkPool(pool))
	}
	start := time.Now()
	var wg sync.WaitGroup
	for range parallel {
		wg.Go(func() {
			for u := range jobs {
				r := probe.Run(ctx, probe.KindRegister, probe.Config{
					Target: server, Transport: "udp", Timeout: 5 * time.Second,
					User: u, Password: passwords[u], Domain: realm, UserAgent: "sipprobe-bench",
				}, opts...)
				// 2xx: the credentials were accepted. The diagnosis may be
				// ok or an informational one such as "no contacts".
				if r.FinalCode >= 200 && r.FinalCode < 300 {
					ok.Add(1)
					continue
				}
				failed.Add(1)
				firstErr.Do(func() {
					st.firstError = fmt.Sprintf("%s: %s %d %s %s", u, r.Diagnosis.ID, r.FinalCode, r.FinalReason, r.Error)
				})
			}
		})
	}
	for _, u := range users {
		jobs <- u
	}
	close(jobs)
	wg.Wait()
	st.elapsed = time.Since(start)
	st.ok, st.failed = int(ok.Load()), int(failed.Load())
	return st
}
