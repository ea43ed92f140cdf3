package probe

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestInviteOfferSDP(t *testing.T) {
	offer, err := parseCodecs([]string{"opus", "PCMA", "telephone-event", "pcma"})
	if err != nil {
		t.Fatal(err)
	}
	body, err := buildOffer(netip.MustParseAddr("192.0.2.7"), 40000, offer, 42, 1)
	if err != nil {
		t.Fatal(err)
	}
	s := string(body)
	for _, want := range []string{
		"c=IN IP4 192.0.2.7\r\n", "m=audio 40000 RTP/AVP 111 8 101\r\n",
		"a=rtpmap:111 opus/48000/2\r\n", "a=rtpmap:8 PCMA/8000\r\n", "a=fmtp:101 0-16\r\n", "a=sendrecv\r\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("offer lacks %q:\n%s", want, s)
		}
	}
	// Our own offer read back as an answer agrees with itself.
	a := analyzeAnswer(offer, body)
	if !slices.Equal(a.common, []string{"opus", "pcma"}) || a.send == nil || a.send.pt != 111 || a.private {
		t.Errorf("self-answer: %+v", a)
	}
	body6, _ := buildOffer(netip.MustParseAddr("2001:db8::1"), 40000, offer, 42, 1)
	if !strings.Contains(string(body6), "c=IN IP6 2001:db8::1") {
		t.Errorf("IPv6 offer:\n%s", body6)
	}
}

func TestInviteCodecsValidation(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    []string
		valid bool
	}{
		{"default", nil, true},
		{"all", []string{"pcmu", "pcma", "g722", "g729", "opus", "telephone-event"}, true},
		{"unknown", []string{"pcmu", "amr"}, false},
		{"events only", []string{"telephone-event"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := ValidateCodecs(tc.in); (err == nil) != tc.valid {
				t.Errorf("ValidateCodecs(%v) = %v", tc.in, err)
			}
		})
	}
}

const answerHead = "v=0\r\no=- 1 1 IN IP4 203.0.113.5\r\ns=-\r\nc=IN IP4 203.0.113.5\r\nt=0 0\r\n"

func TestInviteAnalyzeAnswer(t *testing.T) {
	offer, _ := parseCodecs(nil) // pcmu, pcma, g722, telephone-event
	cases := []struct {
		name       string
		body       string
		common     []string
		rejected   bool
		private    bool
		addr       string
		sendPT     int // -1: nothing to send with
		problemHas string
	}{
		{name: "pcma preferred", body: answerHead + "m=audio 5004 RTP/AVP 8 0 101\r\na=rtpmap:101 telephone-event/8000\r\n",
			common: []string{"pcma", "pcmu"}, addr: "203.0.113.5", sendPT: 8},
		{name: "static without rtpmap", body: answerHead + "m=audio 5004 RTP/AVP 9\r\n", common: []string{"g722"}, addr: "203.0.113.5", sendPT: 9},
		{name: "dynamic renumbered", body: answerHead + "m=audio 5004 RTP/AVP 96\r\na=rtpmap:96 PCMU/8000\r\n", common: []string{"pcmu"}, addr: "203.0.113.5", sendPT: 96},
		{name: "g729 only", body: answerHead + "m=audio 5004 RTP/AVP 18\r\n", addr: "203.0.113.5", sendPT: -1, problemHas: "none of which"},
		{name: "telephone-event only", body: answerHead + "m=audio 5004 RTP/AVP 101\r\na=rtpmap:101 telephone-event/8000\r\n", addr: "203.0.113.5", sendPT: -1},
		{name: "port 0", body: answerHead + "m=audio 0 RTP/AVP 0\r\n", common: []string{"pcmu"}, rejected: true, addr: "203.0.113.5", sendPT: 0, problemHas: "port 0"},
		{name: "media-level private address wins", body: answerHead + "m=audio 5004 RTP/AVP 0\r\nc=IN IP4 192.168.1.20\r\n",
			common: []string{"pcmu"}, private: true, addr: "192.168.1.20", sendPT: 0},
		{name: "carrier-grade NAT", body: strings.Replace(answerHead, "203.0.113.5", "100.64.3.3", 2) + "m=audio 5004 RTP/AVP 0\r\n",
			common: []string{"pcmu"}, private: true, addr: "100.64.3.3", sendPT: 0},
		{name: "no audio", body: answerHead + "m=video 5006 RTP/AVP 96\r\n", sendPT: -1, problemHas: "no audio"},
		{name: "empty", body: "", sendPT: -1, problemHas: "no SDP"},
		{name: "garbage", body: "hello\r\n", sendPT: -1, problemHas: "could not be parsed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := analyzeAnswer(offer, []byte(tc.body))
			if !slices.Equal(a.common, tc.common) || a.rejected != tc.rejected || a.private != tc.private || a.addr != tc.addr {
				t.Errorf("got %+v", a)
			}
			switch {
			case tc.sendPT < 0 && a.send != nil, tc.sendPT >= 0 && (a.send == nil || int(a.send.pt) != tc.sendPT):
				t.Errorf("send codec %+v, want pt %d", a.send, tc.sendPT)
			}
			problem := ""
			if a.problem != nil {
				problem = enText(*a.problem)
			}
			if !strings.Contains(problem, tc.problemHas) {
				t.Errorf("problem %q, want it to mention %q", problem, tc.problemHas)
			}
		})
	}
}

