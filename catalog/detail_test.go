package catalog

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Every probe note has both languages with the same placeholders.
func TestProbeNotesBothLanguages(t *testing.T) {
	b, err := os.ReadFile("data/46-probe-notes.json")
	if err != nil {
		t.Fatal(err)
	}
	var f fileData
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Notes) == 0 {
		t.Fatal("no notes")
	}
	for key, n := range f.Notes {
		t.Run(key, func(t *testing.T) {
			if n.EN == "" || n.RU == "" {
				t.Fatalf("en %q, ru %q: both must be set", n.EN, n.RU)
			}
			en, ru := placeholders(n.EN), placeholders(n.RU)
			slices.Sort(en)
			slices.Sort(ru)
			if !slices.Equal(en, ru) {
				t.Errorf("placeholders differ: en %v, ru %v", en, ru)
			}
		})
	}
}

// Latin words a Russian note may hold: protocol tokens, codec names and
// units; anything with a digit, a dot, a colon or a slash (addresses,
// codes, RFC sections) is a token too.
var ruNoteAllowed = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`
		SIP SDP RTP UDP TCP TLS DNS SRV A AAAA NXDOMAIN ICMP ICMPv6 TOS IP RFC
		udp tcp tls sip INVITE re-INVITE ACK BYE CANCEL UPDATE OPTIONS REGISTER CSeq Via Content-Length
		Retry-After Server Warning Reason OK Trying Ringing
		pcmu pcma opus PCMU PCMA sendonly recvonly sendrecv inactive ms s
		`) {
		ruNoteAllowed[w] = true
	}
}

var noteWord = regexp.MustCompile(`[A-Za-z][A-Za-z0-9]*(?:[-_.'/:@][A-Za-z0-9]+)*`)

// englishIn lists the Latin words of s outside the allow-list, after
// removing raw, the OS's and libraries' own words the notes quote.
func englishIn(s string, raw []string) []string {
	for _, r := range raw {
		s = strings.ReplaceAll(s, r, " ")
	}
	var bad []string
	for _, w := range noteWord.FindAllString(s, -1) {
		if !ruNoteAllowed[w] && !strings.ContainsAny(w, "0123456789_.:@/") {
			bad = append(bad, w)
		}
	}
	return bad
}

