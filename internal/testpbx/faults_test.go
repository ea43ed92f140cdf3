package testpbx

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

// TestFaults checks what each fault puts on the wire, over UDP and TCP.
func TestFaults(t *testing.T) {
	tests := []struct {
		name  string
		fault Fault
		check func(t *testing.T, c *rawClient, p *PBX)
	}{
		{"silence", FaultSilence, func(t *testing.T, c *rawClient, p *PBX) {
			if b := c.readRaw(300 * time.Millisecond); b != nil {
				t.Fatalf("got %q", b)
			}
		}},
		{"garbage", FaultGarbage, func(t *testing.T, c *rawClient, p *PBX) {
			b := c.readRaw(time.Second)
			if len(b) < 32 {
				t.Fatalf("got %d bytes", len(b))
			}
			if _, err := sip.ParseMessage(b); err == nil {
				t.Fatal("garbage parsed as SIP")
			}
		}},
		{"no via", FaultNoVia, func(t *testing.T, c *rawClient, p *PBX) {
			res := c.readResponse(time.Second)
			if res.StatusCode != 200 || res.Via() != nil {
				t.Fatalf("%v", res)
			}
		}},
		{"truncated", FaultTruncated, func(t *testing.T, c *rawClient, p *PBX) {
			b := c.readRaw(time.Second)
			if !bytes.HasPrefix(b, []byte("SIP/2.0 200 OK\r\n")) || bytes.Contains(b, []byte("\r\n\r\n")) {
				t.Fatalf("not a truncated response: %q", b)
			}
			if c.transport == "tcp" {
				if more := c.readRaw(time.Second); more != nil {
					t.Fatalf("connection still open, got %q", more)
				}
			}
		}},
		{"close tcp", FaultCloseTCP, func(t *testing.T, c *rawClient, p *PBX) {
			if b := c.readRaw(300 * time.Millisecond); b != nil {
				t.Fatalf("got %q", b)
			}
		}},
		{"provisional burst", FaultProvisionalBurst(5), func(t *testing.T, c *rawClient, p *PBX) {
			for i := range 5 {
				if res := c.readResponse(time.Second); res.StatusCode != 100 {
					t.Fatalf("response %d: %d", i, res.StatusCode)
				}
			}
			if res := c.readResponse(time.Second); res.StatusCode != 200 {
				t.Fatalf("final %d", res.StatusCode)
			}
		}},
		{"odd reason", FaultReason(480, "Codec Mismatch"), func(t *testing.T, c *rawClient, p *PBX) {
			res := c.readResponse(time.Second)
			if res.StatusCode != 480 || res.Reason != "Codec Mismatch" {
				t.Fatalf("%d %q", res.StatusCode, res.Reason)
			}
		}},
	}
	for _, tt := range tests {
		for _, tp := range []string{"udp", "tcp"} {
			t.Run(tt.name+"/"+tp, func(t *testing.T) {
				p := startPBX(t, WithFault(tt.fault, "options"))
				c := dialRaw(t, p, tp)
				c.send(c.newRequest(sip.OPTIONS, "probe", "", p))
				tt.check(t, c, p)
			})
		}
	}
}

// TestFaultScope: a fault bound to one method leaves the others alone, and
// WithFaultN stops after n requests, so the retransmission gets through.
func TestFaultScope(t *testing.T) {
	p := startPBX(t, WithAccount("120", "secret"), WithFaultN(FaultSilence, 1, "REGISTER"))
	c := dialRaw(t, p, "udp")
	if res := c.do(c.newRequest(sip.OPTIONS, "x", "", p), "", ""); res.StatusCode != 200 {
		t.Fatalf("OPTIONS %d", res.StatusCode)
	}
	reg := c.newRequest(sip.REGISTER, "120", "", p)
	c.send(reg)
	if b := c.readRaw(200 * time.Millisecond); b != nil {
		t.Fatalf("first REGISTER answered: %q", b)
	}
	c.send(reg) // the client's retransmission
	if res := c.finalResponse(time.Second); res.StatusCode != 401 {
		t.Fatalf("retransmission got %d", res.StatusCode)
	}
	c.send(reg) // a second retransmission: answered from the transaction
	if res := c.finalResponse(time.Second); res.StatusCode != 401 {
		t.Fatalf("second retransmission got %d", res.StatusCode)
	}
	recs := p.Requests()
	if n := len(recs); n != 4 || !recs[1].Ignored || recs[2].Retransmission || !recs[3].Retransmission {
		t.Fatalf("records %+v", recs)
	}
}

func TestFaultValidation(t *testing.T) {
	for name, opt := range map[string]Option{
		"burst 0":     WithFault(FaultProvisionalBurst(0)),
		"reason 99":   WithFault(FaultReason(99, "x")),
		"reason crlf": WithFault(FaultReason(500, "a\r\nb")),
		"nil fault":   WithFault(nil),
		"basic 0":     WithFault(BasicFault(0)),
		"negative n":  WithFaultN(FaultSilence, -1),
		"bad alg":     WithDigestAlgorithm("SHA-1"),
		"bad ext":     WithAccount("1", "p", Extension("600", ExtensionBehaviour{MediaAddr: "nope"})),
		"ext 2xx":     WithAccount("1", "p", Extension("600", ExtensionBehaviour{Code: 200})),
		"dup account": func(c *config) error { _ = WithAccount("1", "p")(c); return WithAccount("1", "p")(c) },
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := New(opt); !errors.Is(err, ErrInvalidOption) {
				t.Fatalf("got %v, want ErrInvalidOption", err)
			}
		})
	}
}
