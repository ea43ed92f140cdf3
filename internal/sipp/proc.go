package sipp

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/testpeers"
)

var (
	// ErrCallsFailed means SIPp finished but at least one call failed
	// (exit code 1).
	ErrCallsFailed = errors.New("sipp: calls failed")
	// ErrNoCalls means SIPp exited without processing any call (exit 99),
	// typically because the -timeout hit before anything arrived.
	ErrNoCalls = errors.New("sipp: no calls processed")
	// ErrTimeout means the -timeout (WithTimeout) ended the run before
	// the calls were done: without -timeout_error SIPp would exit 0 then.
	ErrTimeout = errors.New("sipp: timed out")
	// ErrFatal means SIPp could not run (bad scenario, bind error, ...).
	ErrFatal = errors.New("sipp: fatal error")
	// ErrNotReady means the UAS did not bind its port in time.
	ErrNotReady = errors.New("sipp: not ready")
)

// Proc is a running SIPp.
type Proc struct {
	port      int
	transport string
	dir       string
	proc      *testpeers.Process
}

// run starts sipp with the common safety arguments: loopback only, bound
// local address, no stdin (it would wait for keys), a global timeout, and
// errors traced into the test's temp dir.
func run(t testing.TB, scenario string, port int, c *config, extra ...string) (*Proc, error) {
	t.Helper()
	bin := testpeers.Require(t, "sipp")
	dir := t.TempDir()
	sf, err := scenarioFile(dir, scenario)
	if err != nil {
		return nil, err
	}
	tr := map[string]string{"udp": "u1", "tcp": "t1"}[c.transport]
	if tr == "" {
		return nil, fmt.Errorf("%w: transport %q (the Debian SIPp has no TLS)", ErrFatal, c.transport)
	}
	args := []string{
		"-sf", sf, "-p", strconv.Itoa(port), "-i", "127.0.0.1", "-bind_local", "-t", tr,
		"-nostdin", "-timeout", fmt.Sprintf("%ds", int(c.timeout.Seconds()+0.999)), "-timeout_error",
		"-m", strconv.Itoa(c.calls),
		"-trace_err", "-error_file", filepath.Join(dir, "errors.log"),
		"-trace_msg", "-message_file", filepath.Join(dir, "messages.log"),
		"-trace_stat", "-stf", filepath.Join(dir, "stat.csv"),
		"-key", "domain", c.domain,
	}
	args = append(append(args, extra...), c.args...)
	p, err := testpeers.StartProcess(t, exec.Command(bin, args...), filepath.Join(dir, "sipp.log"))
	if err != nil {
		return nil, err
	}
	sp := &Proc{port: port, transport: c.transport, dir: dir, proc: p}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("sipp messages (%s):\n%s", dir, tail(sp.Messages(), 60))
		}
	})
	return sp, nil
}

// scenarioFile returns a path for scenario, which is either a path or the
// XML itself (recognised by its <scenario element).
func scenarioFile(dir, scenario string) (string, error) {
	if !strings.Contains(scenario, "<scenario") {
		if _, err := os.Stat(scenario); err != nil {
			return "", fmt.Errorf("%w: scenario: %w", ErrFatal, err)
		}
		return scenario, nil
	}
	path := filepath.Join(dir, "scenario.xml")
	return path, os.WriteFile(path, []byte(scenario), 0o600)
}

// Addr returns "127.0.0.1:port" where SIPp listens.
func (p *Proc) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(p.port)) }

// Wait waits for SIPp to exit and maps its exit code: nil when every call
// succeeded, else ErrCallsFailed, ErrNoCalls or ErrFatal with the error log.
func (p *Proc) Wait() error {
	err := p.proc.ExitErr()
	var exit *exec.ExitError
	if err == nil || !errors.As(err, &exit) {
		return err
	}
	detail := tail(p.Errors(), 20)
	switch exit.ExitCode() {
	case 1:
		return fmt.Errorf("%w\n%s", ErrCallsFailed, detail)
	case 97: // exit on an internal command: a scenario's own <exec int_cmd="stop_now">
		return nil
	case 99:
		return fmt.Errorf("%w\n%s", ErrNoCalls, detail)
	case 255:
		// -timeout_error exits -1 like a fatal error; the trace says which.
		if strings.Contains(detail, "timed out after") {
			return fmt.Errorf("%w\n%s", ErrTimeout, detail)
		}
		return fmt.Errorf("%w: %v\n%s\n%s", ErrFatal, err, detail, p.proc.LogTail(20))
	default:
		return fmt.Errorf("%w: %v\n%s\n%s", ErrFatal, err, detail, p.proc.LogTail(20))
	}
}

// Stop stops SIPp now (SIGTERM, then SIGKILL); the test's cleanup does
// it anyway.
func (p *Proc) Stop() error { return p.proc.Stop() }

// Done is closed when SIPp has exited.
func (p *Proc) Done() <-chan struct{} { return p.proc.Done() }

// Messages returns SIPp's message trace (every message sent and received).
func (p *Proc) Messages() string { return readFile(filepath.Join(p.dir, "messages.log")) }

// Errors returns SIPp's error trace (unexpected messages, timeouts).
func (p *Proc) Errors() string { return readFile(filepath.Join(p.dir, "errors.log")) }

// waitBound waits until SIPp's socket shows up in /proc/net: SIPp answers
// nothing by itself, so probing it with SIP would disturb the scenario.
func (p *Proc) waitBound(timeout time.Duration) error {
	table, state := "/proc/net/udp", "07" // UDP sockets show as "closed"
	if p.transport == "tcp" {
		table, state = "/proc/net/tcp", "0A" // LISTEN
	}
	want := fmt.Sprintf("0100007F:%04X", p.port)
	deadline := time.Now().Add(timeout)
	for {
		for _, line := range strings.Split(readFile(table), "\n") {
			f := strings.Fields(line)
			if len(f) > 3 && f[1] == want && f[3] == state {
				return nil
			}
		}
		select {
		case <-p.proc.Done():
			return fmt.Errorf("%w: exited early: %v", ErrNotReady, p.Wait())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%w: %s not bound after %v", ErrNotReady, p.Addr(), timeout)
		}
	}
}

func readFile(path string) string {
	b, _ := os.ReadFile(path) // missing trace file: nothing traced yet
	return string(b)
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
