package testpbx

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

// selfSigned makes a throwaway certificate for 127.0.0.1.
func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "testpbx"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func TestAddrs(t *testing.T) {
	p := startPBX(t, WithTLS(selfSigned(t)))
	udp, tcp, tlsAddr := p.Addr("udp"), p.Addr("UDP"), p.Addr("tls")
	if udp == "" || udp != tcp || tlsAddr == "" || tlsAddr == udp {
		t.Fatalf("udp=%q tcp=%q tls=%q", udp, tcp, tlsAddr)
	}
	if p.Addr("tcp") != udp || p.Addr("sctp") != "" {
		t.Fatalf("tcp=%q sctp=%q", p.Addr("tcp"), p.Addr("sctp"))
	}
	for _, tp := range []string{"udp", "tcp", "tls"} {
		t.Run(tp, func(t *testing.T) {
			c := dialRaw(t, p, tp)
			res := c.do(c.newRequest(sip.OPTIONS, "x", "", p), "", "")
			if res.StatusCode != 200 {
				t.Fatalf("OPTIONS over %s: %d", tp, res.StatusCode)
			}
		})
	}
	if err := p.Start(context.Background()); !errors.Is(err, ErrStarted) {
		t.Fatalf("second Start: %v", err)
	}
}

func TestStartAfterClose(t *testing.T) {
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	_ = p.Close()
	if err := p.Start(context.Background()); !errors.Is(err, ErrClosed) {
		t.Fatalf("Start after Close: %v", err)
	}
	if err := p.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestContextCancelCloses(t *testing.T) {
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	addr := p.Addr("tcp")
	cancel()
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err != nil {
			return // listener gone
		}
		_ = c.Close()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("still listening after the context was cancelled")
}

// TestCloseLeavesNoGoroutine exercises every kind of goroutine the PBX
// starts (UDP/TCP/TLS readers, a call ringing forever, a call up with echo
// media and OPTIONS, a pending 200 retransmission) and checks that Close
// takes them all down.
func TestCloseLeavesNoGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	p, err := New(WithTLS(selfSigned(t)), WithT1(50*time.Millisecond), WithAccount("120", "secret",
		Extension("600", ExtensionBehaviour{RingForever: true}),
		Extension("601", ExtensionBehaviour{EchoRTP: true, OptionsEvery: 10 * time.Millisecond}),
		Extension("602", ExtensionBehaviour{IgnoreACK: true}),
	))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	udp, tcp := dialRaw(t, p, "udp"), dialRaw(t, p, "tcp")
	tlsc := dialRaw(t, p, "tls")
	tlsc.do(tlsc.newRequest(sip.OPTIONS, "x", "", p), "", "")
	udp.call(p, "600", offerPCMU)
	tcp.call(p, "601", offerPCMU)
	udp2 := dialRaw(t, p, "udp")
	udp2.call(p, "602", offerPCMU)
	udp2.finalResponse(time.Second)
	tcp.finalResponse(time.Second)
	time.Sleep(50 * time.Millisecond)
	if runtime.NumGoroutine() <= before {
		t.Fatal("test did not start any goroutine")
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	// Close waits for its own goroutines; the runtime may still be
	// retiring ones that just returned, so allow a moment.
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines before, %d after Close:\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}
