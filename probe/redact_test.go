package probe

import (
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
