package results

import (
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
)

// hostile is a result in which every string a server can influence (and
// every other one) carries phrase, header or the raw message.
func hostile(phrase, header, raw string) Result {
	yes := true
	n := 2
	return Result{
		Name: "probe " + header, Probe: "invite", Target: "sip:" + header, Transport: "udp",
		RemoteAddr: header, LocalAddr: header, User: header,
		Status: StatusCritical, FinalCode: 403, FinalReason: phrase,
		Diagnosis: catalog.Diagnosis{ID: "dns-failure", Severity: catalog.SeverityCritical,
			Summary: "The server said 403 " + phrase, Causes: []string{phrase}, Remedies: []string{header},
			Notes: []string{"Server: " + header, "Warning: " + phrase}},
		Observed: &Observed{ID: "forbidden" + phrase, Summary: phrase},
		Expect:   &ExpectationResult{Reasons: []string{"expected 200, got 403 " + phrase}},
		Error:    phrase,
		Timings:  Timings{Total: 12},
		Responses: []Response{{Code: 100, Reason: header, Method: header, AtMs: 1},
			{Code: 403, Reason: phrase, AtMs: 2}},
		Messages: []Message{
			{Dir: DirOut, AtMs: 0, Local: header, Remote: header, Raw: "INVITE sip:600@pbx SIP/2.0\r\nUser-Agent: sipprobe\r\n\r\n"},
			{Dir: DirIn, AtMs: 2, Local: header, Remote: header, Raw: raw},
		},
		Details: &Details{
			ServerAgent: header, Allow: []string{header},
			NAT:  &NATInfo{SentBy: header, Received: header, RPort: 5060, Detected: true},
			Mode: "bind", BoundContact: header, BindingVerified: &yes, Unbound: &yes,
			ContactCount: &n, Contacts: []Contact{{URI: header, Expires: 60}, {URI: phrase, Ours: true}},
			Evicted: []EvictedContact{{URI: header, RewrittenAs: phrase, RewriteRemoved: &yes},
				{URI: phrase, Error: header}, {URI: header, Restored: true}},
			AltTransport: &AltTransportCheck{Transport: header, Answered: true, Code: 200, Reason: phrase, Ms: 3},
			TLS: &TLSInfo{Version: header, CipherSuite: header, ServerName: header, PeerSubject: phrase, PeerIssuer: header,
				NotAfter: header, EarliestNotAfter: phrase, VerifyError: phrase, Verified: new(bool)},
			Resolution: []Lookup{{Query: header, Type: "SRV", Answer: []string{phrase}, Server: header}, {Query: phrase, Type: "A", Error: header}},
			Invite: &InviteDetails{OfferedCodecs: []string{header}, AnsweredCodecs: []string{phrase}, NegotiatedCodec: phrase,
				AnswerAddr: header, AnswerPort: 4000, FirstProvisionalMs: 1, RingingMs: 2, AnswerMs: 3, SetupMs: 3,
				AnswerDirection: phrase, EarlyMedia: true, OKRetransmissions: 2, InDialogRequests: []string{header},
				HeldMs: 100, ByeCode: 200, ACKConfirmed: &yes, EndedBy: phrase, RTPSent: 1, RTPReceived: 1,
				AcceptedCodecs: []string{header}, RejectedCodecs: []string{phrase},
				Sweep: []CodecAttempt{{Codec: header, Code: 488, Reason: phrase, Detail: header}, {Codec: phrase, Accepted: true}}},
		},
	}
}

