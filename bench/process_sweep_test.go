package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/kamailio"
)

var flagRows = flag.String("sweep.rows", "200,1000", "comma-separated sizes of the accounts files `sipprobe register --accounts` sweeps as a process")
var flagSweepBin = flag.String("sweep.bin", "", "sipprobe binary to sweep with (scripts/bench passes the release build; default: go build here)")

// BenchmarkSweepProcess is issue 13's end-to-end measurement: the built
// sipprobe binary sweeps an accounts file of each -sweep.rows size
// (start, sweep, JSON Lines written to a file) against one Kamailio
// (accounts in an htable, usrloc db_mode=0), and SIPp drives the same
// REGISTER-with-auth load with the same parallelism right after, in the
// same run. Per size it reports both rates, their ratio and both peak
// RSS figures (from /usr/bin/time, so the figure is the process's own).
// Every row must have exactly one result line, or the run fails: a fast
// sweep that loses results measures nothing.
func BenchmarkSweepProcess(b *testing.B) {
	var sizes []int
	for _, s := range strings.Split(*flagRows, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			b.Fatalf("-sweep.rows %q: want sizes like 2000,10000", *flagRows)
		}
		sizes = append(sizes, n)
	}
	par := *flagParallel
	most := 0
	for _, n := range sizes {
		most = max(most, n)
	}
	users := make([]string, most)
	passwords := make(map[string]string, most)
	for i := range users {
		users[i] = fmt.Sprintf("u%05d", i+1)
		passwords[users[i]] = fmt.Sprintf("pw-%05d-secret", i+1)
	}
	srv := kamailio.Start(b, kamailio.WithAccounts(passwords))
	dir := b.TempDir()
	bin := *flagSweepBin
	if bin == "" {
		bin = filepath.Join(dir, "sipprobe")
		build := exec.Command("go", "build", "-trimpath", "-tags", "urfave_cli_no_docs", "-o", bin, "../cmd/sipprobe")
		if out, err := build.CombinedOutput(); err != nil {
			b.Fatalf("go build: %v\n%s", err, out)
		}
	}
	for _, n := range sizes {
		acc := filepath.Join(dir, fmt.Sprintf("accounts-%d.csv", n))
		var csv strings.Builder
		csv.WriteString("user,password\n")
		for _, u := range users[:n] {
			fmt.Fprintf(&csv, "%s,%s\n", u, passwords[u])
		}
		if err := os.WriteFile(acc, []byte(csv.String()), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	type figures struct{ ours, sipp, oursRSS, sippRSS []float64 }
	per := make(map[int]*figures, len(sizes))
	for _, n := range sizes {
		per[n] = &figures{}
	}
	b.ResetTimer()
	for b.Loop() {
		for _, n := range sizes {
			acc := filepath.Join(dir, fmt.Sprintf("accounts-%d.csv", n))
			jsonl := filepath.Join(dir, fmt.Sprintf("results-%d.jsonl", n))
			elapsed, rss, err := runProcess(bin, jsonl, "register", "--server", srv.Addr("udp"), "--domain", srv.Realm,
				"--accounts", acc, "--parallel", strconv.Itoa(par), "--rate", "0", "--no-history", "--json", jsonl, "-o", "nagios")
			if err != nil {
				b.Fatalf("sipprobe, %d rows: %v", n, err)
			}
			ok, err := checkOnePerRow(jsonl, users[:n])
			if err != nil {
				b.Fatalf("sipprobe, %d rows: %v", n, err)
			}
			ss, err := runSIPp(b, srv.Addr("udp"), srv.Realm, users[:n], passwords, par)
			if err != nil {
				b.Fatal(err)
			}
			pr, sr := float64(n)/elapsed.Seconds(), float64(n)/ss.elapsed.Seconds()
			b.Logf("%d cores, %d rows, %d in parallel: sipprobe process %v = %.0f/s (%d ok), peak RSS %.1f MB; SIPp %v = %.0f/s, peak RSS %.1f MB; ratio %.2f",
				runtime.NumCPU(), n, par, elapsed.Round(time.Millisecond), pr, ok, mb(rss), ss.elapsed.Round(time.Millisecond), sr, mb(ss.peakRSS), pr/sr)
			f := per[n]
			f.ours, f.sipp = append(f.ours, pr), append(f.sipp, sr)
			f.oursRSS, f.sippRSS = append(f.oursRSS, mb(rss)), append(f.sippRSS, mb(ss.peakRSS))
		}
	}
	b.StopTimer()
	// Medians over the repetitions, as rows of scripts/bench's table.
	for _, n := range sizes {
		f := per[n]
		pr, sr := median(f.ours), median(f.sipp)
		b.ReportMetric(pr, fmt.Sprintf("sipprobe-%d-rows/s", n))
		b.ReportMetric(sr, fmt.Sprintf("sipp-%d-rows/s", n))
		b.ReportMetric(pr/sr, fmt.Sprintf("ratio-%d", n))
		b.ReportMetric(median(f.oursRSS), fmt.Sprintf("sipprobe-%d-peak-RSS-MB", n))
		benchRow(fmt.Sprintf("sweep %d accounts, %d in flight", n, par), "REGISTERs/s", pr, "SIPp 3.6.1", sr, "≥ 1.0", len(f.ours))
		benchRow(fmt.Sprintf("peak RSS, %d accounts, %d in flight", n, par), "MB", median(f.oursRSS), "SIPp 3.6.1", median(f.sippRSS), "", len(f.ours))
	}
	if len(sizes) > 1 {
		lo, hi := per[sizes[0]], per[sizes[len(sizes)-1]]
		fmt.Printf("sweep memory: peak RSS at %d accounts is %.2f× the peak at %d (goal ≤ 1.20)\n",
			sizes[len(sizes)-1], median(hi.oursRSS)/median(lo.oursRSS), sizes[0])
	}
}

// benchRow prints one row of scripts/bench's table: the figure, sipprobe's
// median, the peer's, their ratio and the goal, and the repetitions.
func benchRow(what, unit string, ours float64, peer string, theirs float64, goal string, reps int) {
	fmt.Printf("ROW|%s|%s|%.1f|%s|%.1f|%.2f|%s|%d\n", what, unit, ours, peer, theirs, ours/theirs, goal, reps)
}

// runProcess runs bin under /usr/bin/time and returns its wall time and
// peak RSS. Exit 0 to 2 are verdicts (a probe may time out on a loaded
// machine); 3 and anything else are failures of the run.
func runProcess(bin, jsonl string, args ...string) (time.Duration, int64, error) {
	rssFile := jsonl + ".maxrss"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/usr/bin/time", append([]string{"-f", "%M", "-o", rssFile, bin}, args...)...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = nil, &stderr
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() <= 2 {
		err = nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("%v\n%s", err, tail(stderr.String(), 10))
	}
	kb, err := os.ReadFile(rssFile)
	if err != nil {
		return 0, 0, err
	}
	n, _ := strconv.ParseInt(strings.TrimSpace(lastLine(string(kb))), 10, 64)
	return elapsed, n * 1024, nil
}

// checkOnePerRow makes sure the JSON Lines hold exactly one result per
// user, and counts the OK ones.
func checkOnePerRow(path string, users []string) (ok int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	seen := make(map[string]int, len(users))
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var r struct {
			Name   string `json:"name"`
			User   string `json:"user"`
			Status string `json:"status"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return 0, err
		}
		seen[r.User]++
		if r.Status == "ok" {
			ok++
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	for _, u := range users {
		if seen[u] != 1 {
			return 0, fmt.Errorf("%s has %d result lines, want 1", u, seen[u])
		}
	}
	if len(seen) != len(users) {
		return 0, fmt.Errorf("%d users in the results, want %d", len(seen), len(users))
	}
	return ok, nil
}
