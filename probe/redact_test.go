package probe

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/sipprobe/sipprobe/results"
)

func TestRedact(t *testing.T) {
	tests := []struct{ name, in, leak string }{
		{"quoted", `Authorization: Digest username="120", realm="pbx", nonce="n", uri="sip:pbx", response="0123456789abcdef0123456789abcdef"`, "0123456789abcdef"},
		{"unquoted", `Authorization: Digest username="120",response=deadbeefdeadbeef,nonce="n"`, "deadbeef"},
		{"proxy, odd spacing", `Proxy-Authorization: Digest Response = "cafebabecafebabe" , nonce="n"`, "cafebabe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := redact([]results.Message{{Dir: results.DirOut, Raw: "REGISTER sip:pbx SIP/2.0\r\n" + tt.in + "\r\n\r\n"}})
			if strings.Contains(out[0].Raw, tt.leak) {
				t.Errorf("digest response leaked: %s", out[0].Raw)
			}
			if !strings.Contains(out[0].Raw, `<redacted>`) {
				t.Errorf("no redaction marker: %s", out[0].Raw)
			}
			if !strings.Contains(out[0].Raw, `nonce="n"`) {
				t.Errorf("redaction ate other parameters: %s", out[0].Raw)
			}
		})
	}
}

// TestRedactResponsesAsRegexp holds the hand-written scan to the regular
// expression it replaced, on the tricky spellings and on random ASCII
// made of the pieces that matter.
func TestRedactResponsesAsRegexp(t *testing.T) {
	re := regexp.MustCompile(`(?i)(\bresponse\s*=\s*)("[^"]*"|[^,\s\r\n]*)`)
	want := func(s string) string {
		if !re.MatchString(s) {
			return s
		}
		return re.ReplaceAllString(s, `${1}"<redacted>"`)
	}
	cases := []struct{ name, in string }{
		{"none", "OPTIONS sip:pbx SIP/2.0\r\nContent-Length: 0\r\n\r\n"},
		{"quoted", `Digest username="1", response="abc", nonce="n"`},
		{"unquoted at end", `Digest response=abc`},
		{"empty", `Digest response=, nonce="n"`},
		{"unclosed quote", `Digest response="abc, nonce=n`},
		{"not a word start", `Digest xresponse="abc", _response=1, 9response=2`},
		{"no equals", `Digest response "abc", response`},
		{"spaces", "Digest RESPONSE \t=\r\n \"abc\" ,response=def"},
		{"twice", `response="a" response="b",Response=c`},
		{"prefix of a longer word", `responses="a", responsed=b`},
		{"overlap", `responseresponse=x, response=response=y`},
		{"trailing name", `a response`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got, w := redactResponses(c.in), want(c.in); got != w {
				t.Errorf("redactResponses(%q)\n got %q\nwant %q", c.in, got, w)
			}
		})
	}
	t.Run("random", func(t *testing.T) {
		pieces := []string{"response", "RESPONSE", "Response", "=", " ", "\t", "\r\n", `"`, ",", "x", "_", "9", "abc", "nonce=\"n\""}
		rng := rand.New(rand.NewPCG(13, 13))
		for range 20000 {
			var b strings.Builder
			for range rng.IntN(12) {
				b.WriteString(pieces[rng.IntN(len(pieces))])
			}
			in := b.String()
			if got, w := redactResponses(in), want(in); got != w {
				t.Fatalf("redactResponses(%q)\n got %q\nwant %q", in, got, w)
			}
		}
	})
}

func TestRedactInlineKeys(t *testing.T) {
	const key = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVzcwo="
	tests := []struct{ name, in, want string }{
		{"offer", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "\r\n", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:<redacted>\r\n"},
		{"lifetime and MKI kept", "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:" + key + "|2^20|1:4 KDR=1\r\n", "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:<redacted>|2^20|1:4 KDR=1\r\n"},
		{"several keys, odd case", "a=crypto:1 X INLINE:" + key + "|1:4;Inline:" + key + "|2:4", "a=crypto:1 X INLINE:<redacted>|1:4;Inline:<redacted>|2:4"},
		{"at the end", "inline:" + key, "inline:<redacted>"},
		{"none", "v=0\r\nm=audio 4000 RTP/AVP 0\r\n", "v=0\r\nm=audio 4000 RTP/AVP 0\r\n"},
	}
	for _, tt := range tests {
		for _, dir := range []results.Direction{results.DirOut, results.DirIn} {
			t.Run(tt.name+"/"+string(dir), func(t *testing.T) {
				out := redact([]results.Message{{Dir: dir, Raw: tt.in}})
				if out[0].Raw != tt.want {
					t.Errorf("got %q, want %q", out[0].Raw, tt.want)
				}
			})
		}
	}
}
