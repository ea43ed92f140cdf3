package results

import (
	"io"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
)

// benchResult is a REGISTER result as a sweep yields it: a challenge, the
// answer, the 200, and the four messages of the transcript.
func benchResult() Result {
	msg := func(dir Direction, at Millis, raw string) Message {
		return Message{Dir: dir, AtMs: at, Transport: "udp", Local: "127.0.0.1:40000", Remote: "127.0.0.1:5060", Raw: raw}
	}
	req := "REGISTER sip:sipprobe.test SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK.x;rport\r\n" +
		"Max-Forwards: 70\r\nFrom: <sip:u00001@sipprobe.test>;tag=0123456789ab\r\nTo: <sip:u00001@sipprobe.test>\r\n" +
		"Call-ID: 0123456789abcdef01234567\r\nCSeq: 101 REGISTER\r\nUser-Agent: sipprobe\r\nContent-Length: 0\r\n\r\n"
	res := "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK.x;rport=40000;received=127.0.0.1\r\n" +
		"From: <sip:u00001@sipprobe.test>;tag=0123456789ab\r\nTo: <sip:u00001@sipprobe.test>;tag=abc\r\n" +
		"Call-ID: 0123456789abcdef01234567\r\nCSeq: 102 REGISTER\r\nServer: kamailio (5.6.3 (x86_64/linux))\r\nContent-Length: 0\r\n\r\n"
	n := 0
	return Result{
		Probe: "register", Target: "sip:127.0.0.1:5060", Transport: "udp", RemoteAddr: "127.0.0.1:5060",
		LocalAddr: "127.0.0.1:40000", User: "u00001", StartedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Status: StatusOK, FinalCode: 200, FinalReason: "OK",
		Diagnosis: catalog.Diagnosis{ID: "ok", Severity: catalog.SeverityOK, Summary: "The credentials are accepted."},
		Timings:   Timings{Total: 1.5, FirstResponse: 0.4},
		Responses: []Response{{Code: 401, Reason: "Unauthorized", Method: "REGISTER", AtMs: 0.5}, {Code: 200, Reason: "OK", Method: "REGISTER", AtMs: 1.4}},
		Messages:  []Message{msg(DirOut, 0.1, req), msg(DirIn, 0.5, res), msg(DirOut, 0.9, req), msg(DirIn, 1.4, res)},
		Details:   &Details{Mode: "check", AuthAlgorithm: "MD5", AuthRealm: "sipprobe.test", AuthAttempts: 1, ContactCount: &n},
	}
}

// BenchmarkWriteJSON renders one result as a JSON line; it measures and
// asserts nothing about speed (issue 13).
func BenchmarkWriteJSON(b *testing.B) {
	r := benchResult()
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteJSON(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteText renders one result for a person, with the ladder.
func BenchmarkWriteText(b *testing.B) {
	r := benchResult()
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteText(io.Discard, r, TextOptions{Trace: true}); err != nil {
			b.Fatal(err)
		}
	}
}
