// Package kamailio runs a real Kamailio registrar/proxy on loopback for
// integration tests: digest auth from an in-memory account table,
// registrar/usrloc without a database, UDP, TCP and TLS listeners on free
// ports, and INVITE relaying to a test UAS. Each Server belongs to one test
// and is stopped by it.
package kamailio

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/netns"
	"github.com/sipprobe/sipprobe/internal/testcerts"
	"github.com/sipprobe/sipprobe/internal/testpeers"
)

var (
	// ErrConfig is returned when the options cannot become a valid config.
	ErrConfig = errors.New("kamailio: bad config")
	// ErrNotReady is returned when Kamailio did not answer OPTIONS in time.
	ErrNotReady = errors.New("kamailio: not ready")
	// ErrExited is returned when Kamailio exited during start-up.
	ErrExited = errors.New("kamailio: exited during start-up")
)

// Server is a running Kamailio.
type Server struct {
	// Realm is the digest realm and the server's domain alias.
	Realm string
	// Accounts maps user to password; tests must not modify it.
	Accounts map[string]string
	// Certs is the PKI the TLS listener uses; trust Certs.CAFile.
	Certs *testcerts.Set

	host          string
	ns            *netns.NS // nil: the test's own namespace
	port, tlsPort int
	ws            wsPorts
	files         files
	proc          *testpeers.Process
}

// Start runs Kamailio with the options and stops it in t.Cleanup. It
// returns once the server answers OPTIONS over UDP and accepts TCP and TLS
// connections. Missing binaries skip the test (fail it under CI).
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	bin := testpeers.Require(t, "kamailio")
	c := defaultConfig()
	for _, o := range opts {
		o(&c)
	}
	if c.certs == nil {
		c.certs = testcerts.New(t)
	}
	s, err := testpeers.RetryPortTaken(func() (*Server, error) { return start(t, bin, &c) })
	if err != nil {
		t.Fatalf("kamailio: %v", err)
	}
	return s
}

func start(t testing.TB, bin string, c *config) (*Server, error) {
	t.Helper()
	port, tlsPort, err := pickPorts(c)
	if err != nil {
		return nil, err
	}
	ws, err := pickWSPorts(c, port, tlsPort)
	if err != nil {
		return nil, err
	}
	f := newFiles(t.TempDir())
	if err := c.render(f, port, tlsPort, ws); err != nil {
		return nil, err
	}
	// -DD: stay in the foreground (children are still forked), -E: log to
	// stderr, which StartProcess sends to the log file. Root needs no -u.
	args := []string{"-f", f.cfg, "-P", f.pid, "-DD", "-E"}
	if n := len(c.accounts); n > 2000 {
		// Each account is a statement of the htable's mod-init route,
		// parsed into private memory (8 MB by default): 10,000 accounts
		// need more (-M, in MB).
		args = append(args, "-M", strconv.Itoa(8+n/250))
	}
	cmd := exec.Command(bin, args...)
	if c.ns != nil {
		cmd = c.ns.Command(bin, args...)
	}
	proc, err := testpeers.StartProcess(t, cmd, f.log)
	if err != nil {
		return nil, err
	}
	s := &Server{Realm: c.realm, Accounts: c.accounts, Certs: c.certs,
		host: c.host, ns: c.ns, port: port, tlsPort: tlsPort, ws: ws, files: f, proc: proc}
	if err := s.waitReady(c.startTimeout); err != nil {
		stopErr := proc.Stop()
		log := proc.Log()
		if strings.Contains(log, "Address already in use") {
			return nil, fmt.Errorf("%w: %w", testpeers.ErrPortTaken, err)
		}
		return nil, errors.Join(fmt.Errorf("%w\n%s", err, proc.LogTail(30)), stopErr)
	}
	return s, nil
}

// readyPoll is how often start-up is probed; Kamailio needs ~0.1-0.3 s.
const readyPoll = 50 * time.Millisecond

// waitReady sends OPTIONS over UDP until any response comes, then checks
// that the TCP and TLS listeners accept.
func (s *Server) waitReady(timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		select {
		case <-s.proc.Done():
			return fmt.Errorf("%w: %v", ErrExited, s.proc.ExitErr())
		case <-ctx.Done():
			return fmt.Errorf("%w after %v", ErrNotReady, timeout)
		default:
		}
		if s.inPlace(func() error {
			if !s.answersUDP(ctx) {
				return ErrNotReady
			}
			return nil
		}) == nil {
			break
		}
		// Not bound yet: a connected UDP socket fails fast on ICMP.
		time.Sleep(readyPoll / 5)
	}
	addrs := []string{s.Addr("tcp"), s.Addr("tls")}
	if s.ws.ws != 0 {
		addrs = append(addrs, s.Addr("ws"), s.Addr("wss"))
	}
	for _, addr := range addrs {
		if err := s.inPlace(func() error { return dialUntil(ctx, addr) }); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrNotReady, addr, err)
		}
	}
	return nil
}

func (s *Server) answersUDP(ctx context.Context) bool {
	c, err := testpeers.DialSIP(ctx, "udp", s.Addr("udp"), nil)
	if err != nil {
		return false
	}
	defer c.Close()
	req := c.Request("OPTIONS", "sip:"+s.Addr("udp"), "sip:ready@"+s.Realm)
	_, err = c.RoundTrip(req, readyPoll)
	return err == nil
}

func dialUntil(ctx context.Context, addr string) error {
	var d net.Dialer
	for {
		c, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			return c.Close()
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(readyPoll):
		}
	}
}

// Addr returns "host:port" for transport "udp", "tcp", "tls", "ws" or
// "wss" (the last two with WithWebSocket), host being 127.0.0.1 unless
// WithNamespace chose another. UDP and TCP share one port; TLS, WS and WSS
// have their own.
func (s *Server) Addr(transport string) string {
	port := s.port
	switch transport {
	case "tls":
		port = s.tlsPort
	case "ws":
		port = s.ws.ws
	case "wss":
		port = s.ws.wss
	}
	return net.JoinHostPort(s.host, strconv.Itoa(port))
}

// inPlace runs f where the server's network is: in its namespace if it has
// one, so that readiness checks can reach it.
func (s *Server) inPlace(f func() error) error {
	if s.ns == nil {
		return f()
	}
	return s.ns.Do(f)
}

// pickPorts chooses free loopback ports, or the standard ones inside a
// namespace of the test's own.
func pickPorts(c *config) (port, tlsPort int, err error) {
	if c.ns != nil {
		return 5060, 5061, nil
	}
	if c.portBelow > 0 {
		port, err = freePortBelow(c.host, c.portBelow)
	} else {
		port, err = testpeers.FreePortHost(c.host)
	}
	if err != nil {
		return 0, 0, err
	}
	if tlsPort, err = testpeers.FreePortHost(c.host); err != nil {
		return 0, 0, err
	}
	if tlsPort == port {
		return 0, 0, testpeers.ErrPortTaken
	}
	return port, tlsPort, nil
}

// Port returns the UDP/TCP port, TLSPort the TLS port.
func (s *Server) Port() int    { return s.port }
func (s *Server) TLSPort() int { return s.tlsPort }

// Log returns Kamailio's log so far (handy in failure messages).
func (s *Server) Log() string { return s.proc.Log() }

// Pid returns the main Kamailio process id (also its process group).
func (s *Server) Pid() int { return s.proc.Pid() }

// Stop stops Kamailio and all its children; t.Cleanup calls it too, so
// calling it is only needed to test behaviour after the server is gone.
func (s *Server) Stop() error { return s.proc.Stop() }
