package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/sipprobe/sipprobe/catalog"
)

// Latin words sipprobe's Russian output may hold: protocol tokens, names
// of programs and commands, codecs and units. Diagnosis ids, flags,
// addresses and anything with a digit, dot, colon or slash are tokens
// too; quoted text is literal (the server's words, a command to type).
var ruCLIAllowed = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`
		SIP SIPS SDP RTP UDP TCP TLS DNS SRV A AAAA NXDOMAIN ICMP ICMPv6 IP NAT ALG RFC MTU URI
		udp tcp tls sip INVITE re-INVITE ACK BYE CANCEL UPDATE OPTIONS REGISTER INFO CSeq Via Contact Allow Server
		Warning Reason Retry-After Min-Expires User-Agent Expires OK Trying Ringing WWW-Authenticate Authorization
		PCMU PCMA G722 opus pcmu pcma g722 telephone-event sendrecv sendonly recvonly inactive realm nonce MD5 qop auth
		ms s sipprobe demo options register invite Asterisk FreeSWITCH Kamailio fail2ban iptables nftables ACL SRTP SDES REJECT ID
		RTCP MOS R E ITU-T RTT Ie Bpl DTMF
		`) {
		ruCLIAllowed[w] = true
	}
	// Commands and settings the remedies quote, word by word.
	for _, w := range strings.Fields(`
		asterisk rv systemctl status kamailio ss lunp ltnp grep L n pjsip set history on show debug peer peers endpoints
		acl match endpoint allow disallow all ulaw alaw nat comedia sngrep tcpdump port CommuniGate Pro
		transport tcpenable no
		`) {
		ruCLIAllowed[w] = true
	}
	for _, e := range catalog.Default().Entries() {
		ruCLIAllowed[e.ID] = true
	}
}

var (
	cliLatinWord = regexp.MustCompile(`[A-Za-z][A-Za-z0-9]*(?:[-_.'/:@][A-Za-z0-9]+)*`)
	cliQuoted    = regexp.MustCompile("«[^»]*»|`[^`]*`|\"[^\"]*\"|--[a-z][a-z0-9-]*")
	// Go's own words for a failed connect, which a note quotes.
	goDialError = regexp.MustCompile(`dial (?:tcp|udp) \S+: connect: [a-z ]+`)
	// The test peers' data: result names, URI parameters.
	peerData = regexp.MustCompile(`\bdemo-[a-z-]+|;transport=[a-z]+`)
)

// englishLines lists the lines of out with Latin words outside the
// allow-list, each with its words.
func englishLines(out string, data ...string) []string {
	var bad []string
	for _, line := range strings.Split(out, "\n") {
		s := peerData.ReplaceAllString(goDialError.ReplaceAllString(cliQuoted.ReplaceAllString(line, " "), " "), " ")
		for _, d := range data {
			s = strings.ReplaceAll(s, d, " ")
		}
		var words []string
		for _, w := range cliLatinWord.FindAllString(s, -1) {
			if !ruCLIAllowed[w] && !strings.ContainsAny(w, "0123456789_.:@/") {
				words = append(words, w)
			}
		}
		if len(words) > 0 {
			bad = append(bad, strings.Join(words, " ")+"  <-  "+line)
		}
	}
	return bad
}

// TestRussianOutputHasNoEnglish: with --lang ru, the lines sipprobe writes
// itself are Russian, the notes it words about the transport included
// (issue 9); only protocol tokens and quoted data stay Latin.
func TestRussianOutputHasNoEnglish(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string // Russian words that must be there
		data []string // the test peers' own words, which stay as they are
	}{
		{name: "options to a closed UDP port", args: []string{"options", "--server", closedUDPPort(t), "--timeout", "3s", "--lang", "ru"},
			code: 2, want: []string{"ICMP: порт недоступен", "никто не слушает"}},
		{name: "demo", args: []string{"demo", "--lang", "ru"},
			want: []string{"Жива ли АТС?", "Демонстрация завершена", "Порт, на котором никто не слушает", "ICMP: порт недоступен"},
			// The test PBX's reason phrases and Server header.
			data: []string{"Unauthorized", "Wrong Guess", "Not Found", "Not Acceptable Here", "sipprobe-testpbx"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %s\n%s", code, tc.code, errOut, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if bad := englishLines(out, tc.data...); len(bad) > 0 {
				t.Errorf("English in the Russian output:\n%s", strings.Join(bad, "\n"))
			}
		})
	}
}
