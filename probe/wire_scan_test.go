package probe

import (
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

// FuzzScanResponse: whatever the scan lists must be what sipgo's parser
// reads from the same bytes, when that parser accepts them; when it does
// not, sipgo reports it to parseFailures, which takes the entry back.
func FuzzScanResponse(f *testing.F) {
	f.Add([]byte("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"))
	f.Add([]byte("SIP/2.0 401 Unauthorized\r\nv: SIP/2.0/UDP h;branch=z9hG4bK1\r\ncseq:  2 \tREGISTER \r\nContent-Length: 0\r\n\r\n"))
	f.Add([]byte("SIP/2.0 200 sip\r\nVia: SIP/2.0/UDP h\r\nCSeq: 1 OPTIONS\r\n\r\n"))
	f.Add([]byte("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\nCSeq: 1 OPTIONS\r\nCSeq: 2 INVITE\r\n\r\n"))
	f.Add([]byte("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\nCSeq: 1\r\n OPTIONS\r\n\r\n"))
	f.Add([]byte("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\nFrom: <<<\r\nCSeq: 1 OPTIONS\r\n\r\n"))
	f.Add([]byte("SIP/2.0 180  Ringing \r\nVIA: SIP/2.0/UDP h\r\nCSEQ: 7 INVITE\r\nContent-Length: 3\r\n\r\nabc"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, ok := scanResponse(data)
		if !ok {
			return
		}
		msg, err := sip.ParseMessage(data)
		if err != nil {
			return
		}
		res, isRes := msg.(*sip.Response)
		if !isRes {
			t.Fatalf("scan took a %T for a response", msg)
		}
		if res.Via() == nil {
			t.Fatalf("scan saw a Via sipgo did not")
		}
		method := ""
		if cs := res.CSeq(); cs != nil {
			method = string(cs.MethodName)
		}
		if r.Code != int(res.StatusCode) || r.Reason != res.Reason || r.Method != method {
			t.Fatalf("scan %d %q %q, sipgo %d %q %q", r.Code, r.Reason, r.Method, res.StatusCode, res.Reason, method)
		}
	})
}

// TestScannedGarbageOverUDP: a response whose status line, Via and CSeq
// pass the scan but which sipgo cannot parse is still reported as
// unparseable, with sipgo's own words, and is not listed as a response:
// the same result the full parse of every datagram gave.
func TestScannedGarbageOverUDP(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*sip.Response)
	}{
		{"broken From", func(res *sip.Response) {
			res.RemoveHeader("From")
			res.AppendHeader(sip.NewHeader("From", "<<<"))
		}},
		{"Content-Length not a number", func(res *sip.Response) {
			res.RemoveHeader("Content-Length")
			res.AppendHeader(sip.NewHeader("Content-Length", "x"))
		}},
		{"body shorter than Content-Length", func(res *sip.Response) {
			res.RemoveHeader("Content-Length")
			res.AppendHeader(sip.NewHeader("Content-Length", "50"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startRawServer(t, func(r *sip.Request) ([]string, bool) {
				return []string{respondTo(r, 200, "OK", tt.mutate)}, false
			})
			r := runProbe(t, KindOptions, Config{Target: srv.addr(), Transport: "udp", Timeout: time.Second, NoFallback: true})
			reqs := srv.requests()
			if len(reqs) == 0 {
				t.Fatal("the server got no request")
			}
			sent := respondTo(reqs[0], 200, "OK", tt.mutate)
			if _, ok := scanResponse([]byte(sent)); !ok {
				t.Fatalf("the scan does not take %q: the test tests nothing", sent)
			}
			_, perr := sip.ParseMessage([]byte(sent))
			if perr == nil {
				t.Fatalf("sipgo parses %q", sent)
			}
			if r.Diagnosis.ID != "malformed-response" {
				t.Fatalf("diagnosis = %s, want malformed-response; notes %v", r.Diagnosis.ID, r.Diagnosis.Notes)
			}
			if notes := strings.Join(r.Diagnosis.Notes, " "); !strings.Contains(notes, perr.Error()) {
				t.Errorf("notes %q do not quote sipgo's %q", notes, perr.Error())
			}
			if len(r.Responses) != 0 {
				t.Errorf("responses = %+v, want none", r.Responses)
			}
		})
	}
}