// TestProbeNotesRussian diagnoses an exchange of each outcome the probe
// words itself, with its notes as the probe builds them: the English note
// stays the probe's old text byte for byte, the Russian one has no English
// words but the quoted OS and library errors (issue 9).
func TestProbeNotesRussian(t *testing.T) {
	const server = "203.0.113.10:5060"
	icmp := func(what Note, from string) Note {
		return NewNote("icmp-report", "from", from, "addr", server).With("what", what)
	}
	lookup := func(typ, q string, res Note) Note {
		return NewNote("dns-lookup", "what", typ, "host", q).With("text", res)
	}
	for _, tc := range []struct {
		name string
		ex   Exchange
		en   string   // the first note in English
		raw  []string // OS and library words the Russian note quotes
	}{
		{name: "ICMP port unreachable with its sender",
			ex: Exchange{Transport: "udp", Outcome: OutcomePortUnreachable, DetailNotes: []Note{
				NewNote("icmp-port-unreachable-listen", "from", "127.0.0.1:5060", "proto", "udp", "addr", "127.0.0.1:5060")}},
			en: "ICMP port unreachable from 127.0.0.1:5060: nothing listens on udp 127.0.0.1:5060"},
		{name: "ICMP host unreachable",
			ex: Exchange{Transport: "udp", Outcome: OutcomeHostUnreachable, Unreachable: UnreachHost,
				DetailNotes: []Note{icmp(NewNote("icmp4-1"), "192.0.2.1")}},
			en: "ICMP host unreachable from 192.0.2.1 for " + server},
		{name: "ICMPv6 address unreachable",
			ex: Exchange{Transport: "udp", Outcome: OutcomeHostUnreachable, Unreachable: UnreachHost,
				DetailNotes: []Note{icmp(NewNote("icmp6-3"), "")}},
			en: "ICMPv6 address unreachable for " + server},
		{name: "ICMP network unreachable",
			ex: Exchange{Transport: "udp", Outcome: OutcomeHostUnreachable, Unreachable: UnreachNet,
				DetailNotes: []Note{icmp(NewNote("icmp4-0"), "192.0.2.1")}},
			en: "ICMP network unreachable from 192.0.2.1 for " + server},
		{name: "errno host unreachable",
			ex: Exchange{Transport: "udp", Outcome: OutcomeHostUnreachable, Unreachable: UnreachHost,
				DetailNotes: []Note{icmp(Text("no route to host"), "")}},
			en: "no route to host for " + server, raw: []string{"no route to host"}},
		{name: "no route from this machine",
			ex: Exchange{Transport: "udp", Outcome: OutcomeHostUnreachable, Unreachable: UnreachLocal,
				DetailNotes: []Note{NewNote("icmp-local-no-route", "addr", server, "errno", "network is unreachable")}},
			en: "no route from this machine to " + server + " (network is unreachable)", raw: []string{"network is unreachable"}},
		{name: "firewall prohibited on the path",
			ex: Exchange{Transport: "udp", Outcome: OutcomeHostUnreachable, Unreachable: UnreachProhibited,
				DetailNotes: []Note{NewNote("firewall-path-rejects").With("text", icmp(NewNote("icmp4-3"), "192.168.77.1"))}},
			en: "ICMP port unreachable from 192.168.77.1 for " + server + ": a firewall on the path rejects it, the server never saw it"},
		{name: "firewall administratively prohibited",
			ex: Exchange{Transport: "udp", Outcome: OutcomeHostUnreachable, Unreachable: UnreachProhibited,
				DetailNotes: []Note{icmp(NewNote("icmp4-10"), "192.168.77.1")}},
			en: "ICMP host administratively prohibited from 192.168.77.1 for " + server},
		{name: "this machine's firewall",
			ex: Exchange{Transport: "udp", Outcome: OutcomeHostUnreachable, Unreachable: UnreachProhibited,
				DetailNotes: []Note{NewNote("firewall-local-rejects", "addr", server).With("text", icmp(NewNote("icmp4-3"), "192.0.2.55"))}},
			en: "this machine's firewall rejects the request to " + server + " (ICMP port unreachable from 192.0.2.55 for " + server + ")"},
		{name: "ICMP time exceeded",
			ex: Exchange{Transport: "udp", Outcome: OutcomeHostUnreachable, Unreachable: UnreachNet,
				DetailNotes: []Note{icmp(NewNote("icmp4-time-exceeded"), "192.0.2.1")}},
			en: "ICMP time exceeded (a routing loop or too many hops) from 192.0.2.1 for " + server},
		{name: "timeout",
			ex: Exchange{Transport: "udp", Outcome: OutcomeTimeout, DetailNotes: []Note{NewNote("timeout-silent")}},
			en: "no response within the timeout"},
		{name: "timeout after provisional",
			ex: Exchange{Transport: "udp", Outcome: OutcomeTimeout, Provisional: []Reply{{Code: 100, Reason: "Trying"}},
				DetailNotes: []Note{NewNote("timeout-provisional")}},
			en: "provisional responses came, but no final response within the timeout"},
		{name: "DNS failure with its lookups",
			ex: Exchange{Outcome: OutcomeDNS, DNSFailure: DNSNotFound, DetailNotes: []Note{
				NewNote("dns-not-resolved", "host", "pbx.example.com", "server", "192.0.2.53:53").With("text",
					lookup("SRV", "_sip._udp.pbx.example.com", NewNote("dns-nxdomain")),
					lookup("A", "pbx.example.com", NewNote("dns-timeout")),
					lookup("AAAA", "pbx.example.com", NewNote("dns-refused")))}},
			en: "could not resolve pbx.example.com at DNS server 192.0.2.53:53: tried SRV _sip._udp.pbx.example.com (no such name (NXDOMAIN)), " +
				"A pbx.example.com (the DNS server did not answer), AAAA pbx.example.com (the DNS server's port is closed (connection refused))"},
		{name: "DNS failure at the system resolver",
			ex: Exchange{Outcome: OutcomeDNS, DNSFailure: DNSNoAnswer, DetailNotes: []Note{
				NewNote("dns-not-resolved", "host", "pbx.example.com").With("text", lookup("A", "pbx.example.com", Text("")))}},
			en: "could not resolve pbx.example.com: tried A pbx.example.com ()"},
		{name: "TLS unknown authority",
			ex: Exchange{Transport: "tls", Outcome: OutcomeTLS, TLSFailure: TLSUnknownAuthority, DetailNotes: []Note{
				NewNote("tls-failed", "text", "tls: failed to verify certificate: x509: certificate signed by unknown authority")}},
			en:  "TLS handshake failed: tls: failed to verify certificate: x509: certificate signed by unknown authority",
			raw: []string{"tls: failed to verify certificate: x509: certificate signed by unknown authority"}},
		{name: "TLS to a plain port",
			ex: Exchange{Transport: "tls", Outcome: OutcomeTLS, TLSFailure: TLSProtocol, DetailNotes: []Note{
				NewNote("tls-not-tls", "text", "tls: first record does not look like a TLS handshake")}},
			en:  "the server did not answer with TLS (is this a plain TCP port?): tls: first record does not look like a TLS handshake",
			raw: []string{"tls: first record does not look like a TLS handshake"}},
		{name: "TLS handshake too slow",
			ex: Exchange{Transport: "tls", Outcome: OutcomeConnectTimeout, DetailNotes: []Note{
				NewNote("tls-slow", "text", "context deadline exceeded")}},
			en: "the TLS handshake did not complete in time: context deadline exceeded", raw: []string{"context deadline exceeded"}},
		{name: "connection refused",
			ex: Exchange{Transport: "tcp", Outcome: OutcomeRefused, DetailNotes: []Note{
				NewNote("dial-refused", "text", "dial tcp 127.0.0.1:5061: connect: connection refused")}},
			en: "connection refused: dial tcp 127.0.0.1:5061: connect: connection refused", raw: []string{"dial tcp 127.0.0.1:5061: connect: connection refused"}},
		{name: "closed",
			ex: Exchange{Transport: "tcp", Outcome: OutcomeClosed, DetailNotes: []Note{
				NewNote("closed-before-final").With("text", NewNote("stream-closed"))}},
			en: "the server closed the connection before sending a final response"},
		{name: "reset inside a message",
			ex: Exchange{Transport: "tcp", Outcome: OutcomeClosed, DetailNotes: []Note{
				NewNote("closed-before-final").With("text", NewNote("stream-failed", "text", "read tcp 127.0.0.1:40000->127.0.0.1:5060: read: connection reset by peer")),
				NewNote("stream-truncated", "n", "120")}},
			en:  "the connection failed: read tcp 127.0.0.1:40000->127.0.0.1:5060: read: connection reset by peer before sending a final response; the stream ended inside a message (truncated after 120 bytes)",
			raw: []string{"read tcp 127.0.0.1:40000->127.0.0.1:5060: read: connection reset by peer"}},
		{name: "malformed",
			ex: Exchange{Transport: "udp", Outcome: OutcomeMalformed, DetailNotes: []Note{
				NewNote("unparseable", "addr", "127.0.0.1:5060", "n", "5", "text", "parse error"),
				NewNote("no-via", "code", "200", "reason", "OK", "addr", "127.0.0.1:5060")}},
			en:  "unparseable message from 127.0.0.1:5060 (5 bytes): parse error; 200 OK from 127.0.0.1:5060 has no Via header, so it matches no request",
			raw: []string{"parse error"}},
		{name: "malformed stream",
			ex: Exchange{Transport: "tcp", Outcome: OutcomeMalformed, DetailNotes: []Note{NewNote("frame-too-large", "n", "99999999")}},
			en: "malformed SIP stream: Content-Length 99999999 is too large"},
		{name: "codec sweep",
			ex: Exchange{Method: "INVITE", Transport: "udp", Outcome: OutcomeResponse, Final: &Reply{Code: 200, Reason: "OK"}, DetailNotes: []Note{
				NewNote("sweep-only", "codecs", "pcma", "rejected", "pcmu, g722")}},
			en: "the PBX accepts only pcma for this account (rejected: pcmu, g722)"},
		{name: "codec sweep stopped",
			ex: Exchange{Method: "INVITE", Transport: "udp", Outcome: OutcomeResponse, Final: &Reply{Code: 486, Reason: "Busy Here"}, DetailNotes: []Note{
				NewNote("sweep-stopped", "codec", "pcmu")}},
			en: "the codec sweep stopped at pcmu: the call failed for another reason than its codec"},
		{name: "in-dialog requests",
			ex: Exchange{Method: "INVITE", Transport: "udp", Outcome: OutcomeResponse, Final: &Reply{Code: 200, Reason: "OK"}, DetailNotes: []Note{
				NewNote("dlg-answered", "req", "re-INVITE").With("text", NewNote("sess-hold", "text", "sendonly"), NewNote("sess-moved", "addr", "127.0.0.1:7000")),
				NewNote("ack-answer").With("text", NewNote("sess-unchanged")),
				NewNote("dlg-cseq-low", "req", "OPTIONS", "seq", "5", "last", "11"),
				NewNote("dlg-no-ack", "seq", "1", "dur", "1.5s"),
				NewNote("remote-bye", "held", "1.2s", "hold", "3s"),
				NewNote("bye-got").With("text", NewNote("no-answer"))}},
			en: "re-INVITE from the far end answered 200: call on hold (sendonly), media moved to 127.0.0.1:7000; the ACK's answer: session unchanged; " +
				"OPTIONS from the far end refused 500: CSeq 5 below the last one, 11 (RFC 3261 §12.2.2); " +
				"no ACK came for our 200 to the far end's re-INVITE (CSeq 1) in 1.5s; the far end hung up (BYE) after 1.2s of the 3s hold; our BYE got no answer"},
		{name: "ring timeout",
			ex: Exchange{Method: "INVITE", Transport: "udp", Outcome: OutcomeTimeout, RingTimeout: true, DetailNotes: []Note{
				NewNote("ring-timeout", "dur", "30s")}},
			en: "it rang for 30s without an answer; we sent CANCEL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			en := c.Diagnose(tc.ex, EN)
			if len(en.Notes) == 0 || en.Notes[0] != clip(tc.en, 300) {
				t.Errorf("English note:\n got %q\nwant %q", en.Notes, tc.en)
			}
			ru := c.Diagnose(tc.ex, RU)
			if en.ID != ru.ID || len(ru.Notes) == 0 {
				t.Fatalf("ru %s %q, en %s", ru.ID, ru.Notes, en.ID)
			}
			for _, n := range ru.Notes {
				if bad := englishIn(n, tc.raw); len(bad) > 0 {
					t.Errorf("English words %q in the Russian note %q", bad, n)
				}
			}
		})
	}
}

// A key the catalogue lacks still says something.
func TestNoteTextUnknownKey(t *testing.T) {
	if got := Default().NoteText(NewNote("no-such-note", "text", "x"), RU); got != "no-such-note x" {
		t.Errorf("got %q", got)
	}
	if got := Default().NoteText(Text("as is"), RU); got != "as is" {
		t.Errorf("got %q", got)
	}
}
