package probe

import (
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

// FuzzInbound feeds arbitrary bytes from a "server" through the path every
// received datagram takes: recording, SIP parsing, fault detection and the
// responses list of the result. None of it may panic.
func FuzzInbound(f *testing.F) {
	f.Add([]byte("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"))
	f.Add([]byte("SIP/2.0 401 Unauthorized\r\nCSeq: x\r\n\r\n"))
	f.Add([]byte("\xff\xfe garbage"))
	f.Add([]byte("SIP/2.0 99999 \r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		w := newWire(time.Now())
		w.inbound("udp", "127.0.0.1:1", "127.0.0.1:2", data)
		_ = w.responses()
		for _, n := range w.malformedNotes() {
			_ = enText(n)
		}
	})
}

// FuzzPickChallenge: a hostile WWW-Authenticate must give a clear error or a
// challenge we can answer, never a panic.
func FuzzPickChallenge(f *testing.F) {
	f.Add(`Digest realm="pbx", nonce="abc", qop="auth", algorithm=SHA-256`, 401)
	f.Add(`Digest realm=pbx, nonce=, qop="auth-int,auth"`, 407)
	f.Add(`Basic realm="x"`, 401)
	f.Add(`Digest algorithm=AKAv1-MD5`, 401)
	f.Fuzz(func(t *testing.T, value string, code int) {
		if code != 407 {
			code = 401
		}
		res := sip.NewResponse(code, "Unauthorized")
		name := "WWW-Authenticate"
		if code == 407 {
			name = "Proxy-Authenticate"
		}
		res.AppendHeader(sip.NewHeader(name, value))
		c, err := pickChallenge(res)
		if err != nil {
			return
		}
		req := sip.NewRequest(sip.REGISTER, sip.Uri{Scheme: "sip", Host: "pbx"})
		_ = authorize(req, c, "120", "pw")
	})
}
