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
	rep := 0
	for b.Loop() {
		rep++
		hasReset := resetPeakRSS()
		st := sweep(ctx, server, srv.Realm, users, passwords, par)
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
		pr, sr := float64(n)/st.elapsed.Seconds(), float64(n)/ss.elapsed.Seconds()
		probeRate, sippRate, ratio = append(probeRate, pr), append(sippRate, sr), append(ratio, pr/sr)
		probeRSS, sippRSS = append(probeRSS, mb(rss)), append(sippRSS, mb(ss.peakRSS))
		note := ""
		if !hasReset {
			note = " (peak RSS cumulative: clear_refs not writable)"
		}
		b.Logf("rep %d: sipprobe %d probes in %v = %.0f/s, peak RSS %.1f MB%s; SIPp %v = %.0f/s, peak RSS %.1f MB; ratio %.2f",
			rep, n, st.elapsed.Round(time.Millisecond), pr, mb(rss), note, ss.elapsed.Round(time.Millisecond), sr, mb(ss.peakRSS), pr/sr)
	}
	b.ReportMetric(median(probeRate), "sipprobe-probes/s")
	b.ReportMetric(median(sippRate), "sipp-calls/s")
	b.ReportMetric(median(ratio), "ratio")
	b.ReportMetric(median(probeRSS), "sipprobe-peak-RSS-MB")
	b.ReportMetric(median(sippRSS), "sipp-peak-RSS-MB")
	b.Logf("medians over %d repetitions of %d accounts, %d in parallel: sipprobe %.0f probes/s (peak RSS %.1f MB, whole bench process), SIPp %.0f REGISTER/s (peak RSS %.1f MB); sipprobe/SIPp = %.2f",
		rep, n, par, median(probeRate), median(probeRSS), median(sippRate), median(sippRSS), median(ratio))
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
