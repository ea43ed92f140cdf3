package testpbx

import (
	"bytes"
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/pion/sdp/v3"
)

const offerPCMUPCMA = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
	"m=audio 40000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"

const offerPCMU = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
	"m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"

// call places an authenticated INVITE to ext and returns the request (with
// the credentials) for later ACK/CANCEL.
func (c *rawClient) call(p *PBX, ext, offer string) *sip.Request {
	c.t.Helper()
	req := c.newRequest(sip.INVITE, "120", ext, p)
	c.contact(req, "120")
	req.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	req.SetBody([]byte(offer))
	c.send(req)
	chal := c.finalResponse(time.Second)
	if chal.StatusCode != 401 {
		c.t.Fatalf("INVITE without credentials got %d", chal.StatusCode)
	}
	c.ackNon2xx(req, chal)
	next := authorize(c.t, req, chal, "120", "secret")
	c.send(next)
	return next
}

// answer parses the response's SDP.
func answer(t *testing.T, res *sip.Response) *sdp.SessionDescription {
	t.Helper()
	var s sdp.SessionDescription
	if err := s.Unmarshal(res.Body()); err != nil {
		t.Fatalf("SDP answer: %v\n%s", err, res.Body())
	}
	return &s
}

func formats(s *sdp.SessionDescription) string {
	return strings.Join(s.MediaDescriptions[0].MediaName.Formats, " ")
}

// withExt is a PBX with account 120 whose extension 600 behaves as b.
func withExt(t *testing.T, b ExtensionBehaviour, opts ...Option) (*PBX, *rawClient) {
	t.Helper()
	p := startPBX(t, append([]Option{WithT1(20 * time.Millisecond), WithAccount("120", "secret", Extension("600", b))}, opts...)...)
	return p, dialRaw(t, p, "udp")
}

func TestInviteFinalCodes(t *testing.T) {
	tests := []struct {
		name       string
		b          ExtensionBehaviour
		ext, offer string
		wantCode   int
		wantReason string
	}{
		{"busy", ExtensionBehaviour{Code: 486}, "600", offerPCMU, 486, "Busy Here"},
		{"private ip 488", ExtensionBehaviour{Code: 488, Reason: "Private IP Address"}, "600", offerPCMU, 488, "Private IP Address"},
		{"unavailable", ExtensionBehaviour{Code: 480}, "600", offerPCMU, 480, "Temporarily Unavailable"},
		{"codec refused", ExtensionBehaviour{Codecs: []string{"PCMA"}}, "600", offerPCMU, 488, "Not Acceptable Here"},
		{"unknown extension", ExtensionBehaviour{}, "700", offerPCMU, 404, "Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, c := withExt(t, tt.b)
			inv := c.call(p, tt.ext, tt.offer)
			res := c.finalResponse(time.Second)
			if res.StatusCode != tt.wantCode || res.Reason != tt.wantReason {
				t.Fatalf("got %d %q", res.StatusCode, res.Reason)
			}
			c.ackNon2xx(inv, res)
			// Acknowledged: no retransmission of the failure (Timer G stops).
			if m := c.readMsg(100 * time.Millisecond); m != nil {
				t.Fatalf("after ACK: %v", m.String())
			}
		})
	}
}