// TestRTCPTarget: our RTCP goes where the answer says: a=rtcp's port
// (and address, RFC 3605), the RTP port with a=rtcp-mux (RFC 5761), else
// the RTP port + 1 (RFC 3550 §11); a broken a=rtcp changes nothing.
func TestRTCPTarget(t *testing.T) {
	offer, _ := parseCodecs(nil)
	for _, tc := range []struct {
		name, attrs, want string
	}{
		{"default", "", "203.0.113.5:5005"},
		{"a=rtcp port", "a=rtcp:6010\r\n", "203.0.113.5:6010"},
		{"a=rtcp port and address", "a=rtcp:6010 IN IP4 198.51.100.9\r\n", "198.51.100.9:6010"},
		{"a=rtcp IPv6 address", "a=rtcp:6010 IN IP6 2001:db8::9\r\n", "[2001:db8::9]:6010"},
		{"a=rtcp-mux", "a=rtcp-mux\r\n", "203.0.113.5:5004"},
		{"a=rtcp garbage", "a=rtcp:banana\r\n", "203.0.113.5:5005"},
		{"a=rtcp port 0", "a=rtcp:0\r\n", "203.0.113.5:5005"},
		{"a=rtcp unspecified address", "a=rtcp:6010 IN IP4 0.0.0.0\r\n", "203.0.113.5:6010"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := analyzeAnswer(offer, []byte(answerHead+"m=audio 5004 RTP/AVP 0\r\n"+tc.attrs))
			dst, _, ok := rtpTarget(a)
			if !ok {
				t.Fatalf("no RTP target for %+v", a)
			}
			if got := rtcpTarget(a, dst).String(); got != tc.want {
				t.Errorf("RTCP to %s, want %s", got, tc.want)
			}
		})
	}
}

// FuzzAnalyzeAnswer: whatever a PBX puts in its SDP, the analysis returns.
func FuzzAnalyzeAnswer(f *testing.F) {
	offer, _ := parseCodecs([]string{"pcmu", "pcma", "g722", "g729", "opus", "telephone-event"})
	f.Add([]byte(answerHead + "m=audio 5004 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"))
	f.Add([]byte(answerHead + "m=audio 0 RTP/AVP 96\r\na=rtpmap:96\r\na=rtpmap:x\r\nc=IN IP4 10.0.0.1\r\n"))
	f.Add([]byte("v=0\no=\ns=\nm=audio 99999999999 RTP/AVP -1 300 abc\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, body []byte) {
		a := analyzeAnswer(offer, body)
		if a.send != nil && len(a.common) == 0 {
			t.Errorf("a codec to send with but no common codec: %+v", a)
		}
	})
}
