package results

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
)

// Every message has both languages with the same fmt verbs.
func TestMessagesComplete(t *testing.T) {
	verbs := regexp.MustCompile(`%(\[\d\])?[-0-9.]*[a-zA-Z%]`)
	for id, m := range messages {
		t.Run(id, func(t *testing.T) {
			if m.en == "" || m.ru == "" {
				t.Fatalf("en %q, ru %q: both must be set", m.en, m.ru)
			}
			en, ru := verbs.FindAllString(m.en, -1), verbs.FindAllString(m.ru, -1)
			sort.Strings(en)
			sort.Strings(ru)
			if strings.Join(en, " ") != strings.Join(ru, " ") {
				t.Fatalf("verbs differ: en %v, ru %v", en, ru)
			}
		})
	}
}

// Latin words a Russian text may hold: protocol tokens (methods, header
// names, codecs, transports, SDP attributes), product and tool names, and
// units. Diagnosis ids, flags (--user), paths, addresses and anything with
// a digit, a dot or an underscore are protocol tokens too.
var ruAllowed = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`
		INVITE ACK BYE CANCEL OPTIONS REGISTER SUBSCRIBE NOTIFY REFER MESSAGE INFO UPDATE PRACK PUBLISH
		SIP SIPS SDP RTP RTCP SRTP DTLS ICE STUN TURN NAT ALG UDP TCP TLS WS WSS DNS SRV NAPTR A AAAA ICMP IP IPv4 IPv6 MTU URI URL UAS UAC
		udp tcp tls ws wss sip sips
		Via From To Contact Expires Allow Server User-Agent Warning Reason Retry-After Min-Expires Authorization WWW-Authenticate
		Proxy-Authenticate Proxy-Authorization Supported Require Unsupported Content-Type Call-ID CSeq Record-Route Route Session-Expires
		Min-SE Max-Forwards Accept Event Identity received rport branch tag realm nonce qop auth stale algorithm MD5 SHA opaque
		OK Trying Ringing PCMU PCMA opus G722 G729 GSM telephone-event sendrecv sendonly recvonly inactive
		ms s sipprobe Asterisk FreeSWITCH Kamailio OpenSIPS fail2ban iptables nftables pjsip chan_sip PJSIP ACL
		`) {
		ruAllowed[w] = true
	}
}

var (
	latinWord = regexp.MustCompile(`[A-Za-z][A-Za-z0-9]*(?:[-_.'/:@][A-Za-z0-9]+)*`)
	// Quoted text is literal: a log line to search for, a command to type.
	quoted = regexp.MustCompile("«[^»]*»|`[^`]*`|\"[^\"]*\"|--[a-z][a-z0-9-]*")
)

// englishWords lists the Latin words of s that are not allowed in Russian.
func englishWords(s string, ids map[string]bool) []string {
	var bad []string
	for _, w := range latinWord.FindAllString(quoted.ReplaceAllString(s, " "), -1) {
		switch {
		case ruAllowed[w], ids[w], strings.ContainsAny(w, "0123456789_.:@/"):
		default:
			bad = append(bad, w)
		}
	}
	return bad
}

