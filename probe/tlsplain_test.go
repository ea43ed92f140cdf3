package probe

import (
	"bufio"
	"bytes"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// plainPort is a TCP port that speaks plain SIP the way Kamailio does when
// a TLS ClientHello arrives: it waits for the rest of a SIP message that
// never comes (the handshake hangs), while a plain OPTIONS gets its 200.
func plainPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	done := make(chan struct{})
	t.Cleanup(func() { close(done); _ = ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				go func() { <-done; _ = c.Close() }()
				rd := bufio.NewReader(c)
				first, err := rd.Peek(1)
				if err != nil {
					return
				}
				if first[0] == 0x16 { // a TLS handshake record: hang
					<-done
					return
				}
				var head bytes.Buffer
				for !bytes.HasSuffix(head.Bytes(), []byte("\r\n\r\n")) {
					line, err := rd.ReadBytes('\n')
					if err != nil {
						return
					}
					head.Write(line)
				}
				msg, err := sip.ParseMessage(head.Bytes())
				if err != nil {
					return
				}
				if req, ok := msg.(*sip.Request); ok {
					_, _ = c.Write([]byte(respondTo(req, 200, "OK")))
				}
				<-done
			}()
		}
	}()
	return ln.Addr().String()
}

// TestTLSToPlainPortAbandoned: the plain OPTIONS answered, the hung TLS
// handshake is given up at once instead of at the timeout, and the result
// says why; with --no-fallback nothing tells, and the timeout runs out.
func TestTLSToPlainPortAbandoned(t *testing.T) {
	addr := plainPort(t)
	timeout := 4 * time.Second
	t.Run("fallback on", func(t *testing.T) {
		r := runProbe(t, KindOptions, Config{Target: addr, Transport: "tls", Timeout: timeout})
		wantDiagnosis(t, r, "tls-failure", results.StatusCritical)
		if r.Details == nil || r.Details.TLS == nil || r.Details.TLS.Failure != catalog.TLSPlainSIP {
			t.Fatalf("details %+v, want TLS failure plain-sip", r.Details)
		}
		// Plain SIP answered: the certificate causes of other TLS
		// failures do not apply, and are not listed.
		if c := strings.Join(append(r.Diagnosis.Causes, r.Diagnosis.Remedies...), "\n"); len(r.Diagnosis.Causes) != 1 || strings.Contains(c, "ertificate") {
			t.Errorf("causes and remedies of a plain-SIP port:\n%s", c)
		}
		if a := r.Details.AltTransport; a == nil || !a.Answered || a.Code != 200 {
			t.Errorf("alt transport %+v, want answered 200", a)
		}
		// The check starts at half the timeout; the hang ends with its answer.
		if total := r.Timings.Total.Duration(); total >= timeout*3/4 {
			t.Errorf("took %v with a %v timeout: the handshake was not given up when plain SIP answered", total, timeout)
		}
		if notes := strings.Join(r.Diagnosis.Notes, "\n"); !strings.Contains(notes, "the TLS handshake got no answer in 2.") || !strings.Contains(notes, "so the probe stopped waiting for it") {
			t.Errorf("notes do not say the handshake was given up:\n%s", notes)
		}
	})
	t.Run("--no-fallback waits out the timeout", func(t *testing.T) {
		r := runProbe(t, KindOptions, Config{Target: addr, Transport: "tls", Timeout: time.Second, NoFallback: true})
		wantDiagnosis(t, r, "no-response", results.StatusCritical)
		if total := r.Timings.Total.Duration(); total < time.Second {
			t.Errorf("took %v: something cut the handshake short without a plain check", total)
		}
	})
}
