package probe

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/internal/testpeers"
	"github.com/sipprobe/sipprobe/results"
)

func closedPort(t *testing.T, network string) string {
	t.Helper()
	port := testpeers.FreePort(t) // free for UDP and TCP alike
	if network == "udp" {
		port = testpeers.FreeUDPPort(t)
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
}

func runProbe(t *testing.T, kind Kind, cfg Config) results.Result {
	t.Helper()
	if cfg.Timeout == 0 {
		cfg.Timeout = 2 * time.Second
	}
	return Run(context.Background(), kind, cfg, WithResolver(&fakeResolver{}))
}

func TestTransportFaults(t *testing.T) {
	silent, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	// A TCP listener on the silent UDP port's number that answers: the
	// fallback check must find it.
	answering := startRawServer(t, func(req *sip.Request) ([]string, bool) {
		if req.Transport() == "UDP" {
			return nil, false // silent over UDP
		}
		return []string{respondTo(req, 200, "OK")}, false
	})

	// Silent on both transports: TCP connects, then nothing comes back.
	deaf := startRawServer(t, func(*sip.Request) ([]string, bool) { return nil, false })

	// A server that speaks TCP only: its UDP port is closed.
	tcpOnly := startRawServer(t, func(req *sip.Request) ([]string, bool) {
		return []string{respondTo(req, 200, "OK")}, false
	})
	tcpOnly.udp.Close()

	tests := []struct {
		name      string
		cfg       Config
		diagnosis string
		maxTotal  time.Duration
		check     func(t *testing.T, r results.Result)
	}{
		{
			name: "closed UDP port is ICMP port unreachable", diagnosis: "port-unreachable",
			cfg: Config{Target: closedPort(t, "udp")}, maxTotal: 500 * time.Millisecond,
		},
		{
			name: "closed UDP port, TCP answers: transport mismatch", diagnosis: "transport-mismatch",
			cfg: Config{Target: tcpOnly.addr()}, maxTotal: 500 * time.Millisecond,
			check: func(t *testing.T, r results.Result) {
				a := r.Details.AltTransport
				if a == nil || !a.Answered || a.Code != 200 {
					t.Fatalf("fallback = %+v, want TCP answered 200", a)
				}
			},
		},
		{
			name: "closed TCP port is connection refused", diagnosis: "port-unreachable",
			cfg: Config{Target: closedPort(t, "tcp"), Transport: "tcp"}, maxTotal: 500 * time.Millisecond,
		},
		{
			// On loopback no NAT can be to blame: the plain silence.
			name: "silent UDP listener on loopback, TCP fallback refused", diagnosis: "no-response",
			cfg: Config{Target: silent.LocalAddr().String(), Timeout: time.Second}, maxTotal: 1500 * time.Millisecond,
			check: func(t *testing.T, r results.Result) {
				a := r.Details.AltTransport
				if a == nil || a.Answered {
					t.Fatalf("fallback = %+v, want tried and not answered", a)
				}
			},
		},
		{
			name: "silent UDP on loopback but TCP answers", diagnosis: "transport-mismatch",
			cfg: Config{Target: answering.addr(), Timeout: time.Second}, maxTotal: 1500 * time.Millisecond,
			check: func(t *testing.T, r results.Result) {
				a := r.Details.AltTransport
				if a == nil || !a.Answered || a.Code != 200 {
					t.Fatalf("fallback = %+v, want TCP answered 200", a)
				}
			},
		},
		{
			name: "silent on UDP and on TCP is no response at all", diagnosis: "no-response",
			cfg: Config{Target: deaf.addr(), Timeout: time.Second}, maxTotal: 1500 * time.Millisecond,
			check: func(t *testing.T, r results.Result) {
				a := r.Details.AltTransport
				if a == nil || a.Answered || !a.Silent {
					t.Fatalf("fallback = %+v, want tried and silent", a)
				}
			},
		},
		{
			name: "name under .invalid", diagnosis: "dns-failure",
			cfg: Config{Target: "pbx.invalid"}, maxTotal: 500 * time.Millisecond,
			check: func(t *testing.T, r results.Result) {
				// No query is ever sent (RFC 6761 §6.4): one line says so,
				// no lookup claims it was tried.
				if r.Details != nil && len(r.Details.Resolution) > 0 {
					t.Errorf("lookups reported that were never made: %+v", r.Details.Resolution)
				}
				if len(r.Diagnosis.Notes) != 1 || !strings.Contains(r.Diagnosis.Notes[0], "pbx.invalid is under .invalid") ||
					!strings.Contains(r.Diagnosis.Notes[0], "not looked up") {
					t.Errorf("notes %q, want one saying the name was not looked up", r.Diagnosis.Notes)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			r := runProbe(t, KindOptions, tt.cfg)
			if took := time.Since(start); took > tt.maxTotal {
				t.Errorf("took %v, want under %v", took, tt.maxTotal)
			}
			if r.Diagnosis.ID != tt.diagnosis {
				t.Fatalf("diagnosis = %s (%s), want %s; notes %v", r.Diagnosis.ID, r.Diagnosis.Summary, tt.diagnosis, r.Diagnosis.Notes)
			}
			if r.Status != results.StatusCritical || r.FinalCode != 0 {
				t.Errorf("status %s code %d, want critical and no final code", r.Status, r.FinalCode)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

func TestHostileServer(t *testing.T) {
	tests := []struct {
		name      string
		transport string
		b         behaviour
		diagnosis string
		note      string
		messages  int // at least this many in the transcript
	}{
		{"garbage bytes over UDP", "udp", func(*sip.Request) ([]string, bool) {
			return []string{"\x00\x01garbage\xff\xfe not sip at all"}, false
		}, "malformed-response", "unparseable", 2},
		{"response without Via", "udp", func(r *sip.Request) ([]string, bool) {
			return []string{respondTo(r, 200, "OK", func(res *sip.Response) { res.RemoveHeader("Via") })}, false
		}, "malformed-response", "no Via", 2},
		{"truncated message then close over TCP", "tcp", func(r *sip.Request) ([]string, bool) {
			full := respondTo(r, 200, "OK")
			return []string{full[:len(full)/2]}, true
		}, "connection-closed", "truncated", 2},
		{"server closes TCP mid-transaction", "tcp", func(*sip.Request) ([]string, bool) {
			return nil, true
		}, "connection-closed", "closed the connection", 1},
		{"odd reason phrase still a response", "udp", func(r *sip.Request) ([]string, bool) {
			return []string{respondTo(r, 503, "Ñot tödäy \x7f")}, false
		}, "", "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startRawServer(t, tt.b)
			start := time.Now()
			r := runProbe(t, KindOptions, Config{Target: srv.addr(), Transport: tt.transport, Timeout: time.Second, NoFallback: true})
			if took := time.Since(start); took > 1500*time.Millisecond {
				t.Errorf("took %v", took)
			}
			if tt.diagnosis == "" {
				if r.FinalCode != 503 {
					t.Fatalf("final = %d %q", r.FinalCode, r.FinalReason)
				}
				return
			}
			if r.Diagnosis.ID != tt.diagnosis {
				t.Fatalf("diagnosis = %s, want %s; notes %v", r.Diagnosis.ID, tt.diagnosis, r.Diagnosis.Notes)
			}
			if !strings.Contains(strings.Join(r.Diagnosis.Notes, " "), tt.note) {
				t.Errorf("notes %q do not mention %q", r.Diagnosis.Notes, tt.note)
			}
			if len(r.Messages) < tt.messages {
				t.Errorf("transcript lost the exchange: %d messages", len(r.Messages))
			}
		})
	}
}

func TestUDPRetransmissionsInTranscript(t *testing.T) {
	silent, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	r := runProbe(t, KindOptions, Config{Target: silent.LocalAddr().String(), Timeout: 1600 * time.Millisecond, NoFallback: true})
	out := 0
	for _, m := range r.Messages {
		if m.Dir == results.DirOut {
			out++
		}
	}
	// RFC 3261 Timer E: sends at 0, 0.5 s and 1.5 s.
	if out < 3 {
		t.Errorf("transcript has %d sends, want the retransmissions too", out)
	}
}

func TestIPv6Loopback(t *testing.T) {
	srv, err := net.ListenUDP("udp6", &net.UDPAddr{IP: net.IPv6loopback})
	if err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	}
	defer srv.Close()
	go func() {
		buf := make([]byte, 65535)
		for {
			n, from, err := srv.ReadFromUDP(buf)
			if err != nil {
				return
			}
			msg, err := sip.ParseMessage(append([]byte(nil), buf[:n]...))
			if req, ok := msg.(*sip.Request); ok && err == nil {
				_, _ = srv.WriteToUDP([]byte(respondTo(req, 200, "OK")), from)
			}
		}
	}()
	port := srv.LocalAddr().(*net.UDPAddr).Port
	for _, target := range []string{
		net.JoinHostPort("::1", strconv.Itoa(port)),
		"sip:[::1]:" + strconv.Itoa(port),
	} {
		t.Run(target, func(t *testing.T) {
			r := runProbe(t, KindOptions, Config{Target: target})
			if r.FinalCode != 200 || !strings.HasPrefix(r.RemoteAddr, "[::1]:") || !strings.HasPrefix(r.LocalAddr, "[::1]:") {
				t.Fatalf("got %d from %s via %s (%s)", r.FinalCode, r.RemoteAddr, r.LocalAddr, r.Diagnosis.ID)
			}
		})
	}
	srv.Close()
	t.Run("closed v6 port", func(t *testing.T) {
		r := runProbe(t, KindOptions, Config{Target: net.JoinHostPort("::1", strconv.Itoa(port))})
		if r.Diagnosis.ID != "port-unreachable" {
			t.Fatalf("diagnosis %s", r.Diagnosis.ID)
		}
	})
}
