// Package baresip runs a real baresip (Debian package baresip-core) as an
// echo extension on loopback for tests: an independent SIP and SRTP
// implementation (libre/librem, libsrtp-compatible SDES) to check sipprobe's
// offers and its SRTP against.
package baresip

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

// ErrNotReady: baresip did not come up in time, or exited.
var ErrNotReady = errors.New("baresip: not ready")

// Media encryption of the account (baresip's mediaenc= account parameter).
const (
	MediaEncNone = ""
	// MediaEncSRTP answers an SDES offer encrypted and a plain one plain.
	MediaEncSRTP = "srtp"
	// MediaEncSRTPMand requires SRTP: a plain RTP/AVP offer gets 488.
	MediaEncSRTPMand = "srtp-mand"
)

// User is the account's user part: call it as --to echo.
const User = "echo"

// modules is where the Debian package puts baresip's modules.
const modules = "/usr/lib/baresip/modules"

// readyTimeout bounds start-up; baresip is ready in ~50 ms here.
const readyTimeout = 5 * time.Second

// Option configures the instance.
type Option func(*config)

type config struct{ mediaEnc string }

// WithMediaEnc sets the account's mediaenc (MediaEncSRTP, MediaEncSRTPMand).
func WithMediaEnc(enc string) Option { return func(c *config) { c.mediaEnc = enc } }

// Baresip is a running instance. Every call to User is answered at once
// and its audio sent back (the echo module over aubridge), with RTCP.
type Baresip struct {
	port int
	proc *testpeers.Process
}

// Addr is the SIP address, 127.0.0.1:port (UDP).
func (b *Baresip) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(b.port)) }

// Log is baresip's output so far.
func (b *Baresip) Log() string { return b.proc.Log() }

// Start runs baresip with its own config directory in t.TempDir(),
// listening on a free loopback port; t.Cleanup stops it and fails the test
// if any of its processes is left.
func Start(t testing.TB, opts ...Option) (*Baresip, error) {
	t.Helper()
	bin := testpeers.Require(t, "baresip")
	if _, err := os.Stat(filepath.Join(modules, "echo.so")); err != nil {
		if testpeers.InCI() {
			t.Fatalf("baresip modules are required in CI but not found in %s (scripts/install-test-deps.sh installs baresip-core): %v", modules, err)
		}
		t.Skipf("baresip modules not found in %s: %v", modules, err)
	}
	var c config
	for _, o := range opts {
		o(&c)
	}
	return testpeers.RetryPortTaken(func() (*Baresip, error) { return start(t, bin, c) })
}

func start(t testing.TB, bin string, c config) (*Baresip, error) {
	dir := t.TempDir()
	port, err := testpeers.FreePortHost("127.0.0.1")
	if err != nil {
		return nil, err
	}
	rtp, err := testpeers.FreePortHost("127.0.0.1")
	if err != nil {
		return nil, err
	}
	if err := writeConfig(dir, port, rtp, c); err != nil {
		return nil, err
	}
	p, err := testpeers.StartProcess(t, exec.Command(bin, "-f", dir), filepath.Join(dir, "baresip.log"))
	if err != nil {
		return nil, err
	}
	b := &Baresip{port: port, proc: p}
	deadline := time.Now().Add(readyTimeout)
	for !strings.Contains(p.Log(), "baresip is ready") {
		select {
		case <-p.Done():
			_ = p.Stop()
			if strings.Contains(p.Log(), "in use") {
				return nil, fmt.Errorf("%w: %s", testpeers.ErrPortTaken, p.LogTail(5))
			}
			return nil, fmt.Errorf("%w: exited: %s", ErrNotReady, p.LogTail(10))
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%w: %s", ErrNotReady, p.LogTail(10))
		}
	}
	return b, nil
}

// writeConfig writes config and accounts. No sound card is needed: the
// echo module bridges each call's player to its source through aubridge.
// net_interface keeps baresip's SDP on 127.0.0.1 (it would name the first
// real interface otherwise), and rtp_ports keeps its media near a port we
// found free.
func writeConfig(dir string, port, rtp int, c config) error {
	conf := strings.Join([]string{
		"poll_method epoll",
		"sip_listen 127.0.0.1:" + strconv.Itoa(port),
		"net_interface 127.0.0.1",
		fmt.Sprintf("rtp_ports %d-%d", rtp, rtp+64),
		"rtcp_enable yes",
		"audio_player aubridge,nil",
		"audio_source aubridge,nil",
		"audio_alert aubridge,nil",
		"audio_srate 8000",
		"audio_channels 1",
		"module_path " + modules,
		"module g711.so",
		"module aubridge.so",
		"module srtp.so",
		"module_app account.so",
		"module_app echo.so",
		"",
	}, "\n")
	acct := "<sip:" + User + "@127.0.0.1>;regint=0"
	if c.mediaEnc != "" {
		acct += ";mediaenc=" + c.mediaEnc
	}
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte(conf), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "contacts"), nil, 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "accounts"), []byte(acct+"\n"), 0o600)
}
