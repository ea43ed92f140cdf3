package bench

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/kamailio"
)

// BenchmarkRegisterSweep sweeps -sweep.probes accounts of a local Kamailio
// with sipprobe's REGISTER probe, then has SIPp register the same accounts
// against the same server, once per iteration, and reports the medians over
// the iterations (-benchtime Nx): probes per second, peak RSS and the ratio.
func BenchmarkRegisterSweep(b *testing.B) {
	n, par := *flagProbes, *flagParallel
	if n < 1 || par < 1 {
		b.Fatalf("-sweep.probes and -sweep.parallel must be positive")
	}
	users := make([]string, n)
	passwords := make(map[string]string, n)
	for i := range users {
		users[i] = fmt.Sprintf("u%05d", i+1)
		passwords[users[i]] = fmt.Sprintf("pw-%05d-secret", i+1)
	}
	srv := kamailio.Start(b, kamailio.WithAccounts(passwords))
	server := srv.Addr("udp")
	ctx := context.Background()

	// One unmeasured round warms both sides up (Kamailio's first nonces,
	// Go's runtime) so the first measured repetition is not an outlier.
	if st := sweep(ctx, server, srv.Realm, users[:min(n, 20)], passwords, par); st.failed > 0 {
		b.Fatalf("warm-up: %d of %d probes failed, first: %s", st.failed, st.ok+st.failed, st.firstError)
	}

	var probeRate, sippRate, ratio, probeRSS, sippRSS []float64
	// CPU seconds per 1,000 registrations: ours (the whole bench process),
	// SIPp's, and Kamailio's while serving each of them. Both clients and
	// Kamailio share the machine's cores, so a client's wall-clock rate
	// also depends on how much CPU it leaves the server.
	var probeCPU, sippCPU, kamProbeCPU, kamSIPpCPU []float64
	rep := 0
	for b.Loop() {
		rep++
		hasReset := resetPeakRSS()
		// Kamailio's CPU is read first: reading it (a walk of /proc)
		// costs this process some milliseconds of its own.
		kam0 := groupCPU(srv.Pid())
		cpu0 := selfCPU()
		st := sweep(ctx, server, srv.Realm, users, passwords, par)
		cpu1, kam1 := selfCPU(), groupCPU(srv.Pid())
		rss := peakRSS()
		// On a busy shared machine a datagram or two may be lost for good;
		// report those, but a sweep with more than 1% failures measures a
		// broken setup, not sipprobe.
		if st.failed*100 > n {
			b.Fatalf("sipprobe: %d of %d probes failed, first: %s", st.failed, n, st.firstError)
		} else if st.failed > 0 {
			b.Logf("rep %d: %d probes failed, first: %s", rep, st.failed, st.firstError)
		}
		ss, err := runSIPp(b, server, srv.Realm, users, passwords, par)
		if err != nil {
			b.Fatal(err)
		}
		kam2 := groupCPU(srv.Pid())
		probeCPU, sippCPU = append(probeCPU, perThousand(cpu1-cpu0, n)), append(sippCPU, perThousand(ss.cpu, n))
		kamProbeCPU, kamSIPpCPU = append(kamProbeCPU, perThousand(kam1-kam0, n)), append(kamSIPpCPU, perThousand(kam2-kam1, n))
		pr, sr := float64(n)/st.elapsed.Seconds(), float64(n)/ss.elapsed.Seconds()
		probeRate, sippRate, ratio = append(probeRate, pr), append(sippRate, sr), append(ratio, pr/sr)
		probeRSS, sippRSS = append(probeRSS, mb(rss)), append(sippRSS, mb(ss.peakRSS))
		note := ""
		if !hasReset {
			note = " (peak RSS cumulative: clear_refs not writable)"
		}
		b.Logf("rep %d: sipprobe %d probes in %v = %.0f/s, peak RSS %.1f MB%s, CPU %v (Kamailio %v); SIPp %v = %.0f/s, peak RSS %.1f MB, CPU %v (Kamailio %v); ratio %.2f",
			rep, n, st.elapsed.Round(time.Millisecond), pr, mb(rss), note, (cpu1 - cpu0).Round(time.Millisecond), (kam1 - kam0).Round(time.Millisecond),
			ss.elapsed.Round(time.Millisecond), sr, mb(ss.peakRSS), ss.cpu.Round(time.Millisecond), (kam2 - kam1).Round(time.Millisecond), pr/sr)
	}
	b.ReportMetric(median(probeRate), "sipprobe-probes/s")
	b.ReportMetric(median(sippRate), "sipp-calls/s")
	b.ReportMetric(median(ratio), "ratio")
	b.ReportMetric(median(probeRSS), "sipprobe-peak-RSS-MB")
	b.ReportMetric(median(sippRSS), "sipp-peak-RSS-MB")
	b.ReportMetric(median(probeCPU), "sipprobe-CPU-ms/1k")
	b.ReportMetric(median(sippCPU), "sipp-CPU-ms/1k")
	b.ReportMetric(median(kamProbeCPU), "kamailio-CPU-ms/1k-sipprobe")
	b.ReportMetric(median(kamSIPpCPU), "kamailio-CPU-ms/1k-sipp")
	b.Logf("medians over %d repetitions of %d accounts, %d in parallel: sipprobe %.0f probes/s (peak RSS %.1f MB, whole bench process; CPU %.0f ms per 1,000, Kamailio %.0f), SIPp %.0f REGISTER/s (peak RSS %.1f MB; CPU %.0f ms per 1,000, Kamailio %.0f); sipprobe/SIPp = %.2f",
		rep, n, par, median(probeRate), median(probeRSS), median(probeCPU), median(kamProbeCPU),
		median(sippRate), median(sippRSS), median(sippCPU), median(kamSIPpCPU), median(ratio))
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(v))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
