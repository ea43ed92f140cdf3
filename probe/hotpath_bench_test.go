package probe

import (
	"net/netip"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/results"
)

// The hot path of a REGISTER sweep, one step at a time (issue 13). These
// measure; they assert nothing about speed.

const benchChallenge = "SIP/2.0 401 Unauthorized\r\n" +
	"Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK.bench;rport=40000;received=127.0.0.1\r\n" +
	"From: <sip:u00001@sipprobe.test>;tag=0123456789ab\r\n" +
	"To: <sip:u00001@sipprobe.test>;tag=b27e1a1d33761e85846fc98f5f3a7e58.4d2c\r\n" +
	"Call-ID: 0123456789abcdef01234567\r\n" +
	"CSeq: 101 REGISTER\r\n" +
	"WWW-Authenticate: Digest realm=\"sipprobe.test\", nonce=\"ZAbCdEfGhIjKlMnOpQrStUvWxYz0123456789\", algorithm=MD5\r\n" +
	"Server: kamailio (5.6.3 (x86_64/linux))\r\n" +
	"Content-Length: 0\r\n\r\n"

func benchSession(b *testing.B) (*session, *link) {
	b.Helper()
	s := newSession(KindRegister, Config{Target: "127.0.0.1:5060", Transport: "udp", User: "u00001",
		Password: "pw-00001-secret", Domain: "sipprobe.test", UserAgent: "sipprobe-bench"})
	s.host = "127.0.0.1"
	s.target = target{Scheme: "sip", Host: "127.0.0.1", Port: 5060}
	l := &link{transport: "udp", laddr: netip.MustParseAddrPort("127.0.0.1:40000"), raddr: netip.MustParseAddrPort("127.0.0.1:5060")}
	return s, l
}

// BenchmarkRegisterBuild builds the first REGISTER of a probe and
// serialises it as it goes on the wire.
func BenchmarkRegisterBuild(b *testing.B) {
	s, l := benchSession(b)
	b.ReportAllocs()
	for b.Loop() {
		ids := newDialogIDs()
		spec := s.registerSpec()
		_ = s.buildRequest(l, ids, spec).String()
	}
}

// BenchmarkResponseInbound records and checks a received 401 as the wire
// tap does for every datagram.
func BenchmarkResponseInbound(b *testing.B) {
	raw := []byte(benchChallenge)
	b.ReportAllocs()
	for b.Loop() {
		w := newWire(time.Now())
		w.inbound("udp", "127.0.0.1:40000", "127.0.0.1:5060", raw)
	}
}

// BenchmarkDigest picks the challenge of a 401 and answers it on a fresh
// REGISTER (the digest computation).
func BenchmarkDigest(b *testing.B) {
	s, l := benchSession(b)
	msg, err := sip.ParseMessage([]byte(benchChallenge))
	if err != nil {
		b.Fatal(err)
	}
	res := msg.(*sip.Response)
	ids := newDialogIDs()
	b.ReportAllocs()
	for b.Loop() {
		req := s.buildRequest(l, ids, s.registerSpec())
		c, err := pickChallenge(res)
		if err != nil {
			b.Fatal(err)
		}
		if err := authorize(req, c, s.authUser(), s.cfg.Password); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRedact hides the digest response in a REGISTER exchange's
// transcript (four messages, one with credentials).
func BenchmarkRedact(b *testing.B) {
	s, l := benchSession(b)
	msg, _ := sip.ParseMessage([]byte(benchChallenge))
	ids := newDialogIDs()
	first := s.buildRequest(l, ids, s.registerSpec())
	second := s.buildRequest(l, ids, s.registerSpec())
	c, _ := pickChallenge(msg.(*sip.Response))
	if err := authorize(second, c, s.authUser(), s.cfg.Password); err != nil {
		b.Fatal(err)
	}
	msgs := []results.Message{
		{Dir: results.DirOut, Raw: first.String()},
		{Dir: results.DirIn, Raw: benchChallenge},
		{Dir: results.DirOut, Raw: second.String()},
		{Dir: results.DirIn, Raw: benchChallenge},
	}
	work := make([]results.Message, len(msgs))
	b.ReportAllocs()
	for b.Loop() {
		copy(work, msgs)
		_ = redact(work)
	}
}
