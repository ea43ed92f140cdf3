package sipp_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/kamailio"
	"github.com/sipprobe/sipprobe/internal/sipp"
	"github.com/sipprobe/sipprobe/internal/testpeers"
)

const rtt = 3 * time.Second

// offer is a minimal PCMU offer.
const offer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"

// call places a whole call over c (INVITE, answer a 407 once, ACK, BYE)
// and returns the 200 OK to the INVITE. The messages are built by hand:
// the harness must not depend on the engine it is there to test.
func call(t *testing.T, c *testpeers.SIPConn, ruri, user, password string) *testpeers.Response {
	t.Helper()
	callID := fmt.Sprintf("call-%d@harness", time.Now().UnixNano())
	from := "<sip:" + user + "@pbx.test>;tag=harness1"
	req := func(method, uri, to string, cseq int, hdrs ...string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK%d;rport\r\n", method, uri, c.LocalAddr(), time.Now().UnixNano())
		fmt.Fprintf(&b, "Max-Forwards: 70\r\nFrom: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %d %s\r\n", from, to, callID, cseq, method)
		fmt.Fprintf(&b, "Contact: <sip:%s@%s>\r\n", user, c.LocalAddr())
		body := ""
		if method == "INVITE" {
			body = offer
			b.WriteString("Content-Type: application/sdp\r\n")
		}
		for _, h := range hdrs {
			b.WriteString(h + "\r\n")
		}
		fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n%s", len(body), body)
		return b.String()
	}
	to := "<" + ruri + ">"
	resp, err := c.RoundTrip(req("INVITE", ruri, to, 1), rtt)
	if err != nil {
		t.Fatal(err)
	}
	cseq := 1
	if resp.Code == 407 {
		ack := req("ACK", ruri, resp.Header("To"), 1) // ACK for a non-2xx final (RFC 3261 §17.1.1.3)
		if _, err := c.Write([]byte(ack)); err != nil {
			t.Fatal(err)
		}
		auth, err := testpeers.Authorization(resp, "INVITE", ruri, user, password)
		if err != nil {
			t.Fatal(err)
		}
		cseq = 2
		if resp, err = c.RoundTrip(req("INVITE", ruri, to, cseq, auth), rtt); err != nil {
			t.Fatal(err)
		}
	}
	if resp.Code != 200 {
		t.Fatalf("INVITE: want 200, got:\n%s", resp.Raw)
	}
	// In-dialog requests go to the remote target, through the route set
	// (one Record-Route from one proxy, so no reversal to do).
	target := strings.Trim(resp.Header("Contact"), "<>")
	var route []string
	for _, rr := range resp.Headers.Values("Record-Route") {
		route = append(route, "Route: "+rr)
	}
	if _, err := c.Write([]byte(req("ACK", target, resp.Header("To"), cseq, route...))); err != nil {
		t.Fatal(err)
	}
	// A proxy with several UDP workers (Kamailio) may relay a BYE sent right
	// behind the ACK before it, and SIPp aborts a call whose BYE beats the
	// ACK; a real caller talks in between.
	time.Sleep(100 * time.Millisecond)
	bye, err := c.RoundTrip(req("BYE", target, resp.Header("To"), cseq+1, route...), rtt)
	if err != nil || bye.Code != 200 {
		t.Fatalf("BYE: %v %+v", err, bye)
	}
	return resp
}

func dial(t *testing.T, addr string) *testpeers.SIPConn {
	t.Helper()
	c, err := testpeers.DialSIP(context.Background(), "udp", addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestUASAnswersInvite(t *testing.T) {
	uas := sipp.StartUAS(t, sipp.BasicUAS(), sipp.WithTimeout(10*time.Second))
	resp := call(t, dial(t, uas.Addr()), "sip:600@"+uas.Addr(), "120", "")
	if !strings.Contains(resp.Body, "PCMU/8000") {
		t.Errorf("answer without PCMU:\n%s", resp.Body)
	}
	if err := uas.Wait(); err != nil {
		t.Fatalf("sipp: %v", err)
	}
}

func TestInviteThroughKamailio(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []kamailio.Option
	}{
		{name: "relay"},
		{name: "proxy auth", opts: []kamailio.Option{kamailio.WithInviteAuth()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			uas := sipp.StartUAS(t, sipp.BasicUAS(), sipp.WithTimeout(10*time.Second))
			k := kamailio.Start(t, append(tc.opts, kamailio.WithInviteRoute(uas.Addr()))...)
			resp := call(t, dial(t, k.Addr("udp")), "sip:600@pbx.test", "120", k.Accounts["120"])
			if resp.Header("Record-Route") == "" {
				t.Errorf("200 OK without Record-Route: the call did not go through Kamailio")
			}
			if err := uas.Wait(); err != nil {
				t.Fatalf("sipp: %v", err)
			}
		})
	}
}

func TestUASTimesOutWithoutCalls(t *testing.T) {
	uas := sipp.StartUAS(t, sipp.BasicUAS(), sipp.WithTimeout(time.Second))
	start := time.Now()
	err := uas.Wait()
	if !errors.Is(err, sipp.ErrTimeout) {
		t.Fatalf("want ErrTimeout, got %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("-timeout 1s took %v", d)
	}
}

func TestRegisterBenchmarkAgainstKamailio(t *testing.T) {
	k := kamailio.Start(t)
	const calls = 60
	res, err := sipp.RunUAC(t, k.Addr("udp"), sipp.RegisterUAC(),
		sipp.WithUsers(k.Accounts), sipp.WithCalls(calls), sipp.WithRate(200), sipp.WithTimeout(20*time.Second))
	if err != nil {
		t.Fatalf("%v (%+v)", err, res)
	}
	if res.Successful != calls || res.Failed != 0 {
		t.Fatalf("want %d successful, got %+v", calls, res)
	}
	t.Logf("%d REGISTERs with auth in %v", calls, res.Elapsed)
	if got := k.Contacts(t, "120"); len(got) == 0 {
		t.Errorf("no binding for 120 after the benchmark")
	}
}