// renderAll renders r with every text renderer, colours off.
func renderEvery(t testing.TB, r Result) map[string]string {
	out := map[string]string{}
	for _, l := range []catalog.Lang{catalog.EN, catalog.RU} {
		var b strings.Builder
		if err := WriteText(&b, r, TextOptions{Trace: true, Lang: l}); err != nil {
			t.Fatal(err)
		}
		out["text "+string(l)] = b.String()
		b.Reset()
		tab := NewTable(&b, TableOptions{Lang: l, Names: []string{r.Name}, Targets: []string{r.Target}})
		if err := tab.Add(r); err != nil {
			t.Fatal(err)
		}
		if err := tab.Close(time.Second); err != nil {
			t.Fatal(err)
		}
		out["table "+string(l)] = b.String()
	}
	var b strings.Builder
	if err := WriteNagios(&b, r, NagiosOptions{}); err != nil {
		t.Fatal(err)
	}
	out["nagios"] = b.String()
	b.Reset()
	n := NewNagios(&b, NagiosOptions{})
	if err := n.Add(r); err != nil {
		t.Fatal(err)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	out["nagios run"] = b.String()
	out["junit body"] = report(r)
	return out
}

func checkClean(t testing.TB, outs map[string]string) {
	t.Helper()
	for name, s := range outs {
		if bad, ok := terminalClean(s); !ok {
			t.Fatalf("%s: unescaped control character in line %q\nfull output:\n%s", name, bad, s)
		}
	}
}

// Whatever a server puts in its reason phrase, its headers or its message,
// no text output lets a control character (but newline and tab), DEL, a
// C1 control or a bidi override reach the terminal.
func FuzzWriteText(f *testing.F) {
	f.Add("\x1b[2J\x1b[31mPWNED\x1b]0;title\x07", "Asterisk \x1b]52;c;ZXZpbA==\x07", "SIP/2.0 403 \x1b[2J\r\nServer: \x9b31m\r\n\r\n")
	f.Add("Forbidden\r\nDiagnosis: ok", "evil\u202egnp.exe", "SIP/2.0 200 OK\rX\n\n")
	f.Add("\xff\xfe", "\x00\x7f", "\x1bP\x1b\\")
	f.Add("Запрещено", "PBX\t1", "SIP/2.0 100 Trying\r\n\r\n")
	f.Fuzz(func(t *testing.T, phrase, header, raw string) {
		checkClean(t, renderEvery(t, hostile(phrase, header, raw)))
	})
}

// With colours on, the only escape sequences are the renderer's own SGR
// codes: a server's "\x1b[31m" stays visible text.
func TestColorOnlyOwnSGR(t *testing.T) {
	r := hostile("\x1b[2J\x1b[31mPWNED\x1b]0;title\x07", "x\x1b[32m", "SIP/2.0 403 \x1b[31m\r\n\r\n")
	own := strings.NewReplacer(ansiReset, "", ansiRed, "", ansiYellow, "", ansiGreen, "", ansiDim, "")
	for _, l := range []catalog.Lang{catalog.EN, catalog.RU} {
		var b strings.Builder
		if err := WriteText(&b, r, TextOptions{Trace: true, Color: true, Lang: l}); err != nil {
			t.Fatal(err)
		}
		tab := NewTable(&b, TableOptions{Color: true, Lang: l})
		if err := tab.Add(r); err != nil {
			t.Fatal(err)
		}
		if err := tab.Close(time.Second); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if !strings.Contains(out, ansiRed) || !strings.Contains(out, ansiDim) {
			t.Fatalf("%s: the renderer's colours are missing:\n%q", l, out)
		}
		if !strings.Contains(out, `PWNED\x1b]0;title\x07`) {
			t.Errorf("%s: the reason phrase is not shown escaped:\n%s", l, out)
		}
		checkClean(t, map[string]string{"text+table " + string(l): own.Replace(out)})
	}
}

// FuzzReadJSONLines: any file given to `history --import` is read without
// a panic, every line is either a result or a bad line with its number,
// and every result read is whole.
func FuzzReadJSONLines(f *testing.F) {
	var b strings.Builder
	_ = WriteJSON(&b, hostile("Busy \x1b[5m", "evil\x07", "raw"))
	f.Add(b.String())
	f.Add(b.String() + "\n[1]\n{\"probe\":\"options\"}\n\n")
	f.Add("{\n}\n")
	f.Fuzz(func(t *testing.T, input string) {
		last := 0
		_ = ReadJSONLines(strings.NewReader(input), func(line int, r Result, err error) error {
			if line <= last {
				t.Fatalf("line %d after line %d", line, last)
			}
			last = line
			valid := r.Status == StatusOK || r.Status == StatusWarning || r.Status == StatusCritical || r.Status == StatusUnknown
			if err == nil && (r.StartedAt.IsZero() || r.Diagnosis.ID == "" || !valid) {
				t.Fatalf("line %d: an incomplete result was accepted: %+v", line, r)
			}
			return nil
		})
	})
}
