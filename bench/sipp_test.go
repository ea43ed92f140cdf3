package bench

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/testpeers"
)

// registerUAC is SIPp's side of the load: REGISTER, answer the 401, REGISTER
// with credentials, expect 200.
//
//go:embed testdata/register_uac.xml
var registerUAC []byte

// sippStats is what one SIPp run achieved.
type sippStats struct {
	elapsed time.Duration
	peakRSS int64         // bytes, from the kernel's rusage of the SIPp process
	cpu     time.Duration // user plus system CPU time of the SIPp process
}

// runSIPp drives the same load as sweep: one REGISTER-with-auth per account,
// at most parallel at once (-l), as fast as SIPp goes (-r without a real
// limit).
//
// It starts SIPp itself rather than through internal/sipp.RunUAC for two
// reasons of fairness: RunUAC always logs every message to a file
// (-trace_msg), which would slow SIPp down and flatter sipprobe, and it
// has no way to measure SIPp's peak RSS. (Its REGISTER scenario also puts
// [field0] inside [authentication ...], which SIPp 3.6 does not expand;
// testdata/register_uac.xml injects the whole keyword instead.)
func runSIPp(b *testing.B, server, domain string, users []string, passwords map[string]string, parallel int) (sippStats, error) {
	b.Helper()
	bin := testpeers.Require(b, "sipp")
	dir := b.TempDir()
	sf := filepath.Join(dir, "register.xml")
	if err := os.WriteFile(sf, registerUAC, 0o600); err != nil {
		return sippStats{}, err
	}
	var csv strings.Builder
	csv.WriteString("SEQUENTIAL\n")
	for _, u := range users {
		fmt.Fprintf(&csv, "%s;[authentication username=%s password=%s]\n", u, u, passwords[u])
	}
	inf := filepath.Join(dir, "users.csv")
	if err := os.WriteFile(inf, []byte(csv.String()), 0o600); err != nil {
		return sippStats{}, err
	}
	timeout := 60 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), timeout+5*time.Second)
	defer cancel()
	var lastErr error
	// FreePort releases the port before SIPp binds it; retry if taken.
	for range 3 {
		args := []string{"-sf", sf, "-inf", inf, "-key", "domain", domain,
			"-i", "127.0.0.1", "-bind_local", "-p", strconv.Itoa(testpeers.FreePort(b)), "-t", "u1",
			"-m", strconv.Itoa(len(users)), "-l", strconv.Itoa(parallel), "-r", "1000000", "-rp", "1000",
			// The same socket buffers as sipprobe's shared UDP link
			// (probe.LinkPool): with the default ones, the answers to
			// hundreds of parallel calls overflow SIPp's single socket
			// and every drop costs it a 500 ms retransmission.
			"-buff_size", strconv.Itoa(4 << 20),
			"-nostdin", "-timeout", fmt.Sprintf("%ds", int(timeout.Seconds())), "-timeout_error",
			"-trace_err", "-error_file", filepath.Join(dir, "errors.log"),
			server}
		// SIPp's peak RSS and CPU time come from /usr/bin/time, not from our own
		// rusage of the child: Go starts children with vfork semantics, and
		// Linux carries the parent's high-water mark into the child's
		// ru_maxrss at exec, so that figure would be the bench's own.
		rssFile := filepath.Join(dir, "maxrss")
		cmd := exec.CommandContext(ctx, "/usr/bin/time", append([]string{"-f", "%M %U %S", "-o", rssFile, bin}, args...)...)
		if _, err := os.Stat("/usr/bin/time"); err != nil {
			cmd = exec.CommandContext(ctx, bin, args...)
		}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
		start := time.Now()
		err := cmd.Run()
		st := sippStats{elapsed: time.Since(start)}
		if out, rerr := os.ReadFile(rssFile); rerr == nil {
			if f := strings.Fields(lastLine(string(out))); len(f) == 3 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				user, _ := strconv.ParseFloat(f[1], 64)
				sys, _ := strconv.ParseFloat(f[2], 64)
				st.peakRSS = kb * 1024
				st.cpu = time.Duration((user + sys) * float64(time.Second))
			}
		}
		if err == nil {
			return st, nil
		}
		errs, _ := os.ReadFile(filepath.Join(dir, "errors.log"))
		lastErr = fmt.Errorf("sipp: %v\n%s\n%s", err, tail(out.String(), 10), tail(string(errs), 10))
		if !strings.Contains(out.String()+string(errs), "already in use") {
			break
		}
	}
	return sippStats{}, lastErr
}

// lastLine is the last non-empty line (time -o prefixes "Command exited
// with non-zero status" when SIPp fails).
func lastLine(s string) string { return tail(s, 1) }

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
