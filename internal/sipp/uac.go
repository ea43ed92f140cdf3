package sipp

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/testpeers"
)

// Result is what a UAC run achieved.
type Result struct {
	Elapsed    time.Duration // wall time from start to exit of SIPp
	Successful int           // calls that reached the end of the scenario
	Failed     int           // calls that did not
}

// RunUAC runs SIPp as a client with scenario (a path or the XML, e.g.
// RegisterUAC()) against remote ("127.0.0.1:port") until WithCalls calls
// are done, and returns the counts from SIPp's statistics. A run in which
// some calls failed returns the Result and ErrCallsFailed.
func RunUAC(t testing.TB, remote, scenario string, opts ...Option) (Result, error) {
	t.Helper()
	c := defaultConfig()
	for _, o := range opts {
		o(&c)
	}
	var extra []string
	if len(c.users) > 0 {
		inf, err := writeUsers(t.TempDir(), c.users)
		if err != nil {
			return Result{}, err
		}
		extra = append(extra, "-inf", inf)
	}
	if c.rate > 0 {
		extra = append(extra, "-r", strconv.Itoa(c.rate), "-rp", "1000")
	}
	extra = append(extra, remote)
	start := time.Now()
	p, err := run(t, scenario, testpeers.FreePort(t), &c, extra...)
	if err != nil {
		return Result{}, err
	}
	waitErr := p.Wait()
	res := Result{Elapsed: time.Since(start)}
	stats, err := parseStats(readFile(filepath.Join(p.dir, "stat.csv")))
	if err != nil {
		return res, fmt.Errorf("%w: %w (exit: %v)", ErrFatal, err, waitErr)
	}
	res.Successful, res.Failed = stats["SuccessfulCall(C)"], stats["FailedCall(C)"]
	return res, waitErr
}

// writeUsers writes an injection file, sorted so that runs are repeatable.
func writeUsers(dir string, users map[string]string) (string, error) {
	var b strings.Builder
	b.WriteString("SEQUENTIAL\n")
	for _, u := range slices.Sorted(maps.Keys(users)) {
		if strings.ContainsAny(u+users[u], ";\n") {
			return "", fmt.Errorf("%w: user %q: ';' and newlines cannot go into a SIPp CSV", ErrFatal, u)
		}
		fmt.Fprintf(&b, "%s;%s\n", u, users[u])
	}
	path := filepath.Join(dir, "users.csv")
	return path, os.WriteFile(path, []byte(b.String()), 0o600)
}

// parseStats reads the last row of SIPp's -trace_stat CSV (';'-separated,
// header first) into the integer columns by name.
func parseStats(csv string) (map[string]int, error) {
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	if len(lines) < 2 {
		return nil, fmt.Errorf("statistics file has %d lines", len(lines))
	}
	head := strings.Split(lines[0], ";")
	last := strings.Split(lines[len(lines)-1], ";")
	stats := map[string]int{}
	for i, name := range head {
		if i < len(last) {
			if n, err := strconv.Atoi(strings.TrimSpace(last[i])); err == nil {
				stats[name] = n
			}
		}
	}
	return stats, nil
}