// TestInviteAnswer covers the answering behaviours and a clean BYE.
func TestInviteAnswer(t *testing.T) {
	tests := []struct {
		name  string
		b     ExtensionBehaviour
		check func(t *testing.T, s *sdp.SessionDescription)
	}{
		{"any codec", ExtensionBehaviour{}, func(t *testing.T, s *sdp.SessionDescription) {
			if f := formats(s); f != "0 8 101" {
				t.Fatalf("formats %q", f)
			}
		}},
		{"only pcma", ExtensionBehaviour{Codecs: []string{"pcma"}}, func(t *testing.T, s *sdp.SessionDescription) {
			if f := formats(s); f != "8 101" {
				t.Fatalf("formats %q", f)
			}
		}},
		{"no common codec", ExtensionBehaviour{NoCommonCodec: true}, func(t *testing.T, s *sdp.SessionDescription) {
			if f := formats(s); f != "18" {
				t.Fatalf("formats %q", f)
			}
		}},
		{"private media", ExtensionBehaviour{MediaAddr: "10.0.0.5"}, func(t *testing.T, s *sdp.SessionDescription) {
			if a := s.ConnectionInformation.Address.Address; a != "10.0.0.5" {
				t.Fatalf("address %q", a)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, c := withExt(t, tt.b)
			inv := c.call(p, "600", offerPCMUPCMA)
			if res := c.readResponse(time.Second); res.StatusCode != 100 {
				t.Fatalf("first %d", res.StatusCode)
			}
			if res := c.readResponse(time.Second); res.StatusCode != 180 {
				t.Fatalf("then %d", res.StatusCode)
			}
			res := c.finalResponse(time.Second)
			if res.StatusCode != 200 || res.Contact() == nil {
				t.Fatalf("got %v", res)
			}
			tt.check(t, answer(t, res))
			c.ack2xx(inv, res)
			bye := dialogReq(sip.BYE, inv, res.To(), inv.CSeq().SeqNo+1, true)
			c.send(bye)
			if r := c.finalTo(sip.BYE, time.Second); r.StatusCode != 200 {
				t.Fatalf("BYE answered %v", r.Short())
			}
			c.send(bye.Clone())
			c.send(dialogReq(sip.BYE, inv, res.To(), inv.CSeq().SeqNo+2, true))
			if r := c.finalTo(sip.BYE, time.Second); r.StatusCode != 200 {
				t.Fatalf("retransmitted BYE: %d", r.StatusCode)
			}
			if r := c.finalTo(sip.BYE, time.Second); r.StatusCode != 481 {
				t.Fatalf("BYE after the call: %d", r.StatusCode)
			}
		})
	}
}

func TestInviteRingForeverCancel(t *testing.T) {
	p, c := withExt(t, ExtensionBehaviour{RingForever: true})
	inv := c.call(p, "600", offerPCMU)
	for _, want := range []int{100, 180} {
		if res := c.readResponse(time.Second); res.StatusCode != want {
			t.Fatalf("got %d, want %d", res.StatusCode, want)
		}
	}
	if m := c.readMsg(150 * time.Millisecond); m != nil {
		t.Fatalf("ringing call sent %s", m.String())
	}
	cancel := dialogReq(sip.CANCEL, inv, inv.To(), inv.CSeq().SeqNo, false)
	c.send(cancel)
	got := map[string]int{}
	for range 2 {
		r := c.finalResponse(time.Second)
		got[string(r.CSeq().MethodName)] = r.StatusCode
	}
	if got["CANCEL"] != 200 || got["INVITE"] != 487 {
		t.Fatalf("got %v", got)
	}
}

func TestInviteEarlyMedia(t *testing.T) {
	p, c := withExt(t, ExtensionBehaviour{EarlyMedia: true})
	c.call(p, "600", offerPCMU)
	c.readResponse(time.Second) // 100
	res := c.readResponse(time.Second)
	if res.StatusCode != 183 || len(res.Body()) == 0 {
		t.Fatalf("got %d with %d bytes of body", res.StatusCode, len(res.Body()))
	}
	if f := formats(answer(t, res)); f != "0" {
		t.Fatalf("early SDP formats %q", f)
	}
	if res := c.finalResponse(time.Second); res.StatusCode != 200 {
		t.Fatalf("final %d", res.StatusCode)
	}
}

// TestInviteAckHandling: a normal extension stops retransmitting 200 OK at
// our ACK; an IgnoreACK one keeps going and hangs up after 64×T1.
func TestInviteAckHandling(t *testing.T) {
	for _, ignore := range []bool{false, true} {
		t.Run("ignore="+strconv.FormatBool(ignore), func(t *testing.T) {
			p, c := withExt(t, ExtensionBehaviour{IgnoreACK: ignore})
			inv := c.call(p, "600", offerPCMU)
			res := c.finalResponse(time.Second)
			c.ack2xx(inv, res)
			retrans, byes := 0, 0
			deadline := time.Now().Add(64*20*time.Millisecond + 500*time.Millisecond)
			for time.Now().Before(deadline) {
				m := c.readMsg(time.Until(deadline))
				if m == nil {
					break
				}
				switch m := m.(type) {
				case *sip.Response:
					if m.StatusCode == 200 {
						retrans++
					}
				case *sip.Request:
					if m.Method == sip.BYE {
						byes++
						c.sendBytes([]byte(sip.NewResponseFromRequest(m, 200, "OK", nil).String()))
						deadline = time.Now().Add(100 * time.Millisecond)
					}
				}
			}
			if ignore && (retrans < 3 || byes != 1) {
				t.Fatalf("ignoring ACK: %d retransmissions, %d BYE", retrans, byes)
			}
			if !ignore && (retrans > 1 || byes != 0) {
				t.Fatalf("ACK heard: %d retransmissions, %d BYE", retrans, byes)
			}
		})
	}
}

// TestInviteFarEndRequests: BYE after a delay and in-dialog OPTIONS, both
// sent to the caller, retransmitted over UDP until answered.
func TestInviteFarEndRequests(t *testing.T) {
	p, c := withExt(t, ExtensionBehaviour{ByeAfter: 300 * time.Millisecond, OptionsEvery: 100 * time.Millisecond})
	inv := c.call(p, "600", offerPCMU)
	res := c.finalResponse(time.Second)
	c.ack2xx(inv, res)
	start := time.Now()
	var opts int
	for {
		m := c.readMsg(2 * time.Second)
		if m == nil {
			t.Fatal("no BYE")
		}
		req, ok := m.(*sip.Request)
		if !ok {
			continue
		}
		if tag, _ := req.From().Params.Get("tag"); tag == "" || req.CallID().Value() != inv.CallID().Value() {
			t.Fatalf("not in dialog: %s", req)
		}
		c.sendBytes([]byte(sip.NewResponseFromRequest(req, 200, "OK", nil).String()))
		if req.Method == sip.OPTIONS {
			opts++
			continue
		}
		if req.Method != sip.BYE {
			t.Fatalf("unexpected %s", req.Method)
		}
		break
	}
	if el := time.Since(start); el < 250*time.Millisecond || opts < 1 {
		t.Fatalf("BYE after %v with %d OPTIONS", el, opts)
	}
}

func TestInviteEchoRTP(t *testing.T) {
	p, c := withExt(t, ExtensionBehaviour{EchoRTP: true})
	c.call(p, "600", offerPCMU)
	res := c.finalResponse(time.Second)
	port := answer(t, res).MediaDescriptions[0].MediaName.Port.Value
	rtp, err := net.Dial("udp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	defer rtp.Close()
	pkt := []byte{0x80, 0, 0, 1, 0, 0, 0, 160, 1, 2, 3, 4, 0xff, 0xff}
	if _, err := rtp.Write(pkt); err != nil {
		t.Fatal(err)
	}
	_ = rtp.SetReadDeadline(time.Now().Add(time.Second))
	buf := make([]byte, 100)
	n, err := rtp.Read(buf)
	if err != nil || !bytes.Equal(buf[:n], pkt) {
		t.Fatalf("echo: %v %x", err, buf[:n])
	}
}

// TestInviteSipgoDialog drives a call with sipgo's DialogClientCache over
// TCP, the way the invite probe does: INVITE, 407 handled by sipgo's
// digest, answer, ACK, BYE.
func TestInviteSipgoDialog(t *testing.T) {
	p := startPBX(t, WithProxyAuth(), WithAccount("120", "secret", Extension("600", ExtensionBehaviour{Codecs: []string{"PCMA"}})))
	cl := sipgoClient(t)
	contact := sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "120", Host: "127.0.0.1"}}
	dc := sipgo.NewDialogClientCache(cl, contact)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	from := &sip.FromHeader{Address: sip.Uri{Scheme: "sip", User: "120", Host: "127.0.0.1"}, Params: sip.NewParams()}
	from.Params.Add("tag", sip.GenerateTagN(8))
	sess, err := dc.Invite(ctx, pbxURI(t, p, "tcp", "600"), []byte(offerPCMUPCMA), from, sip.NewHeader("Content-Type", "application/sdp"))
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if err := sess.WaitAnswer(ctx, sipgo.AnswerOptions{Username: "120", Password: "secret"}); err != nil {
		t.Fatal(err)
	}
	if f := formats(answer(t, sess.InviteResponse)); f != "8 101" {
		t.Fatalf("answer formats %q", f)
	}
	if err := sess.Ack(ctx); err != nil {
		t.Fatal(err)
	}
	if err := sess.Bye(ctx); err != nil {
		t.Fatal(err)
	}
	_, auth := countAuth(p.Requests(), "INVITE")
	if auth != 1 {
		t.Fatalf("%d authenticated INVITEs", auth)
	}
}

