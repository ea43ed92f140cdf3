// Package dnsmasq runs a real DNS server (dnsmasq, from Debian's
// dnsmasq-base) on a free loopback port for integration tests. It answers
// from the records the test gives and nothing else: every name is local
// (unknown names are NXDOMAIN) and there is no upstream server, so a query
// never leaves the machine. Each Server belongs to one test and is stopped
// by it.
package dnsmasq

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/testpeers"
)

var (
	// ErrNotReady is returned when dnsmasq did not answer a query in time.
	ErrNotReady = errors.New("dnsmasq: not ready")
	// ErrExited is returned when dnsmasq exited during start-up.
	ErrExited = errors.New("dnsmasq: exited during start-up")
)

// readyPoll is how often start-up is probed; dnsmasq answers within a few
// milliseconds of starting.
const readyPoll = 20 * time.Millisecond

// Server is a running dnsmasq.
type Server struct {
	port int
	proc *testpeers.Process
}

// Start runs dnsmasq with the records the options give and stops it in
// t.Cleanup. It returns once the server answers a query. A missing binary
// skips the test (fails it under CI).
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	bin := testpeers.Require(t, "dnsmasq")
	c := config{startTimeout: 10 * time.Second}
	for _, o := range opts {
		o(&c)
	}
	s, err := testpeers.RetryPortTaken(func() (*Server, error) { return start(t, bin, &c) })
	if err != nil {
		t.Fatalf("dnsmasq: %v", err)
	}
	return s
}

func start(t testing.TB, bin string, c *config) (*Server, error) {
	t.Helper()
	// UDP and TCP on one number: Go's resolver retries over TCP when an
	// answer is truncated.
	port, err := testpeers.FreePortHost("127.0.0.1")
	if err != nil {
		return nil, err
	}
	dir := t.TempDir()
	cmd := exec.Command(bin, c.args(port)...)
	cmd.Dir = dir
	proc, err := testpeers.StartProcess(t, cmd, filepath.Join(dir, "dnsmasq.log"))
	if err != nil {
		return nil, err
	}
	s := &Server{port: port, proc: proc}
	if err := s.waitReady(c.startTimeout); err != nil {
		stopErr := proc.Stop()
		if strings.Contains(proc.Log(), "Address already in use") {
			return nil, fmt.Errorf("%w: %w", testpeers.ErrPortTaken, err)
		}
		return nil, errors.Join(fmt.Errorf("%w\n%s", err, proc.LogTail(30)), stopErr)
	}
	return s, nil
}

// args is the whole configuration on the command line, so that no file of
// the machine's (/etc/dnsmasq.conf, /etc/hosts, /etc/resolv.conf) changes
// what the test sees.
func (c *config) args(port int) []string {
	args := []string{
		"--conf-file=/dev/null", // not /etc/dnsmasq.conf
		// Foreground, log to stderr (StartProcess's log file), no pid
		// file, no change of user, no forked TCP children: one process
		// to stop.
		"--no-daemon", "--log-facility=-", "--log-queries", "--pid-file=",
		"--no-resolv", "--no-hosts", "--no-poll",
		// Every domain is local: unknown names get NXDOMAIN and nothing is
		// forwarded (there is no upstream server either).
		"--local=/#/",
		"--port=" + strconv.Itoa(port), "--listen-address=127.0.0.1", "--bind-interfaces",
	}
	return append(args, c.records...)
}

// readyName is what waitReady asks; Queries leaves it out.
const readyName = "_ready._udp.dnsmasq.test"

// waitReady asks until any DNS answer comes back (NXDOMAIN will do: the
// server is up and answering).
func (s *Server) waitReady(timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	r := s.Resolver()
	for {
		select {
		case <-s.proc.Done():
			return fmt.Errorf("%w: %v", ErrExited, s.proc.ExitErr())
		case <-ctx.Done():
			return fmt.Errorf("%w after %v", ErrNotReady, timeout)
		default:
		}
		// SRV, not A: Go's resolver reads /etc/hosts before asking DNS
		// for addresses, never for SRV.
		qctx, qcancel := context.WithTimeout(ctx, readyPoll*5)
		_, _, err := r.LookupSRV(qctx, "", "", readyName)
		qcancel()
		var de *net.DNSError
		if err == nil || (errors.As(err, &de) && de.IsNotFound) {
			return nil
		}
		time.Sleep(readyPoll)
	}
}

// Addr returns "127.0.0.1:port", the value for --dns-server.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// Port returns the UDP/TCP port.
func (s *Server) Port() int { return s.port }

// Resolver returns a Go resolver that asks this server only, independent
// of sipprobe's own, for checking the harness itself.
func (s *Server) Resolver() *net.Resolver {
	var d net.Dialer
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, s.Addr())
	}}
}

// Query is one question dnsmasq received, from its query log.
type Query struct {
	Type string // "SRV", "A", "AAAA", …
	Name string
}

// Queries returns the questions asked so far, in order (without the
// harness's own readiness checks), so a test can check what a client asked
// this very server.
func (s *Server) Queries() []Query {
	var qs []Query
	for _, line := range strings.Split(s.proc.Log(), "\n") {
		// "... dnsmasq[123]: query[SRV] _sip._udp.pbx.test from 127.0.0.1"
		_, rest, ok := strings.Cut(line, "]: query[")
		if !ok {
			continue
		}
		typ, rest, ok := strings.Cut(rest, "] ")
		if !ok {
			continue
		}
		name, _, _ := strings.Cut(rest, " ")
		if name != readyName {
			qs = append(qs, Query{Type: typ, Name: name})
		}
	}
	return qs
}

// Log returns dnsmasq's log so far (handy in failure messages).
func (s *Server) Log() string { return s.proc.Log() }

// Stop stops dnsmasq; t.Cleanup calls it too, so calling it is only needed
// to test behaviour after the server is gone.
func (s *Server) Stop() error { return s.proc.Stop() }