// fullResults are results of every kind, carrying the diagnosis d: every
// line the text renderer can print appears in one of them.
func fullResults(d catalog.Diagnosis) []Result {
	yes, no, two := true, false, 2
	days := 3.5
	base := Result{Name: "reg-120", Probe: "register", Target: "sip:pbx.example.com", Transport: "udp",
		RemoteAddr: "192.0.2.10:5060", LocalAddr: "192.0.2.55:40123", User: "120",
		Status: StatusFromSeverity(d.Severity), FinalCode: 403, FinalReason: "Forbidden", Diagnosis: d,
		Observed:  &Observed{ID: "forbidden", Summary: d.Summary},
		Expect:    &ExpectationResult{Reasons: []string{d.Summary}},
		Timings:   Timings{Resolve: 0.4, Connect: 1, FirstResponse: 1.2, Total: 3.9},
		Responses: []Response{{Code: 100, Reason: "Trying", Method: "INVITE", AtMs: 1}, {Code: 403, Reason: "Forbidden", AtMs: 3}},
		Details: &Details{ServerAgent: "Asterisk PBX 20.5.0", Allow: []string{"INVITE", "ACK"},
			NAT:  &NATInfo{SentBy: "192.0.2.55:40123", Received: "198.51.100.7", RPort: 40123, Detected: true},
			Mode: "bind", BoundContact: "sip:120@192.0.2.55:40123", BindingVerified: &yes, Unbound: &no,
			ContactCount: &two, Contacts: []Contact{{URI: "sip:120@192.0.2.44:5062", Expires: 3590}, {URI: "sip:120@192.0.2.55:40123", Expires: 60, Ours: true}},
			Evicted: []EvictedContact{{URI: "sip:120@192.0.2.44:5062", Expires: 3590, Restored: true},
				{URI: "sip:120@192.0.2.45:5062", Expires: 10, RewrittenAs: "sip:120@127.0.0.1:5", RewriteRemoved: &yes},
				{URI: "sip:120@192.0.2.46:5062", Expires: 10, Error: "403 Forbidden"}},
			AltTransport: &AltTransportCheck{Transport: "tcp", Answered: true, Code: 200, Reason: "OK", Ms: 2.5},
			TLS: &TLSInfo{Version: "TLS1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", ServerName: "pbx.example.com",
				PeerSubject: "CN=pbx.example.com", PeerIssuer: "CN=Test CA", NotAfter: "2027-01-01T00:00:00Z",
				EarliestNotAfter: "2027-01-01T00:00:00Z", DaysLeft: &days, Verified: &no, VerifyError: "x509: certificate signed by unknown authority"},
			Resolution: []Lookup{{Query: "_sip._udp.pbx.example.com", Type: "SRV", Error: "NXDOMAIN"}, {Query: "pbx.example.com", Type: "A", Answer: []string{"192.0.2.10"}, Server: "192.0.2.53:53"}},
			Invite: &InviteDetails{OfferedCodecs: []string{"PCMU", "PCMA", "opus"}, AnsweredCodecs: []string{"PCMA"}, NegotiatedCodec: "PCMA",
				AnswerAddr: "192.0.2.10", AnswerPort: 10000, FirstProvisionalMs: 5, RingingMs: 20, AnswerMs: 900, SetupMs: 900,
				AnswerDirection: "sendonly", EarlyMedia: true, OKRetransmissions: 3, InDialogRequests: []string{"INFO"},
				HeldMs: 3000, ByeCode: 200, ACKConfirmed: &no, EndedBy: "remote-bye", RTPSent: 150, RTPReceived: 148,
				AcceptedCodecs: []string{"PCMA"}, RejectedCodecs: []string{"G722"},
				Sweep: []CodecAttempt{{Codec: "G722", Code: 488, Reason: "Not Acceptable Here"}, {Codec: "PCMA", Accepted: true}}},
		},
	}
	check := base
	check.Details = &Details{Mode: "check", NAT: &NATInfo{SentBy: "192.0.2.55:40123", Received: "192.0.2.55", RPort: 40123},
		AltTransport: &AltTransportCheck{Transport: "tcp", Error: "connection refused"}}
	check.Diagnosis.ID = "dns-failure" // the DNS lookups are listed for it
	check.Details.Resolution = base.Details.Resolution
	check.Expect = &ExpectationResult{Met: true}
	skipped := base
	skipped.Details = &Details{Mode: "bind", BindSkipped: true, TLS: &TLSInfo{Version: "TLS1.2", Verified: &yes}}
	skipped.Observed = &Observed{ID: "ok", Summary: d.Summary}
	skipped.Diagnosis.ID = "canceled"
	var ended []Result
	for _, by := range []string{"sipprobe-bye", "sipprobe-cancel", "final-response"} {
		r := base
		in := *base.Details.Invite
		in.EndedBy = by
		r.Details = &Details{Invite: &in}
		r.FinalCode = 0
		ended = append(ended, r)
	}
	return append([]Result{base, check, skipped}, ended...)
}

// fixtureData are the strings of fullResults that stand for what a server
// or the system said: data, shown as it came.
func fixtureData() []string {
	return []string{"Forbidden", "Not Acceptable Here", "Trying", "Asterisk PBX 20.5.0", "connection refused", "NXDOMAIN",
		"x509: certificate signed by unknown authority", "CN=pbx.example.com", "CN=Test CA", "TLS_AES_128_GCM_SHA256"}
}

// `--lang ru` prints no English word outside the protocol tokens: every
// catalogue entry in every kind of result, in the text report and the run
// table.
func TestRussianHasNoEnglish(t *testing.T) {
	cat := catalog.Default()
	ids := map[string]bool{}
	for _, e := range cat.Entries() {
		ids[e.ID] = true
	}
	for _, e := range cat.Entries() {
		t.Run(e.ID, func(t *testing.T) {
			d, ok := cat.Lookup(e.ID, catalog.RU)
			if !ok {
				t.Fatalf("Lookup(%q) failed", e.ID)
			}
			var b strings.Builder
			tab := NewTable(&b, TableOptions{Lang: catalog.RU})
			for _, r := range fullResults(d) {
				if err := WriteText(&b, r, TextOptions{Lang: catalog.RU}); err != nil {
					t.Fatal(err)
				}
				if err := tab.Add(r); err != nil {
					t.Fatal(err)
				}
			}
			if err := tab.Close(1500 * time.Millisecond); err != nil {
				t.Fatal(err)
			}
			// What is left once the data is taken out is the renderer's own
			// text: it must be all Russian. (The catalogue's Russian may
			// name commands and configuration keys to type.)
			data := append(fixtureData(), d.Summary)
			data = append(append(data, d.Causes...), d.Remedies...)
			sort.Slice(data, func(i, j int) bool { return len(data[i]) > len(data[j]) })
			for _, line := range strings.Split(b.String(), "\n") {
				for _, s := range data {
					line = strings.ReplaceAll(line, s, " ")
				}
				if bad := englishWords(line, ids); len(bad) > 0 {
					t.Errorf("English %q in %q", bad, line)
				}
			}
		})
	}
}

// The table's summary uses the Russian plural forms.
func TestProbesCountRussian(t *testing.T) {
	for n, want := range map[int]string{1: "1 проверка", 2: "2 проверки", 5: "5 проверок", 11: "11 проверок", 21: "21 проверка", 23: "23 проверки", 112: "112 проверок"} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			if got := ProbesCount(catalog.RU, n); got != want {
				t.Fatalf("ProbesCount(%d) = %q, want %q", n, got, want)
			}
		})
	}
}