// TestInviteAckLostOnTheWay: silencing ACK is the path-level version of
// IgnoreACK (a SIP-ALG eating our ACK): the 200 OK keeps coming.
func TestInviteAckLostOnTheWay(t *testing.T) {
	p, c := withExt(t, ExtensionBehaviour{}, WithFault(FaultSilence, "ACK"))
	inv := c.call(p, "600", offerPCMU)
	res := c.finalResponse(time.Second)
	c.ack2xx(inv, res)
	// The ACK to the 401 was eaten too, so its retransmissions mix in.
	for n := 0; n < 2; {
		r := c.finalResponse(time.Second)
		if r.CSeq().SeqNo != inv.CSeq().SeqNo {
			continue
		}
		if r.StatusCode != 200 {
			t.Fatalf("retransmission %d: %d", n, r.StatusCode)
		}
		n++
	}
}

// TestInviteLateOffer: an INVITE without SDP gets an offer in the 200 OK.
func TestInviteLateOffer(t *testing.T) {
	p, c := withExt(t, ExtensionBehaviour{})
	c.call(p, "600", "")
	res := c.finalResponse(time.Second)
	if res.StatusCode != 200 || formats(answer(t, res)) != "0 8 101" {
		t.Fatalf("%d %s", res.StatusCode, res.Body())
	}
}
