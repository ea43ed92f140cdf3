package testpbx

import (
	"net"
	"testing"
	"time"
)

// FuzzHandle feeds arbitrary datagrams and stream bytes to the request
// handler of a configured PBX (accounts, extensions, faults): it must never
// panic.
func FuzzHandle(f *testing.F) {
	seeds := []string{
		"OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1;rport\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:x@y>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
		"REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK2\r\nFrom: <sip:120@h>;tag=1\r\nTo: <sip:120@h>\r\nCall-ID: c2\r\nCSeq: 1 REGISTER\r\nContact: *\r\nExpires: 0\r\nAuthorization: Digest username=\"120\", realm=\"testpbx.local\", nonce=\"n\", uri=\"sip:h\", response=\"0\", qop=auth, nc=1, cnonce=\"c\"\r\nContent-Length: 0\r\n\r\n",
		"INVITE sip:600@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK3\r\nFrom: <sip:120@h>;tag=1\r\nTo: <sip:600@h>;tag=x\r\nCall-ID: c3\r\nCSeq: 2 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: 4\r\n\r\nv=0\r",
		"CANCEL sip:600@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK3\r\nFrom: <sip:120@h>;tag=1\r\nTo: <sip:600@h>\r\nCall-ID: c3\r\nCSeq: 2 CANCEL\r\nContent-Length: 0\r\n\r\n",
		"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\r\nCSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n",
		"\r\n\r\n",
		"\xff\x00garbage",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	p, err := New(WithAccount("120", "secret", Extension("600", ExtensionBehaviour{})), WithMinExpires(60),
		WithFaultN(FaultProvisionalBurst(2), 3, "OPTIONS"), WithT1(time.Millisecond))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = p.Close() })
	remote := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5060}
	local := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5080}
	discard := func([]byte) error { return nil }
	f.Fuzz(func(t *testing.T, data []byte) {
		p.handle(data, &peer{transport: "udp", remote: remote, local: local, write: discard})
		stream := p.parser.NewSIPStream()
		defer stream.Close()
		pe := &peer{transport: "tcp", remote: remote, local: local, write: discard, hangup: func() {}}
		half := len(data) / 2
		if p.handleStream(stream, data[:half], pe) {
			p.handleStream(stream, data[half:], pe)
		}
	})
}
