package probe

import (
	"strings"

	"github.com/sipprobe/sipprobe/results"
)

// redact hides digest responses: with the nonce they let an attacker run an
// offline dictionary attack on the password. It hides the SDES master keys
// of a=crypto lines too, ours and the far end's (RFC 4568 §8.3: whoever
// reads the key||salt decrypts the call's SRTP).
func redact(msgs []results.Message) []results.Message {
	for i := range msgs {
		if msgs[i].Dir == results.DirOut {
			msgs[i].Raw = redactResponses(msgs[i].Raw)
		}
		msgs[i].Raw = redactInlineKeys(msgs[i].Raw)
	}
	return msgs
}

// redactInlineKeys replaces the key||salt of every "inline:" key parameter
// (RFC 4568 §9.1: inline:<base64>[|lifetime][|MKI:length], any case) with
// <redacted>, keeping lifetime and MKI, which are no secret.
func redactInlineKeys(s string) string {
	const name = "inline:"
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		j := indexFold(s[i:], name)
		if j < 0 {
			break
		}
		k := i + j + len(name)
		end := k
		for end < len(s) && s[end] != '|' && s[end] != ';' && s[end] != '"' && !isSpaceByte(s[end]) {
			end++
		}
		b.WriteString(s[last:k])
		b.WriteString("<redacted>")
		last, i = end, end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// indexFold is the index of the first name (lower-case ASCII) in s in any
// ASCII case, -1 if there is none.
func indexFold(s, name string) int {
	for j := 0; j+len(name) <= len(s); j++ {
		if s[j]|0x20 == name[0] && strings.EqualFold(s[j:j+len(name)], name) {
			return j
		}
	}
	return -1
}

// redactResponses replaces the value of every response= parameter (the
// digest response of Authorization and Proxy-Authorization, quoted or not,
// any case, spaces around "=") with "<redacted>". It is a hand-written scan
// rather than a regular expression because it runs on every message a
// sweep sends; redact_test.go holds it to the expression it replaced,
//
//	(?i)(\bresponse\s*=\s*)("[^"]*"|[^,\s\r\n]*)
func redactResponses(s string) string {
	const name = "response"
	var b strings.Builder
	last := 0
	for i := 0; i+len(name) <= len(s); {
		j := i + indexResponse(s[i:])
		if j < i {
			break
		}
		i = j + 1
		if j > 0 && isWordByte(s[j-1]) {
			continue // \b: "response" must start a word
		}
		k := skipSpace(s, j+len(name))
		if k == len(s) || s[k] != '=' {
			continue
		}
		k = skipSpace(s, k+1)
		end := k
		if q := strings.IndexByte(s[min(k+1, len(s)):], '"'); k < len(s) && s[k] == '"' && q >= 0 {
			end = k + 1 + q + 1
		} else {
			for end < len(s) && s[end] != ',' && !isSpaceByte(s[end]) {
				end++
			}
		}
		b.WriteString(s[last:k])
		b.WriteString(`"<redacted>"`)
		last, i = end, max(end, i)
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// indexResponse is the index of the first "response" in s in any ASCII
// case, -1 if there is none.
func indexResponse(s string) int {
	const name = "response"
	for j := 0; j+len(name) <= len(s); j++ {
		if s[j]|0x20 == 'r' && strings.EqualFold(s[j:j+len(name)], name) {
			return j
		}
	}
	return -1
}

// skipSpace is the index of the first byte at or after i that is not \s
// (RE2's [\t\n\f\r ]).
func skipSpace(s string, i int) int {
	for i < len(s) && isSpaceByte(s[i]) {
		i++
	}
	return i
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
